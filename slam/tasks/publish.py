"""The ``publish:<stage>`` steps: freeze the code one stage runs as a numbered Lambda
version, and move another stage to it.

What is published is a stage's code (the devstage's by default) or a version number.
A stage on ``$LATEST`` is frozen with PublishVersion, given the CodeSha256 of the
package the stack deploys, so exactly what was deployed becomes the version (Lambda
refuses if the function's code changed meanwhile). The target stage then moves through
its version parameter, in an update that keeps the template and every other value.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from typing import Any

from ..config import Config, check_stage
from ..errors import SlamError, UsageError
from ..remote import Stack
from ..stack import (
    KEY_PARAMETER,
    LATEST,
    code_sha256,
    is_deployed,
    not_deployed_line,
    publish_parameters,
    required_capabilities,
    version_parameter,
)
from ..stack.status import FUNCTION_NAME_OUTPUT
from .operations import StackOperations
from .project import Project
from .remote import Remote, remote_check
from .step import TaskDict, reports_failures


def source_of(project: Project) -> str:
    """What the publish steps publish: ``--version``, else the devstage."""
    return project.remote.options.publish_version or project.config.devstage


def check_publish(config: Config, stage: str, source: str) -> None:
    """A UsageError unless ``source`` (a stage or a number) may be published to ``stage``."""
    check_stage(config, stage)
    if not source.isdigit():
        check_stage(config, source, "--version")
    if source == stage:
        raise UsageError(
            f"stage {stage} cannot be published to itself",
            "name another stage, or the stage or version to publish with --version",
        )


def tasks(project: Project) -> Iterator[TaskDict]:
    source = source_of(project)
    if set(project.config.stages) <= {source}:
        return  # one stage: nowhere to publish to
    yield {
        "basename": "publish",
        "name": None,
        "doc": f"Publish {source}'s code to a stage: publish:<stage>.",
    }
    runs = f"version {source}" if source.isdigit() else f"the version {source} runs"
    for stage in project.config.stages:
        if stage == source:
            continue
        check = functools.partial(already_published, project, stage, source)
        yield {
            "basename": "publish",
            "name": stage,
            "doc": f"Publish {source}'s code to the {stage} stage.",
            "actions": [(publish_stage, [project, stage, source])],
            "uptodate": [remote_check(f"{stage} runs {source}'s version", check)],
            "io": {"capture": False},
            "meta": {"slam": {"progress": None, "uptodate": f"{stage} already runs {runs}."}},
        }


def already_published(project: Project, stage: str, source: str) -> bool:
    """Whether ``stage`` already runs the numbered version that publishing would give it.

    Decided only when that version is known without publishing: a number, or a stage
    on one. A stage on ``$LATEST`` is published again, which Lambda answers with the
    version it already has when nothing changed.
    """
    stack = project.remote.stack()
    if stack is None or not is_deployed(stack):
        return False
    config = project.config
    current = stack.parameters.get(version_parameter(config, stage))
    if source.isdigit():
        wanted: str | None = source
    else:
        wanted = stack.parameters.get(version_parameter(config, source))
    return wanted not in (None, LATEST) and current == wanted


@reports_failures
def publish_stage(project: Project, stage: str, source: str) -> dict[str, Any]:
    remote, config = project.remote, project.config
    check_publish(config, stage, source)
    stack = _deployed_stack(remote, stage)
    operations = StackOperations(remote.aws, sys.stderr)
    stack = operations.settled(stack)
    version = version_to_publish(remote, stack, source)
    if stack.parameters.get(version_parameter(config, stage)) == version:
        print(f"{stage} already runs version {version}.", file=sys.stderr)
        remote.remember(stack)
        return {}
    capabilities = required_capabilities(remote.aws.stacks.stack_template(stack.stack_id))
    parameters = publish_parameters(config, stage, version)
    remote.announce()
    remote.remember(operations.update_parameters(stack, parameters, capabilities))
    return {}


def _deployed_stack(remote: Remote, stage: str) -> Stack:
    config = remote.config
    stack = remote.stack()
    if stack is None or not is_deployed(stack):
        raise SlamError(not_deployed_line(config.name), "run `slam deploy` first")
    if version_parameter(config, stage) not in stack.parameters:
        raise SlamError(
            f"stage {stage} is not deployed yet",
            "run `slam deploy` to deploy the stages slam.yaml added, then publish",
        )
    return stack


def version_to_publish(remote: Remote, stack: Stack, source: str) -> str:
    """The version number ``source`` stands for, publishing ``$LATEST`` if it runs that."""
    aws = remote.aws
    function = stack.outputs.get(FUNCTION_NAME_OUTPUT, "")
    if source.isdigit():
        if aws.functions.function_version(function, source) is None:
            raise SlamError(
                f"version {source} of function {function} does not exist",
                "`slam status` shows the versions the stages run",
            )
        return source
    current = stack.parameters.get(version_parameter(remote.config, source))
    if current is None:
        raise SlamError(
            f"stage {source} is not deployed yet",
            "run `slam deploy` to deploy the stages slam.yaml added, then publish",
        )
    if current != LATEST:
        return current
    deployed = code_sha256(stack.parameters.get(KEY_PARAMETER, ""))
    if deployed is None:  # a package slam did not name: trust what Lambda holds
        latest = aws.functions.function_version(function)
        deployed = latest.code_sha256 if latest is not None else ""
    remote.announce()
    published = aws.functions.publish_version(function, deployed, "Published by slam.")
    print(
        f"{source}'s code is version {published.version} of function {function}.", file=sys.stderr
    )
    return published.version
