"""``slam status``: the deployment as the stack describes it, as the seed's block of
lines or as JSON for scripts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..cloudformation import stage_names
from ..config import Config
from ..remote import Stack
from .parameters import BUCKET_PARAMETER

FUNCTION_NAME_OUTPUT = "FunctionName"
# A stack in one of these has never finished a deploy: nothing of the project runs.
NEVER_DEPLOYED = frozenset(
    {
        "REVIEW_IN_PROGRESS",
        "CREATE_IN_PROGRESS",
        "CREATE_FAILED",
        "ROLLBACK_IN_PROGRESS",
        "ROLLBACK_FAILED",
        "ROLLBACK_COMPLETE",
        "DELETE_COMPLETE",
    }
)
ENDPOINT_OUTPUT = "{stage_id}Endpoint"  # one per stage, from the wsgi plugin's template


@dataclass(frozen=True)
class StageStatus:
    """A deployed stage: the version its alias points at, and its URL when it has an API."""

    name: str
    version: str
    url: str | None = None


@dataclass(frozen=True)
class DeploymentStatus:
    """What ``slam status`` reports, read from one DescribeStacks answer."""

    name: str
    stack_status: str
    region: str
    account: str
    function_name: str | None
    bucket: str | None
    stages: tuple[StageStatus, ...]


def deployment_status(config: Config, stack: Stack) -> DeploymentStatus:
    """The deployment's status. Stages are sorted by name; a configured stage the stack
    does not have yet (added to slam.yaml since the last deploy) is left out."""
    stages = [
        StageStatus(
            names.name,
            stack.parameters[names.version_parameter],
            stack.outputs.get(ENDPOINT_OUTPUT.format(stage_id=names.id)) or None,
        )
        for names in stage_names(config)
        if names.version_parameter in stack.parameters
    ]
    return DeploymentStatus(
        name=config.name,
        stack_status=stack.status,
        region=stack.region,
        account=stack.account,
        function_name=stack.outputs.get(FUNCTION_NAME_OUTPUT),
        bucket=stack.parameters.get(BUCKET_PARAMETER),
        stages=tuple(sorted(stages, key=lambda stage: stage.name)),
    )


def is_deployed(stack: Stack | None) -> bool:
    """Whether a deploy of the stack ever finished, so that the project runs."""
    return stack is not None and stack.status not in NEVER_DEPLOYED


def status_block(config: Config, stack: Stack) -> list[str]:
    """``slam status``'s lines for a deployed stack, the enabled plugins' lines last."""
    plugin_lines = [
        line for plugin in config.plugins for line in plugin.status_lines(config, stack.outputs)
    ]
    return status_lines(deployment_status(config, stack), plugin_lines)


def status_lines(status: DeploymentStatus, plugin_lines: Sequence[str] = ()) -> list[str]:
    """The status block, as the seed prints it; plugins' ``status_lines`` come last."""
    lines = [f"{status.name} is deployed!"]
    if status.function_name:
        lines.append(f"  Function name: {status.function_name}")
    if status.bucket:
        lines.append(f"  S3 bucket: {status.bucket}")
    lines.append("  Stages:")
    for stage in status.stages:
        url = f": {stage.url}" if stage.url else ""
        lines.append(f"    {stage.name}:{stage.version}{url}")
    return [*lines, *plugin_lines]


def status_json(status: DeploymentStatus) -> dict[str, Any]:
    """The same facts for ``slam status --json``, with the stack's status and place."""
    return {
        "name": status.name,
        "deployed": True,
        "stack_status": status.stack_status,
        "region": status.region,
        "account": status.account,
        "function_name": status.function_name,
        "s3_bucket": status.bucket,
        "stages": {
            stage.name: {"version": stage.version, "url": stage.url} for stage in status.stages
        },
    }


def not_deployed_line(name: str) -> str:
    return f"{name} has not been deployed yet."


def not_deployed_json(name: str, stack: Stack | None = None) -> dict[str, Any]:
    """``--json`` for a project that does not run: with its stack's status, if it has one."""
    found = {"stack_status": stack.status} if stack is not None else {}
    return {"name": name, "deployed": False, **found}
