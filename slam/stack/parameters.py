"""The stack's parameters: where the package is, and the version each stage runs.

slam's template takes ``LambdaS3Bucket``, ``LambdaS3Key`` and one ``<StageId>Version``
per stage (see :class:`slam.cloudformation.StageNames`). A deploy moves its target stage
to ``$LATEST`` and leaves every other stage on the version the stack holds; a publish
moves one stage to a numbered version and keeps everything else.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from ..cloudformation import stage_names
from ..config import Config
from ..remote import Stack
from .template import deployed_template_sha256

BUCKET_PARAMETER = "LambdaS3Bucket"
KEY_PARAMETER = "LambdaS3Key"
LATEST = "$LATEST"
PACKAGE_KEY_RE = re.compile(r"(?P<name>.+)/(?P<sha256>[0-9a-f]{64})\.zip")
# Statuses of a stack whose last operation ended, well or rolled back, and can be updated.
SETTLED_STATUSES = frozenset(
    {
        "CREATE_COMPLETE",
        "UPDATE_COMPLETE",
        "UPDATE_ROLLBACK_COMPLETE",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
    }
)


def package_key(name: str, sha256: str) -> str:
    """Where a package lives in the bucket: ``<name>/<sha256>.zip``."""
    return f"{name}/{sha256}.zip"


def package_sha256(key: str) -> str | None:
    """The hex SHA-256 a package key names, or None for a key slam did not make."""
    match = PACKAGE_KEY_RE.fullmatch(key)
    return match["sha256"] if match else None


def code_sha256(key: str) -> str | None:
    """The ``CodeSha256`` Lambda reports for the package ``key`` names: the base64 of
    its SHA-256. None for a key slam did not make."""
    sha256 = package_sha256(key)
    return base64.b64encode(bytes.fromhex(sha256)).decode() if sha256 else None


def version_parameter(config: Config, stage: str) -> str:
    """The stack parameter holding the version ``stage`` runs."""
    return next(names.version_parameter for names in stage_names(config) if names.name == stage)


def deployed_package_key(stack: Stack) -> str | None:
    """The key of the package the stack runs (what ``--no-lambda`` deploys again)."""
    return stack.parameters.get(KEY_PARAMETER)


def stage_versions(config: Config, stack: Stack | None) -> dict[str, str]:
    """The version each configured stage runs: the stack's value, else ``$LATEST``."""
    held = stack.parameters if stack else {}
    return {names.name: held.get(names.version_parameter, LATEST) for names in stage_names(config)}


def deploy_parameters(config: Config, key: str, stage: str, stack: Stack | None) -> dict[str, str]:
    """The parameters of a deploy of package ``key`` to ``stage``: that stage on
    ``$LATEST``, the others on the version ``stack`` holds."""
    versions = {**stage_versions(config, stack), stage: LATEST}
    parameters = {BUCKET_PARAMETER: config.aws.s3_bucket, KEY_PARAMETER: key}
    for names in stage_names(config):
        parameters[names.version_parameter] = versions[names.name]
    return parameters


def publish_parameters(config: Config, stage: str, version: str) -> dict[str, str | None]:
    """The parameters of a publish of ``version`` to ``stage``: every other value is the
    stack's own (None, sent as UsePreviousValue), for an update that keeps the template."""
    parameters: dict[str, str | None] = {BUCKET_PARAMETER: None, KEY_PARAMETER: None}
    for names in stage_names(config):
        parameters[names.version_parameter] = version if names.name == stage else None
    return parameters


def stages_on_latest(config: Config, parameters: Mapping[str, str | None]) -> list[str]:
    """The stages (sorted) that run ``$LATEST`` with these parameters: all get new code."""
    return sorted(
        names.name
        for names in stage_names(config)
        if parameters.get(names.version_parameter) == LATEST
    )


def out_of_date(
    stack: Stack | None, template_sha256: str, parameters: Mapping[str, str]
) -> list[str]:
    """Why the stack does not yet run this template with these parameters, one reason a
    line; empty when there is nothing to do. Reads only what one DescribeStacks returns."""
    if stack is None:
        return ["the stack does not exist yet"]
    if stack.status not in SETTLED_STATUSES:
        return [f"the stack is {stack.status}"]
    reasons = []
    if deployed_template_sha256(stack) != template_sha256:
        reasons.append("the template changed")
    for name, value in parameters.items():
        held = stack.parameters.get(name)
        if held != value:
            reasons.append(f"{name} changes from {held or '(none)'} to {value}")
    return reasons
