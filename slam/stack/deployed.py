"""A deployed stage, as the stack describes it: what ``invoke`` and ``logs`` work on.

They name a stage (``--stage``, default the devstage), read the stack with one
DescribeStacks, and take from it the function, the version the stage's alias points at
and the REST API in front of it; and, for ``logs`` and ``delete``, where AWS writes
their logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cloudformation import StageNames, stage_names
from ..config import Config, check_stage
from ..errors import SlamError
from ..remote import Stack
from .status import FUNCTION_NAME_OUTPUT, not_deployed_line

API_ID_OUTPUT = "ApiId"  # the wsgi plugin's REST API, when it deploys one
DEPLOY_HINT = "deploy it with `slam deploy`"


@dataclass(frozen=True)
class DeployedStage:
    """A stage as the stack deploys it: the function, the version the stage's alias
    points at (``$LATEST`` or a number) and the REST API in front of it, if any."""

    name: str
    version: str
    function_name: str
    api_id: str | None = None


def chosen_stage(config: Config, stage: str | None) -> StageNames:
    """The stage ``--stage`` names, or the devstage; a stage slam.yaml does not configure
    is a usage error listing those it does."""
    name = stage or config.devstage
    check_stage(config, name, "--stage")
    (names,) = (names for names in stage_names(config) if names.name == name)
    return names


def deployed_stage(
    config: Config, stack: Stack | None, names: StageNames, region: str
) -> DeployedStage:
    """What ``stack`` (the project's, as DescribeStacks in ``region`` answered: None when
    there is none) deploys for the stage. A project whose function is not deployed yet,
    or a stage added to slam.yaml since the last deploy, is a SlamError saying so."""
    if stack is None:
        raise SlamError(
            not_deployed_line(config.name),
            f"no stack {config.name} in {region}: {DEPLOY_HINT}, or check --region and --profile",
        )
    function_name = stack.outputs.get(FUNCTION_NAME_OUTPUT)
    if not function_name:  # a first deploy running, rolled back, or interrupted early
        raise SlamError(
            not_deployed_line(config.name),
            f"its stack is {stack.status}, with no function yet: {DEPLOY_HINT}",
        )
    version = stack.parameters.get(names.version_parameter)
    if version is None:
        raise SlamError(
            f"stage {names.name} has not been deployed yet",
            f"`slam deploy` adds the stages of slam.yaml to stack {stack.name}",
        )
    return DeployedStage(
        names.name, version, function_name, stack.outputs.get(API_ID_OUTPUT) or None
    )


def function_log_group(function_name: str) -> str:
    """Where Lambda writes the function's logs, every version's."""
    return f"/aws/lambda/{function_name}"


def api_log_groups_prefix(api_id: str) -> str:
    """What the names of the REST API's execution log groups, one per stage, start with."""
    return f"API-Gateway-Execution-Logs_{api_id}/"
