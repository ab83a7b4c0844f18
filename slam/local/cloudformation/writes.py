"""The API actions that start stack operations, and those that make change sets.

Each checks the request as CloudFormation does, records the operation's first
status (so the next DescribeStacks already shows it) and leaves the rest to a
worker thread.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from . import operations
from .api import ApiRequest, action
from .changes import describe_changes
from .checks import check_capabilities
from .engine import Run
from .errors import AlreadyExists, InvalidChangeSetStatus, ValidationError
from .scope import resolve_parameters
from .state import STORE, UPDATABLE, ChangeSet, Configuration, Stack, now
from .template import Template

NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
NO_CHANGES = (
    "The submitted information didn't contain changes. "
    "Submit different information to create a change set."
)


def _check_name(name: str, field: str) -> None:
    if not NAME.fullmatch(name):
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*"
        )


def _configuration(
    request: ApiRequest, template: Template, previous: Stack | None
) -> Configuration:
    params = request.params
    capabilities = tuple(params.get("Capabilities") or ())
    check_capabilities(template, capabilities)
    given_tags = params.get("Tags")
    if given_tags is None and previous is not None:
        tags = previous.configuration.tags
    else:
        tags = tuple((str(tag["Key"]), str(tag["Value"])) for tag in given_tags or [])
    return Configuration(
        template,
        resolve_parameters(
            template,
            params.get("Parameters") or [],
            previous.configuration.parameters if previous else None,
        ),
        capabilities,
        tags,
        tuple(params.get("NotificationARNs") or ()),
        params.get("RoleARN"),
    )


def _start(request: ApiRequest, stack: Stack, status: str, flow: Callable[[Run], None]) -> None:
    with STORE.lock:
        stack.token = request.params.get("ClientRequestToken")
        stack.set_status(status, "User Initiated")
    run = Run(stack, request.context(stack))
    STORE.run(lambda: flow(run))


def _check_updatable(stack: Stack) -> None:
    if stack.status not in UPDATABLE:
        raise ValidationError(
            f"Stack:{stack.id} is in {stack.status} state and can not be updated."
        )


def _check_types(stack: Stack, template: Template) -> None:
    current = stack.configuration.template.resources
    changed = [
        name
        for name, definition in template.resources.items()
        if name in stack.resources
        and definition.get("Type") != (current.get(name) or {}).get("Type")
    ]
    if changed:
        raise ValidationError(
            "Update of resource type is not permitted. The new template modifies resource type "
            f"of the following resources: [{', '.join(changed)}]"
        )


def _new_stack(request: ApiRequest, configuration: Configuration, status: str) -> Stack:
    name = str(request.params["StackName"])
    account = request.account()
    stack = Stack(
        f"arn:aws:cloudformation:{request.region}:{account}:stack/{name}/{uuid.uuid4()}",
        name,
        request.region,
        account,
        configuration,
        status,
        disable_rollback=bool(request.params.get("DisableRollback")),
        termination_protection=bool(request.params.get("EnableTerminationProtection")),
        timeout=request.params.get("TimeoutInMinutes"),
    )
    STORE.add(stack)
    return stack


@action
def create_stack(request: ApiRequest) -> dict[str, Any]:
    name = str(request.params["StackName"])
    _check_name(name, "stackName")
    existing = STORE.find(request.region, name)
    if existing is not None:
        token = request.params.get("ClientRequestToken")
        if token and existing.token == token:
            return {"StackId": existing.id}
        raise AlreadyExists(f"Stack [{name}] already exists")
    configuration = _configuration(request, request.template(), None)
    stack = _new_stack(request, configuration, "CREATE_IN_PROGRESS")
    failure = request.params.get("OnFailure") or "ROLLBACK"
    if stack.disable_rollback:
        failure = "DO_NOTHING"
    _start(request, stack, "CREATE_IN_PROGRESS", lambda run: operations.create_stack(run, failure))
    return {"StackId": stack.id}


@action
def update_stack(request: ApiRequest) -> dict[str, Any]:
    stack = request.stack(include_deleted=False)
    _check_updatable(stack)
    template = request.template(stack)
    _check_types(stack, template)
    target = _configuration(request, template, stack)
    if target.same_as(stack.configuration):
        raise ValidationError("No updates are to be performed.")
    _update(request, stack, target)
    return {"StackId": stack.id}


def _update(request: ApiRequest, stack: Stack, target: Configuration) -> None:
    previous = stack.configuration
    roll_back = not request.params.get("DisableRollback")
    with STORE.lock:
        stack.configuration, stack.updated = target, now()
    _start(
        request,
        stack,
        "UPDATE_IN_PROGRESS",
        lambda run: operations.update_stack(run, previous, target, roll_back),
    )


@action
def delete_stack(request: ApiRequest) -> dict[str, Any]:
    stack = STORE.find(request.region, str(request.params.get("StackName", "")))
    if stack is None or stack.status in ("DELETE_COMPLETE", "DELETE_IN_PROGRESS"):
        return {}
    if stack.termination_protection:
        raise ValidationError(
            f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
        )
    if stack.status.endswith("_IN_PROGRESS") and stack.status != "REVIEW_IN_PROGRESS":
        raise ValidationError(
            f"Stack [{stack.name}] cannot be deleted while in status {stack.status}"
        )
    retain = set(request.params.get("RetainResources") or [])
    if retain and stack.status != "DELETE_FAILED":
        raise ValidationError(
            f"Invalid operation on stack [{stack.id}]. RetainResources can only be specified "
            "when the stack is in the DELETE_FAILED state"
        )
    _start(request, stack, "DELETE_IN_PROGRESS", lambda run: operations.delete_stack(run, retain))
    return {}


@action
def continue_update_rollback(request: ApiRequest) -> dict[str, Any]:
    stack = request.stack(include_deleted=False)
    if stack.status != "UPDATE_ROLLBACK_FAILED" or stack.rollback is None:
        raise ValidationError(
            f"Stack [{stack.id}] is in {stack.status} state and can not continue its update "
            "rollback"
        )
    skip = set(request.params.get("ResourcesToSkip") or [])
    refused = sorted(skip - stack.rollback.failed)
    if refused:
        raise ValidationError(
            f"Only resources whose update rollback failed can be skipped: [{', '.join(refused)}]"
        )
    with STORE.lock:
        stack.token = request.params.get("ClientRequestToken")
        stack.set_status("UPDATE_ROLLBACK_IN_PROGRESS")
    run = Run(stack, request.context(stack))
    STORE.run(lambda: operations.continue_rollback(run, skip))
    return {}


@action
def update_termination_protection(request: ApiRequest) -> dict[str, Any]:
    stack = request.stack(include_deleted=False)
    stack.termination_protection = bool(request.params["EnableTerminationProtection"])
    return {"StackId": stack.id}


@action
def create_change_set(request: ApiRequest) -> dict[str, Any]:
    params = request.params
    name = str(params["ChangeSetName"])
    _check_name(name, "changeSetName")
    kind = str(params.get("ChangeSetType") or "UPDATE")
    stack = STORE.find(request.region, str(params["StackName"]))
    previous = _previous_for_change_set(request, stack, kind)
    template = request.template(previous)
    if previous is not None:
        _check_types(previous, template)
    configuration = _configuration(request, template, previous)
    if stack is None:
        stack = _new_stack(request, configuration, "REVIEW_IN_PROGRESS")
        with STORE.lock:
            stack.set_status("REVIEW_IN_PROGRESS", "User Initiated")
    elif stack.status == "REVIEW_IN_PROGRESS":
        stack.configuration = configuration
    if name in stack.change_sets:
        raise AlreadyExists(f"ChangeSet [{name}] already exists")
    arn = f"arn:aws:cloudformation:{request.region}:{stack.account}:changeSet/{name}/{uuid.uuid4()}"
    change_set = ChangeSet(arn, name, kind, configuration, params.get("Description"))
    with STORE.lock:
        stack.change_sets[name] = change_set
    context = request.context(stack)
    STORE.run(lambda: _compute(stack, change_set, previous, context))
    return {"Id": arn, "StackId": stack.id}


def _previous_for_change_set(request: ApiRequest, stack: Stack | None, kind: str) -> Stack | None:
    """The stack an UPDATE change set starts from; None for a CREATE one."""
    name = str(request.params["StackName"])
    if kind == "CREATE":
        if stack is not None and stack.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(
                f"Stack [{name}] already exists and cannot be created again with the changeSet "
                f"[{request.params['ChangeSetName']}]."
            )
        _check_name(name, "stackName")
        return None
    if kind != "UPDATE":
        raise ValidationError(f"ChangeSetType {kind} is not supported by the local AWS")
    if stack is None:
        raise ValidationError(f"Stack [{name}] does not exist")
    _check_updatable(stack)
    return stack


def _compute(stack: Stack, change_set: ChangeSet, previous: Stack | None, context: Any) -> None:
    with STORE.lock:
        change_set.status = "CREATE_IN_PROGRESS"
    base = previous.configuration if previous is not None else None
    if base is not None and change_set.configuration.same_as(base):
        with STORE.lock:
            change_set.status, change_set.reason = "FAILED", NO_CHANGES
        return
    with STORE.lock:
        resources = dict(stack.resources)
    changes = describe_changes(resources, base, change_set.configuration, context)
    with STORE.lock:
        change_set.changes = changes
        change_set.status, change_set.execution_status = "CREATE_COMPLETE", "AVAILABLE"


@action
def execute_change_set(request: ApiRequest) -> dict[str, Any]:
    stack, change_set = request.change_set()
    if change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.id}] cannot be executed in its current execution status "
            f"of [{change_set.execution_status}]"
        )
    with STORE.lock:
        stack.change_sets = {change_set.name: change_set}
        change_set.execution_status = "EXECUTE_IN_PROGRESS"
        stack.operation = change_set.id
    if change_set.kind == "CREATE":
        stack.configuration = change_set.configuration
        if request.params.get("DisableRollback"):
            stack.disable_rollback = True
        failure = "DO_NOTHING" if stack.disable_rollback else "ROLLBACK"
        flow: Callable[[Run], None] = lambda run: operations.create_stack(run, failure)  # noqa: E731
        status = "CREATE_IN_PROGRESS"
    else:
        _check_updatable(stack)
        previous, target = stack.configuration, change_set.configuration
        stack.configuration, stack.updated = target, now()
        roll_back = not request.params.get("DisableRollback")
        flow = lambda run: operations.update_stack(run, previous, target, roll_back)  # noqa: E731
        status = "UPDATE_IN_PROGRESS"

    def execute(run: Run) -> None:
        flow(run)
        done = stack.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
        change_set.execution_status = "EXECUTE_COMPLETE" if done else "EXECUTE_FAILED"

    _start(request, stack, status, execute)
    return {}


@action
def delete_change_set(request: ApiRequest) -> dict[str, Any]:
    stack, change_set = request.change_set()
    if change_set.execution_status == "EXECUTE_IN_PROGRESS":
        raise InvalidChangeSetStatus(
            f"Cannot delete ChangeSet [{change_set.id}] while it is being executed"
        )
    with STORE.lock:
        del stack.change_sets[change_set.name]
    return {}
