"""Stack operations as slam runs them on AWS: change sets summarised, checked for data
loss and executed, stuck stacks repaired, and the events of a running operation
streamed until it ends.

The decisions are :mod:`slam.stack`'s pure functions; this module makes the calls
between them and prints progress. Ctrl-C while an operation runs stops the waiting,
not the operation: CloudFormation carries on, and the next run waits for it (slam
recognises its own operations by the client token their events carry).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import SlamError
from ..remote import ChangeSet, ChangeSetRequest, Stack, StackEvent
from ..stack import (
    TEMPLATE_BODY_LIMIT,
    ChangeSetState,
    Loss,
    StackAction,
    StackStep,
    change_set_state,
    change_summary,
    client_token,
    data_loss,
    data_loss_error,
    delete_failed_error,
    event_line,
    failure_message,
    first_failure,
    is_busy,
    out_of_date,
    poll_delays,
    required_capabilities,
    retained_resources,
    stack_step,
    template_sha256,
)

if TYPE_CHECKING:
    from ..aws import AwsClient

SUCCEEDED = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE"})
# Repairs (waiting, deleting, resuming a rollback) before slam gives up on a stack
# that keeps changing under it.
MAX_REPAIRS = 5
TEMPLATE_PREFIX = "templates"  # under the project's folder in the bucket


@dataclass(frozen=True)
class StackRequest:
    """What a stack should become: its template (with its hash output), and its
    parameters, which may depend on the stack as it is (the versions stages keep)."""

    name: str
    template: Mapping[str, Any]
    parameters: Callable[[Stack | None], Mapping[str, str]]
    bucket: str | None = None  # where a template over CloudFormation's body limit goes
    force: bool = False
    allow_data_loss: bool = False


@dataclass(frozen=True)
class Outcome:
    """A stack after a deploy, and whether the deploy changed it."""

    stack: Stack | None
    changed: bool


@dataclass
class Waited:
    """The end of a wait: the stack as it settled, and the events seen meanwhile."""

    stack: Stack | None
    events: list[StackEvent] = field(default_factory=list)


class StackOperations:
    """Runs stack operations through ``aws``, printing their progress to ``out``."""

    def __init__(
        self, aws: AwsClient, out: TextIO, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.aws = aws
        self.out = out
        self.sleep = sleep

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    # Deploying a template --------------------------------------------------------

    def deploy(self, request: StackRequest, stack: Stack | None) -> Outcome:
        """Bring the stack to ``request``, starting from ``stack`` as last described:
        repair it first if it is stuck, wait for an operation slam started, then create
        or update it through a change set."""
        for _ in range(MAX_REPAIRS):
            step, newest = self._step(stack)
            if step.message:
                self._say(step.message)
            if step.action in (StackAction.CREATE, StackAction.UPDATE):
                return self._change(request, stack)
            stack = self._repair(step, stack, newest)
        raise SlamError(
            f"stack {request.name} kept changing while slam waited for it",
            "wait for what else changes it to finish (`slam status`), then deploy again",
        )

    def settled(self, stack: Stack) -> Stack:
        """The stack once an operation slam started on it has ended; a SlamError when it
        is stuck or busy with someone else's (for a publish, which repairs nothing)."""
        for _ in range(MAX_REPAIRS):
            step, newest = self._step(stack)
            if step.action is StackAction.UPDATE:
                return stack
            if step.action is not StackAction.WAIT:
                raise SlamError(
                    f"stack {stack.name} is {stack.status}",
                    "run `slam deploy`, which repairs it, then run this command again",
                )
            self._say(step.message or "")
            waited = self._repair(step, stack, newest)
            if waited is None:
                raise SlamError(
                    f"stack {stack.name} was deleted while slam waited for it",
                    "run `slam deploy` to deploy the project again",
                )
            stack = waited
        raise SlamError(
            f"stack {stack.name} kept changing while slam waited for it",
            "wait for what else changes it to finish (`slam status`), then run slam again",
        )

    def _step(self, stack: Stack | None) -> tuple[StackStep, StackEvent | None]:
        """What to do with the stack, and its newest event when an operation runs (whose
        client token says who started it)."""
        newest, resources = None, []
        if stack is not None and is_busy(stack.status):
            newest = self.aws.stacks.newest_event(stack.stack_id)
        if stack is not None and stack.status == "DELETE_FAILED":
            resources = self.aws.stacks.stack_resources(stack.stack_id)
        token = newest.client_token if newest is not None else None
        return stack_step(stack, token, resources), newest

    def _repair(
        self, step: StackStep, stack: Stack | None, newest: StackEvent | None
    ) -> Stack | None:
        """Do what a stuck or busy stack needs; returns the stack afterwards (None once
        it is deleted)."""
        assert stack is not None  # only CREATE comes without a stack
        after = newest.event_id if newest is not None else self._newest_event_id(stack)
        if step.action is StackAction.RECREATE:
            self.aws.stacks.delete_stack(stack.stack_id, client_token("deploy"))
            waited = self.wait(stack, after, "the deletion")
            if waited.stack is not None and waited.stack.status != "DELETE_COMPLETE":
                resources = self.aws.stacks.stack_resources(stack.stack_id)
                raise delete_failed_error(waited.stack, resources)
            return None
        if step.action is StackAction.CONTINUE_ROLLBACK:
            self.aws.stacks.continue_update_rollback(stack.stack_id, client_token("deploy"))
            waited = self.wait(stack, after, "the rollback")
            if waited.stack is None or waited.stack.status != "UPDATE_ROLLBACK_COMPLETE":
                raise _failure_error(stack.name, waited, "roll back")
            return waited.stack
        waited = self.wait(stack, after, _operation(stack.status))  # WAIT
        if waited.stack is not None and waited.stack.status == "DELETE_COMPLETE":
            return None
        return waited.stack

    def _change(self, request: StackRequest, stack: Stack | None) -> Outcome:
        sha256 = template_sha256(request.template)
        parameters = dict(request.parameters(stack))
        if stack is not None and not request.force and not out_of_date(stack, sha256, parameters):
            return Outcome(stack, changed=False)
        token = client_token("deploy")
        change_set = self._prepared_change_set(request, stack, parameters, token)
        if change_set is None:
            self._say(f"CloudFormation found nothing to change in stack {request.name}.")
            return Outcome(stack, changed=False)
        after = self._newest_event_id_of(change_set.stack_id)
        self.aws.stacks.execute_change_set(request.name, change_set.change_set_id, token)
        kind = "the update" if stack is not None else "the creation"
        target = stack or Stack(change_set.stack_id, request.name, "REVIEW_IN_PROGRESS")
        waited = self.wait(target, after, kind)
        if waited.stack is None or waited.stack.status not in SUCCEEDED:
            raise _failure_error(request.name, waited, "deploy")
        return Outcome(waited.stack, changed=True)

    def _prepared_change_set(
        self,
        request: StackRequest,
        stack: Stack | None,
        parameters: Mapping[str, str],
        token: str,
    ) -> ChangeSet | None:
        """A change set ready to execute, summarised and checked for data loss; None
        when there is nothing to change. Any failure deletes it."""
        body, url = self._template_source(request)
        change_set_id = self.aws.stacks.create_change_set(
            ChangeSetRequest(
                stack_name=request.name,
                change_set_name=token,
                change_set_type="UPDATE" if stack is not None else "CREATE",
                parameters=parameters,
                capabilities=required_capabilities(request.template),
                template_body=body,
                template_url=url,
                client_token=token,
                description="slam deploy",
            )
        )
        if change_set_id is None:
            return None
        with self._deleted_on_failure(request.name, change_set_id):
            change_set, state = self._computed(request.name, change_set_id)
            if url is not None:
                self.aws.s3.delete_objects(str(request.bucket), [_template_key(request)])
            if state is ChangeSetState.NO_CHANGES:
                self.aws.stacks.delete_change_set(request.name, change_set_id)
                return None
            for line in change_summary(change_set):
                self._say(line)
            self._check_data_loss(request, stack, change_set)
        return change_set

    def _template_source(self, request: StackRequest) -> tuple[str | None, str | None]:
        """The template as a request body or, over CloudFormation's limit, an S3 URL."""
        body = json.dumps(request.template, separators=(",", ":"), sort_keys=True)
        if len(body.encode()) <= TEMPLATE_BODY_LIMIT or request.bucket is None:
            return body, None
        key = _template_key(request)
        self.aws.s3.upload_bytes(request.bucket, key, body.encode(), "application/json")
        return None, self.aws.s3.object_url(request.bucket, key)

    @contextmanager
    def _deleted_on_failure(self, stack_name: str, change_set_id: str) -> Iterator[None]:
        try:
            yield
        except BaseException:  # Ctrl-C too: nothing was executed, nothing is left behind
            with suppress(SlamError):  # the first error is the one to report
                self.aws.stacks.delete_change_set(stack_name, change_set_id)
            raise

    def _computed(self, stack_name: str, change_set_id: str) -> tuple[ChangeSet, ChangeSetState]:
        delays = poll_delays(first=0.1)
        while True:
            change_set = self.aws.stacks.describe_change_set(stack_name, change_set_id)
            state = change_set_state(change_set)
            if state is not ChangeSetState.PENDING:
                return change_set, state
            self.sleep(next(delays))

    def _check_data_loss(
        self, request: StackRequest, stack: Stack | None, change_set: ChangeSet
    ) -> None:
        if stack is None:
            return  # a new stack has no tables to lose
        removes_tables = any(
            change.action == "Remove" and change.resource_type.startswith("AWS::DynamoDB::")
            for change in change_set.changes
        )
        retained: frozenset[str] = frozenset()
        if removes_tables:  # which of them CloudFormation keeps, from the deployed template
            retained = retained_resources(self.aws.stacks.stack_template(stack.stack_id))
        losses = data_loss(change_set.changes, retained)
        if not losses:
            return
        removed = [loss.table for loss in losses if loss.loss is Loss.REMOVED]
        holds_items = {table: self.aws.tables.holds_items(table) for table in removed}
        error = data_loss_error(losses, holds_items, request.allow_data_loss)
        if error is not None:
            raise error
        for table in removed:
            state = "holds items" if holds_items[table] else "is empty"
            self._say(f"Deleting DynamoDB table {table}, which {state} (--allow-data-loss).")

    # Changing parameters only ----------------------------------------------------

    def update_parameters(
        self, stack: Stack, parameters: Mapping[str, str | None], capabilities: Sequence[str]
    ) -> Stack:
        """Update only ``parameters`` (None keeps a value), keeping the template."""
        token = client_token("publish")
        after = self._newest_event_id(stack)
        if not self.aws.stacks.update_stack(stack.stack_id, parameters, capabilities, token):
            return stack
        waited = self.wait(stack, after, "the update")
        if waited.stack is None or waited.stack.status not in SUCCEEDED:
            raise _failure_error(stack.name, waited, "update")
        return waited.stack

    # Waiting ---------------------------------------------------------------------

    def wait(self, stack: Stack, after: str | None, doing: str) -> Waited:
        """Print the stack's events after event ``after`` until no operation runs on it.

        Ctrl-C stops the waiting only: CloudFormation carries on, and this says so.
        """
        waited = Waited(stack)
        delays = poll_delays()
        try:
            while True:
                current = self.aws.stacks.describe_stack(stack.stack_id)
                events = self.aws.stacks.stack_events(stack.stack_id, after=after)
                for event in events:
                    self._say(event_line(event))
                waited.events += events
                after = events[-1].event_id if events else after
                if current is None or not is_busy(current.status):
                    waited.stack = current
                    return waited
                self.sleep(next(delays))
        except KeyboardInterrupt:
            self._say(interrupted_message(stack.name, doing))
            raise
        except SlamError as error:  # AWS failed to answer (throttled past every retry...)
            raise SlamError(
                f"{error.message} (while waiting for {doing} of stack {stack.name})",
                f"{error.hint}. Meanwhile CloudFormation carries on: `slam status` shows "
                "where it stands",
            ) from error

    def _newest_event_id(self, stack: Stack) -> str | None:
        return self._newest_event_id_of(stack.stack_id)

    def _newest_event_id_of(self, stack_id: str) -> str | None:
        newest = self.aws.stacks.newest_event(stack_id)
        return newest.event_id if newest else None


