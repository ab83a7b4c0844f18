"""Running stack operations: slam's request tokens, what to do with a stack in each
status (stuck ones included), and the progress and failure lines of stack events."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import SlamError
from ..remote import Stack, StackEvent, StackResource
from .parameters import SETTLED_STATUSES

# Every operation slam starts carries a token with this prefix, and so do its stack
# events: a later slam run recognises an operation in progress as its own.
CLIENT_TOKEN_PREFIX = "slam-"
CANCELLED_REASONS = ("Resource creation cancelled", "Resource update cancelled")
STACK_TYPE = "AWS::CloudFormation::Stack"
ROLLBACK_STARTS = frozenset({"ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS"})
# Statuses from which the stack is deleted and created again, and why it is stuck.
RECREATE_REASONS = {
    "ROLLBACK_COMPLETE": "was rolled back after its first deploy failed",
    "ROLLBACK_FAILED": "could not roll back after its first deploy failed",
    "CREATE_FAILED": "failed to create",
    "REVIEW_IN_PROGRESS": "is left over from an interrupted first deploy",
}
OPERATIONS = {
    "CREATE": "a create",
    "ROLLBACK": "the rollback of a failed create",
    "DELETE": "a delete",
    "UPDATE": "an update",
    "UPDATE_COMPLETE_CLEANUP": "the cleanup after an update",
    "UPDATE_ROLLBACK": "the rollback of an update",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP": "the cleanup after an update's rollback",
    "IMPORT": "an import",
    "IMPORT_ROLLBACK": "the rollback of an import",
}


def client_token(operation: str) -> str:
    """A new request token for ``operation`` (``deploy``, ``publish``, ``delete``...).

    It suits CloudFormation's ClientRequestToken and ClientToken, and also works as a
    change set name: one token can name a deploy's change set and follow its run.
    """
    return f"{CLIENT_TOKEN_PREFIX}{operation}-{uuid.uuid4().hex}"


def started_by_slam(token: str | None) -> bool:
    return bool(token) and str(token).startswith(CLIENT_TOKEN_PREFIX)


def is_busy(status: str) -> bool:
    """Whether an operation is running on the stack (CloudFormation accepts no other)."""
    return status.endswith("_IN_PROGRESS")


class StackAction(enum.Enum):
    CREATE = "create"  # no stack: a CREATE change set
    UPDATE = "update"  # an UPDATE change set
    RECREATE = "recreate"  # delete the stack and wait, then create it
    CONTINUE_ROLLBACK = "continue rollback"  # ContinueUpdateRollback and wait, then update
    WAIT = "wait"  # an operation slam started is running: wait, then decide again


@dataclass(frozen=True)
class StackStep:
    """What to do next with a stack, and the line that tells the user why (if any)."""

    action: StackAction
    message: str | None = None


def stack_step(
    stack: Stack | None,
    operation_token: str | None = None,
    failed_resources: Sequence[StackResource] = (),
) -> StackStep:
    """What a deploy does with a stack in its current status.

    ``operation_token`` is the client token of the stack's newest event, needed when
    :func:`is_busy`; ``failed_resources`` the stack's resources, needed for
    ``DELETE_FAILED``. A stack slam must not touch is a SlamError naming the fix.
    """
    if stack is None or stack.status == "DELETE_COMPLETE":
        return StackStep(StackAction.CREATE)
    status, name = stack.status, stack.name
    if status in SETTLED_STATUSES or status == "UPDATE_FAILED":
        return StackStep(StackAction.UPDATE)
    if status in RECREATE_REASONS:
        message = f"Stack {name} {RECREATE_REASONS[status]}: deleting it to create it again..."
        return StackStep(StackAction.RECREATE, message)
    if status == "UPDATE_ROLLBACK_FAILED":
        message = f"Stack {name} could not roll back its last update: resuming the rollback..."
        return StackStep(StackAction.CONTINUE_ROLLBACK, message)
    if status == "DELETE_FAILED":
        raise delete_failed_error(stack, failed_resources)
    if is_busy(status):
        return _busy_step(stack, operation_token)
    raise SlamError(
        f"stack {name} is {status}, which slam cannot deploy over",
        "repair or delete it in the CloudFormation console, then deploy again",
    )


def _busy_step(stack: Stack, operation_token: str | None) -> StackStep:
    operation = OPERATIONS.get(stack.status.removesuffix("_IN_PROGRESS"), "an operation")
    if started_by_slam(operation_token):
        message = f"Waiting for {operation} of stack {stack.name}, which slam started..."
        return StackStep(StackAction.WAIT, message)
    raise SlamError(
        f"stack {stack.name} is busy with {operation} ({stack.status}) that slam did not start",
        "wait for it to finish (`slam status` shows the stack's status), then run slam again",
    )


def delete_failed_error(stack: Stack, resources: Sequence[StackResource]) -> SlamError:
    """The error for a stack whose deletion failed, naming what could not be deleted."""
    failed = [resource for resource in resources if resource.status == "DELETE_FAILED"]
    causes = "; ".join(
        f"{resource.logical_id} ({resource.resource_type}): {resource.reason or 'no reason given'}"
        for resource in failed
    )
    return SlamError(
        f"stack {stack.name} could not be deleted: {causes or stack.status_reason or 'unknown'}",
        "remove what keeps it (see above), then run `slam delete` again",
    )


def event_line(event: StackEvent) -> str:
    """A progress line for a stack event: resource, status, and reason when there is one."""
    line = f"{event.logical_id} ({event.resource_type}) {event.status}"
    return f"{line}: {event.reason}" if event.reason else line


def first_failure(events: Sequence[StackEvent]) -> StackEvent | None:
    """The event that made an operation fail, among its events in time order.

    The first resource that failed for a reason of its own; the resources CloudFormation
    cancelled beside it only echo it. Without one, the stack's own rollback event,
    whose reason names the failure.
    """
    for event in events:
        if event.status.endswith("_FAILED") and not (event.reason or "").startswith(
            CANCELLED_REASONS
        ):
            return event
    for event in events:
        if event.status in ROLLBACK_STARTS and event.resource_type == STACK_TYPE:
            return event
    return None


def failure_message(event: StackEvent) -> str:
    """One line saying what failed and why, from :func:`first_failure`'s event."""
    return f"{event.logical_id} ({event.resource_type}) failed: {event.reason or event.status}"


def poll_delays(first: float = 0.25, factor: float = 1.5, longest: float = 5.0) -> Iterator[float]:
    """Seconds to wait between polls of a running operation: quick at first (an emulator
    answers at once), then backing off to one poll every ``longest`` seconds."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, longest)
