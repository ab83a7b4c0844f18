"""The ``stack`` step, which creates or updates the project's CloudFormation stack, and
``deploy``, which runs it and prints the deployment's status, as ``slam deploy`` does.

The stack records the hash of its template (the ``SlamTemplateSha256`` output) and
the package it runs (the ``LambdaS3Key`` parameter), so one DescribeStacks says
whether there is anything to do: the step is up to date while the stack runs this
template with these parameters. Otherwise it deploys through a change set, printing
its summary and the stack's events (see :mod:`.operations`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..cloudformation import API_GATEWAY_LOGGING_STACK, api_gateway_logging_template
from ..errors import SlamError
from ..plugins.wsgi import WsgiSettings
from ..remote import Stack
from ..stack import (
    deploy_parameters,
    deployed_package_key,
    is_deployed,
    not_deployed_line,
    out_of_date,
    package_sha256,
    stages_on_latest,
    status_block,
    template_sha256,
    with_template_hash,
)
from .operations import StackOperations, StackRequest
from .project import Project
from .remote import Remote, remote_check
from .step import TaskDict, reports_failures
from .upload import package_to_deploy

DOC = "Create or update the CloudFormation stack, when it does not run this template yet."
DEPLOY_DOC = "Deploy the project (package, upload, stack), then show its status."


def tasks(project: Project) -> Iterator[TaskDict]:
    remote, name = project.remote, project.config.name
    options = remote.options
    target = f"{name}:{remote.stage}"
    in_sync = functools.partial(stack_in_sync, project)
    yield {
        "basename": "stack",
        "doc": DOC,
        "actions": [(deploy_stack, [project])],
        "task_dep": ["template"] if options.no_lambda else ["upload", "template"],
        # --force asks CloudFormation whatever the stack records: no check, always run
        "uptodate": [] if options.force else [remote_check("stack in sync", in_sync)],
        "io": {"capture": False},  # the stack's events reach the terminal as they happen
        "meta": {
            "slam": {
                "progress": None,
                "heading": f"Deploying {target}...",
                "uptodate": f"{target} is up to date: nothing to deploy.",
            }
        },
    }
    yield {
        "basename": "deploy",
        "doc": DEPLOY_DOC,
        "actions": [(show_deployment, [project])],
        "task_dep": ["stack"],
        "io": {"capture": False},
        "meta": {"slam": {"progress": None}},
    }


def template_to_deploy(project: Project) -> dict[str, Any]:
    """The template step's template, with the output recording its hash."""
    text = project.layout.template.read_text(encoding="utf-8")
    return with_template_hash(json.loads(text))


def parameters_for(project: Project, key: str) -> Callable[[Stack | None], dict[str, str]]:
    """The stack parameters of a deploy of package ``key``, given the stack as it is."""
    config, stage = project.config, project.remote.stage
    return lambda stack: deploy_parameters(config, key, stage, stack)


def stack_in_sync(project: Project) -> bool:
    """Whether the stack runs this template with these parameters (one DescribeStacks)."""
    stack = project.remote.stack()
    key = package_to_deploy(project).key
    parameters = parameters_for(project, key)(stack)
    return not out_of_date(stack, template_sha256(template_to_deploy(project)), parameters)


@reports_failures
def deploy_stack(project: Project) -> dict[str, Any]:
    remote, config = project.remote, project.config
    template = template_to_deploy(project)
    key = package_to_deploy(project).key
    remote.announce()
    operations = StackOperations(remote.aws, sys.stderr)
    if _logs_stages(project):
        ensure_logging_role(remote, operations)
    before = remote.stack()
    request = StackRequest(
        name=config.name,
        template=template,
        parameters=parameters_for(project, key),
        bucket=config.aws.s3_bucket,
        force=remote.options.force,
        allow_data_loss=remote.options.allow_data_loss,
    )
    _say_who_gets_the_code(project, before, key)
    outcome = operations.deploy(request, before)
    remote.remember(outcome.stack)
    if outcome.changed and outcome.stack is not None:
        prune_packages(remote, outcome.stack)
    elif not outcome.changed and not remote.options.force:
        print(f"{config.name}:{remote.stage} is up to date: nothing to deploy.", file=sys.stderr)
    return {}


def _logs_stages(project: Project) -> bool:
    wsgi: WsgiSettings | None = project.config.plugin_settings("wsgi")
    return wsgi is not None and wsgi.deploy_api_gateway and bool(wsgi.log_stages)


def _say_who_gets_the_code(project: Project, stack: Stack | None, key: str) -> None:
    """Name the other stages that run ``$LATEST``: the new code reaches them too."""
    if stack is None or deployed_package_key(stack) == key:
        return
    parameters: Mapping[str, str | None] = parameters_for(project, key)(stack)
    others = [s for s in stages_on_latest(project.config, parameters) if s != project.remote.stage]
    if others:
        verb = "runs" if len(others) == 1 else "run"
        print(
            f"{', '.join(others)} {verb} $LATEST too, so the new code reaches "
            f"{'it' if len(others) == 1 else 'them'} as well.",
            file=sys.stderr,
        )


def ensure_logging_role(remote: Remote, operations: StackOperations) -> None:
    """Make sure API Gateway has a CloudWatch Logs role in this account and region,
    through the shared logging stack; a role already set, by anyone, is left alone."""
    if remote.aws.logs.api_gateway_role() is not None:
        return
    print(
        "API Gateway has no CloudWatch Logs role in this account and region yet, which "
        f"logging stages need: deploying stack {API_GATEWAY_LOGGING_STACK}...",
        file=sys.stderr,
    )
    template = with_template_hash(api_gateway_logging_template())
    request = StackRequest(API_GATEWAY_LOGGING_STACK, template, lambda stack: {})
    operations.deploy(request, remote.aws.stacks.describe_stack(API_GATEWAY_LOGGING_STACK))


def prune_packages(remote: Remote, stack: Stack) -> None:
    """Delete the project's older packages from the bucket, keeping the one the stack
    runs (a rollback or ``--no-lambda`` reads it again). Published versions hold their
    own copy of the code."""
    keep = deployed_package_key(stack)
    bucket, name = remote.config.aws.s3_bucket, remote.config.name
    old = [
        stored.key
        for stored in remote.aws.s3.list_objects(bucket, f"{name}/")
        if package_sha256(stored.key) is not None
        and stored.key.rpartition("/")[0] == name
        and stored.key != keep
    ]
    if old:
        remote.aws.s3.delete_objects(bucket, old)
        count = f"{len(old)} older package" + ("s" if len(old) > 1 else "")
        print(f"Removed {count} from s3://{bucket}/{name}/.", file=sys.stderr)


@reports_failures
def show_deployment(project: Project) -> dict[str, Any]:
    """Print the status block, from the stack as this run last described it."""
    stack = project.remote.stack()
    if not is_deployed(stack):
        raise SlamError(not_deployed_line(project.config.name), "run `slam deploy`")
    assert stack is not None
    print("\n".join(status_block(project.config, stack)), file=sys.stdout, flush=True)
    return {}