def interrupted_message(stack_name: str, doing: str) -> str:
    """What slam says when Ctrl-C stops it waiting for a stack operation."""
    return (
        f"Stopped waiting: CloudFormation carries on with {doing} of stack {stack_name}. "
        "`slam status` shows where it stands; the next `slam deploy` waits for it to end."
    )


def _operation(status: str) -> str:
    """The operation a busy stack runs, as the message of an interrupted wait names it."""
    for prefix, operation in (
        ("UPDATE_ROLLBACK", "the rollback"),
        ("ROLLBACK", "the rollback"),
        ("CREATE", "the creation"),
        ("UPDATE", "the update"),
        ("DELETE", "the deletion"),
    ):
        if status.startswith(prefix):
            return operation
    return "the operation"


def _template_key(request: StackRequest) -> str:
    return f"{request.name}/{TEMPLATE_PREFIX}/{template_sha256(request.template)}.json"


def _failure_error(stack_name: str, waited: Waited, doing: str) -> SlamError:
    """The error for an operation that ended badly: the first failed resource and why."""
    event = first_failure(waited.events)
    status = waited.stack.status if waited.stack is not None else "DELETE_COMPLETE"
    cause = failure_message(event) if event else f"the stack ended {status}"
    if status == "ROLLBACK_COMPLETE":
        hint = (
            "fix the cause and deploy again: slam deletes the rolled-back stack and creates it anew"
        )
    elif status == "UPDATE_ROLLBACK_COMPLETE":
        hint = (
            "CloudFormation rolled the stack back, so the previous deployment still runs; "
            "fix the cause and deploy again"
        )
    else:
        hint = f"the stack is {status}: the next `slam deploy` repairs what it can"
    return SlamError(f"CloudFormation could not {doing} stack {stack_name}: {cause}", hint)
