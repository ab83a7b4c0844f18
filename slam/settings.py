"""slam's own settings, as frozen dataclasses: what plugins and every later step read.

:class:`CoreSettings` is slam.yaml without the plugins' sections; ``slam.config``
parses the file into a ``Config``, which adds each enabled plugin. This module sits
below both the plugins and the parser, so that they need not import each other.
:class:`AwsOptions` is the command line's choice of AWS credentials and region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT = 10
DEFAULT_MEMORY = 128


@dataclass(frozen=True)
class Function:
    """The callable to deploy: ``module:app``."""

    module: str
    app: str

    def __str__(self) -> str:
        return f"{self.module}:{self.app}"


@dataclass(frozen=True)
class AwsSettings:
    s3_bucket: str
    lambda_runtime: str
    lambda_timeout: int = DEFAULT_TIMEOUT
    lambda_memory: int = DEFAULT_MEMORY
    lambda_architecture: str = "x86_64"
    lambda_security_groups: tuple[str, ...] = ()
    lambda_subnet_ids: tuple[str, ...] = ()
    lambda_managed_policies: tuple[str, ...] = ()
    lambda_inline_policies: Mapping[str, Any] = field(default_factory=dict)
    cfn_resources: Mapping[str, Any] = field(default_factory=dict)
    cfn_outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageSettings:
    """Glob patterns, relative to the project folder, that adjust what goes into the zip."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoreSettings:
    """slam.yaml's own keys, validated: everything but the plugins' sections."""

    file: Path
    name: str
    description: str
    function: Function
    requirements: str
    devstage: str
    environment: Mapping[str, str]
    stage_environments: Mapping[str, Mapping[str, str]]
    aws: AwsSettings
    package: PackageSettings = PackageSettings()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def root(self) -> Path:
        """The project folder: where slam.yaml lives."""
        return self.file.parent

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(self.stage_environments)


@dataclass(frozen=True)
class AwsOptions:
    """``--region`` and ``--profile``: for the commands that call AWS.

    None means boto3's own configuration decides (``AWS_REGION``, ``AWS_PROFILE``,
    ``~/.aws/config``...), as it does for every other AWS tool.
    """

    region: str | None = None
    profile: str | None = None
