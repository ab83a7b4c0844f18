"""Stack operations as AWS runs them, each in its worker thread, through its statuses.

- create: CREATE_IN_PROGRESS -> CREATE_COMPLETE, or CREATE_FAILED (rollback disabled),
  or ROLLBACK_IN_PROGRESS -> ROLLBACK_COMPLETE / ROLLBACK_FAILED;
- update: UPDATE_IN_PROGRESS -> UPDATE_COMPLETE_CLEANUP_IN_PROGRESS -> UPDATE_COMPLETE, or
  UPDATE_ROLLBACK_IN_PROGRESS -> UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS ->
  UPDATE_ROLLBACK_COMPLETE, or UPDATE_ROLLBACK_FAILED (resumed by ContinueUpdateRollback),
  or UPDATE_FAILED when rollback is disabled;
- delete: DELETE_IN_PROGRESS -> DELETE_COMPLETE / DELETE_FAILED.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from .engine import Progress, Run, provider_for
from .graph import waves
from .intrinsics import IntrinsicError
from .providers import ResourceFailure
from .state import STORE, Configuration, RollbackPlan, StackResource, now

LOGGER = logging.getLogger(__name__)
# Where an operation that broke unexpectedly leaves its stack.
BROKEN = {
    "CREATE_IN_PROGRESS": "CREATE_FAILED",
    "ROLLBACK_IN_PROGRESS": "ROLLBACK_FAILED",
    "UPDATE_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS": "DELETE_FAILED",
}
RETAINED_ON_DELETE = ("Retain", "RetainExceptOnCreate")


def guarded(flow: Callable[..., None]) -> Callable[..., None]:
    """Never leave a stack in progress forever, whatever breaks in an operation."""

    @wraps(flow)
    def run(operation: Run, *args: Any) -> None:
        try:
            flow(operation, *args)
        except Exception as error:  # pragma: no cover - a bug in the local AWS itself
            LOGGER.exception("the stack operation on %s broke", operation.stack.name)
            status = BROKEN.get(operation.stack.status, operation.stack.status)
            with STORE.lock:
                operation.stack.set_status(status, f"Internal failure: {error}")

    return run


def _status(operation: Run, status: str, reason: str | None = None) -> None:
    with STORE.lock:
        operation.stack.set_status(status, reason)


def _failure_reason(progress: Progress, verb: str) -> str:
    if progress.error:
        return progress.error
    return f"The following resource(s) failed to {verb}: [{', '.join(progress.failed)}]. "


def _set_outputs(operation: Run, configuration: Configuration, progress: Progress) -> bool:
    try:
        outputs = operation.outputs(configuration)
    except IntrinsicError as error:
        progress.error = str(error)
        return False
    with STORE.lock:
        operation.stack.outputs = outputs
    return True


def _retained(definitions: Mapping[str, Any], key: str, policies: tuple[str, ...]) -> set[str]:
    return {
        name
        for name, definition in definitions.items()
        if isinstance(definition, Mapping) and definition.get(key) in policies
    }


@guarded
def create_stack(operation: Run, on_failure: str) -> None:
    stack = operation.stack
    progress = Progress()
    if operation.forward(stack.configuration, progress) and _set_outputs(
        operation, stack.configuration, progress
    ):
        _status(operation, "CREATE_COMPLETE")
        return
    reason = _failure_reason(progress, "create")
    if on_failure == "DO_NOTHING":
        _status(operation, "CREATE_FAILED", reason)
        return
    _status(operation, "ROLLBACK_IN_PROGRESS", f"{reason}Rollback requested by user.")
    definitions = stack.configuration.template.resources
    resources = dict(stack.resources)
    failed = operation.delete(
        resources,
        operation.graph_of(resources, definitions),
        _retained(definitions, "DeletionPolicy", ("Retain",)),
    )
    if failed:
        _status(operation, "ROLLBACK_FAILED", _delete_reason(failed))
        return
    _status(operation, "ROLLBACK_COMPLETE")
    if on_failure == "DELETE":
        _status(operation, "DELETE_IN_PROGRESS", "User Initiated")
        stack.deleted = now()
        _status(operation, "DELETE_COMPLETE")


def _delete_reason(failed: list[str]) -> str:
    return f"The following resource(s) failed to delete: [{', '.join(failed)}]. "


@guarded
def update_stack(
    operation: Run, previous: Configuration, target: Configuration, roll_back: bool
) -> None:
    stack = operation.stack
    outputs, before = list(stack.outputs), dict(stack.resources)
    progress = Progress()
    if operation.forward(target, progress) and _set_outputs(operation, target, progress):
        _status(operation, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        _clean_up(operation, previous, before, progress)
        _status(operation, "UPDATE_COMPLETE")
        return
    verb = "create" if progress.create_failed else "update"
    if not roll_back:  # DisableRollback: keep what was done, for the next update to go on
        _status(operation, "UPDATE_FAILED", _failure_reason(progress, verb))
        return
    with STORE.lock:
        stack.rollback = RollbackPlan(
            previous,
            outputs,
            progress.revert,
            progress.restore,
            [*progress.created, *progress.replacements],
        )
        stack.configuration = previous
    _status(operation, "UPDATE_ROLLBACK_IN_PROGRESS", _failure_reason(progress, verb))
    _roll_back(operation, set())


def _clean_up(
    operation: Run,
    previous: Configuration,
    before: Mapping[str, StackResource],
    progress: Progress,
) -> None:
    """Delete what the update replaced or removed, as the policies allow: a removed
    resource's DeletionPolicy from the old template, a replaced one's UpdateReplacePolicy
    from the new."""
    definitions = previous.template.resources
    current = operation.stack.resources
    removed = {name: resource for name, resource in before.items() if name not in progress.active}
    doomed = {**removed, **progress.restore}
    retain = _retained(definitions, "DeletionPolicy", RETAINED_ON_DELETE) & set(removed)
    replacing = operation.stack.configuration.template.resources
    retain |= _retained(replacing, "UpdateReplacePolicy", ("Retain",)) & set(progress.restore)
    operation.delete(doomed, operation.graph_of(doomed, definitions), retain)
    with STORE.lock:
        for name in removed:
            del current[name]


@guarded
def continue_rollback(operation: Run, skip: set[str]) -> None:
    _roll_back(operation, skip)


def _roll_back(operation: Run, skip: set[str]) -> None:
    stack = operation.stack
    plan = stack.rollback
    assert plan is not None
    definitions = plan.previous.template.resources
    order = [
        name for wave in waves(operation.graph_of(stack.resources, definitions)) for name in wave
    ]
    failed = [name for name in order if not _revert(operation, plan, name, name in skip)]
    if failed:
        plan.failed = set(failed)
        _status(
            operation,
            "UPDATE_ROLLBACK_FAILED",
            f"The following resource(s) failed to update: [{', '.join(failed)}]. ",
        )
        return
    _status(operation, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    discard = {resource.logical_id: resource for resource in reversed(plan.discard)}
    operation.delete(discard, {name: set() for name in discard}, set())
    with STORE.lock:
        for resource in plan.discard:
            if stack.resources.get(resource.logical_id) is resource:
                del stack.resources[resource.logical_id]
        stack.outputs, stack.rollback = plan.outputs, None
    _status(operation, "UPDATE_ROLLBACK_COMPLETE")


def _revert(operation: Run, plan: RollbackPlan, name: str, skip: bool) -> bool:
    """Bring one resource back to its previous state; False if the service refused."""
    if name in plan.restore:
        resource = plan.restore.pop(name)
        with STORE.lock:
            operation.stack.resources[name] = resource
        operation.mark(resource, "UPDATE_COMPLETE")
        return True
    if name not in plan.revert:
        return True
    current = operation.stack.resources[name]
    snapshot = plan.revert[name]
    if not skip:
        operation.mark(current, "UPDATE_IN_PROGRESS")
        try:
            result = provider_for(current.type).update(
                operation.request(
                    current, properties=snapshot.properties, previous=current.properties
                )
            )
        except ResourceFailure as failure:
            operation.mark(current, "UPDATE_FAILED", failure.reason)
            return False
        current.physical_id, current.attributes = result.physical_id, result.attributes
    current.properties = snapshot.properties
    del plan.revert[name]
    operation.mark(current, "UPDATE_COMPLETE")
    return True


@guarded
def delete_stack(operation: Run, retain: set[str]) -> None:
    stack = operation.stack
    definitions = stack.configuration.template.resources
    live = {
        name: resource
        for name, resource in stack.resources.items()
        if resource.status not in ("DELETE_COMPLETE", "DELETE_SKIPPED")
    }
    retain = retain | _retained(definitions, "DeletionPolicy", RETAINED_ON_DELETE)
    failed = operation.delete(live, operation.graph_of(live, definitions), retain)
    if failed:
        _status(operation, "DELETE_FAILED", _delete_reason(failed))
        return
    stack.deleted = now()
    _status(operation, "DELETE_COMPLETE")
