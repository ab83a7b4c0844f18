"""What every step needs to know about a project: its config, its Lambda platform,
where its build state lives (``.slam/`` beside slam.yaml), and, for the steps that call
AWS, the run's :class:`~slam.tasks.remote.Remote`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..build import STATE_DIR
from ..build.interpreters import Interpreter, interpreter_for
from ..build.lambda_platform import LambdaPlatform
from ..config import Config
from .remote import Remote


@dataclass(frozen=True)
class BuildLayout:
    """The files of ``.slam/``: doit's database, the build outputs and the logs."""

    root: Path

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    @property
    def database(self) -> Path:
        return self.state / "doit.sqlite3"

    @property
    def build(self) -> Path:
        return self.state / "build"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def deps(self) -> Path:
        """The requirements, installed for Lambda's platform."""
        return self.build / "deps"

    @property
    def deps_manifest(self) -> Path:
        """The deps step's stamp: what is installed, and the hash of its zip."""
        return self.build / "deps.json"

    @property
    def deps_zip(self) -> Path:
        """The dependencies as a zip, the base every package is copied from."""
        return self.build / "deps.zip"

    @property
    def wheels(self) -> Path:
        """Wheels slam built locally from pure-Python source distributions."""
        return self.build / "wheels"

    @property
    def package_manifest(self) -> Path:
        """The package step's stamp: which zip is current, its hash and size."""
        return self.build / "package.json"

    @property
    def template(self) -> Path:
        """The stack's CloudFormation template, rendered from slam.yaml."""
        return self.build / "template.json"

    def package_zip(self, sha256: str) -> Path:
        return self.build / f"lambda_package.{sha256[:12]}.zip"


@dataclass(frozen=True)
class Project:
    """A loaded project, as the steps see it."""

    config: Config
    layout: BuildLayout
    platform: LambdaPlatform
    remote: Remote

    @classmethod
    def from_config(cls, config: Config, remote: Remote | None = None) -> Project:
        """The project of ``config``; its remote steps use ``remote`` (default: a new one,
        with the options of a plain deploy)."""
        platform = LambdaPlatform(config.aws.lambda_runtime, config.aws.lambda_architecture)
        return cls(config, BuildLayout(config.root), platform, remote or Remote(config))

    @property
    def runtime_python(self) -> Interpreter:
        """A Python of the runtime's version: pip's markers and bytecode are for it."""
        return interpreter_for(self.platform.python_version)


def doit_path(path: Path) -> str:
    """How a task names a file: its absolute, normalised path, with ``/``.

    doit compares paths as strings, so every task must spell a file the same way; an
    absolute path means the same file whatever folder doit runs in.
    """
    return Path(os.path.abspath(path)).as_posix()
