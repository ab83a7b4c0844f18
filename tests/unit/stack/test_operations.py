"""Tokens, what to do with a stack in each status, and stack events as progress lines."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest

from slam.errors import SlamError
from slam.remote import Stack, StackEvent, StackResource
from slam.stack.operations import (
    StackAction,
    StackStep,
    client_token,
    delete_failed_error,
    event_line,
    failure_message,
    first_failure,
    is_busy,
    poll_delays,
    stack_step,
    started_by_slam,
)

from .conftest import STACK_ID

WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
# CloudFormation's pattern for ClientRequestToken, ClientToken and change set names
TOKEN_RE = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")


def stack(status: str, reason: str | None = None) -> Stack:
    return Stack(STACK_ID, "tasks-api", status, reason)


def test_slams_tokens_are_recognised_and_fit_every_use():
    token = client_token("deploy")
    assert TOKEN_RE.fullmatch(token) and token.startswith("slam-deploy-")
    assert token != client_token("deploy")
    assert started_by_slam(token)
    assert not started_by_slam("Console-UpdateStack-7e2f5a1c")
    assert not started_by_slam(None)


def test_busy_statuses():
    assert is_busy("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    assert not is_busy("UPDATE_ROLLBACK_COMPLETE")


def test_a_missing_or_deleted_stack_is_created():
    assert stack_step(None) == StackStep(StackAction.CREATE)
    assert stack_step(stack("DELETE_COMPLETE")) == StackStep(StackAction.CREATE)


@pytest.mark.parametrize(
    "status",
    [
        "CREATE_COMPLETE",
        "UPDATE_COMPLETE",
        "UPDATE_ROLLBACK_COMPLETE",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
        "UPDATE_FAILED",
    ],
)
def test_a_settled_stack_is_updated(status: str):
    assert stack_step(stack(status)) == StackStep(StackAction.UPDATE)


@pytest.mark.parametrize(
    ("status", "why"),
    [
        ("ROLLBACK_COMPLETE", "was rolled back after its first deploy failed"),
        ("ROLLBACK_FAILED", "could not roll back after its first deploy failed"),
        ("CREATE_FAILED", "failed to create"),
        ("REVIEW_IN_PROGRESS", "is left over from an interrupted first deploy"),
    ],
)
def test_a_stack_whose_first_deploy_failed_is_deleted_and_created_again(status: str, why: str):
    assert stack_step(stack(status)) == StackStep(
        StackAction.RECREATE, f"Stack tasks-api {why}: deleting it to create it again..."
    )


def test_a_failed_update_rollback_is_resumed():
    assert stack_step(stack("UPDATE_ROLLBACK_FAILED")) == StackStep(
        StackAction.CONTINUE_ROLLBACK,
        "Stack tasks-api could not roll back its last update: resuming the rollback...",
    )


def test_an_operation_slam_started_is_waited_for():
    assert stack_step(stack("UPDATE_IN_PROGRESS"), "slam-deploy-1f2e") == StackStep(
        StackAction.WAIT, "Waiting for an update of stack tasks-api, which slam started..."
    )
    assert stack_step(stack("UPDATE_ROLLBACK_IN_PROGRESS"), "slam-deploy-1f2e") == StackStep(
        StackAction.WAIT,
        "Waiting for the rollback of an update of stack tasks-api, which slam started...",
    )


def test_an_operation_someone_else_started_is_an_error_naming_it():
    with pytest.raises(SlamError) as raised:
        stack_step(stack("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), "Console-UpdateStack-7e2f")
    assert (raised.value.message, raised.value.hint) == (
        "stack tasks-api is busy with the cleanup after an update "
        "(UPDATE_COMPLETE_CLEANUP_IN_PROGRESS) that slam did not start",
        "wait for it to finish (`slam status` shows the stack's status), then run slam again",
    )
    with pytest.raises(SlamError) as raised:
        stack_step(stack("DELETE_IN_PROGRESS"))
    assert raised.value.message == (
        "stack tasks-api is busy with a delete (DELETE_IN_PROGRESS) that slam did not start"
    )


def test_a_stack_that_could_not_be_deleted_names_what_stayed():
    resources = [
        StackResource("Function", "AWS::Lambda::Function", "DELETE_COMPLETE"),
        StackResource(
            "Bucket",
            "AWS::S3::Bucket",
            "DELETE_FAILED",
            "tasks-api-bucket-1x",
            "The bucket you tried to delete is not empty",
        ),
        StackResource("Policy", "AWS::IAM::Policy", "DELETE_FAILED"),
    ]
    with pytest.raises(SlamError) as raised:
        stack_step(stack("DELETE_FAILED"), failed_resources=resources)
    assert (raised.value.message, raised.value.hint) == (
        "stack tasks-api could not be deleted: Bucket (AWS::S3::Bucket): The bucket you tried "
        "to delete is not empty; Policy (AWS::IAM::Policy): no reason given",
        "remove what keeps it (see above), then run `slam delete` again",
    )


def test_without_its_resources_a_delete_failure_gives_the_stacks_reason():
    error = delete_failed_error(stack("DELETE_FAILED", "Export x is in use"), [])
    assert error.message == "stack tasks-api could not be deleted: Export x is in use"
    assert delete_failed_error(stack("DELETE_FAILED"), []).message == (
        "stack tasks-api could not be deleted: unknown"
    )


def test_a_stack_slam_cannot_handle_is_an_error():
    with pytest.raises(SlamError) as raised:
        stack_step(stack("IMPORT_ROLLBACK_FAILED"))
    assert (raised.value.message, raised.value.hint) == (
        "stack tasks-api is IMPORT_ROLLBACK_FAILED, which slam cannot deploy over",
        "repair or delete it in the CloudFormation console, then deploy again",
    )


def event(
    number: int,
    logical_id: str,
    status: str,
    reason: str | None = None,
    resource_type: str = "AWS::DynamoDB::Table",
) -> StackEvent:
    return StackEvent(
        event_id=f"event-{number}",
        timestamp=WHEN + datetime.timedelta(seconds=number),
        logical_id=logical_id,
        resource_type=resource_type,
        status=status,
        reason=reason,
        client_token="slam-deploy-1",
    )


def test_an_event_is_a_progress_line():
    assert event_line(event(1, "DevTasksTable", "CREATE_IN_PROGRESS")) == (
        "DevTasksTable (AWS::DynamoDB::Table) CREATE_IN_PROGRESS"
    )
    assert event_line(event(2, "DevTasksTable", "CREATE_FAILED", "Table already exists")) == (
        "DevTasksTable (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists"
    )


STACK = "AWS::CloudFormation::Stack"
FAILED_UPDATE = [
    event(1, "tasks-api", "UPDATE_IN_PROGRESS", "User Initiated", STACK),
    event(2, "ProdTasksTable", "UPDATE_FAILED", "Resource update cancelled"),
    event(3, "DevTasksTable", "CREATE_FAILED", "Resource creation cancelled"),
    event(4, "Function", "UPDATE_FAILED", "Memory size 99999 is invalid", "AWS::Lambda::Function"),
    event(5, "Alias", "UPDATE_FAILED", "Resource update cancelled", "AWS::Lambda::Alias"),
    event(
        6,
        "tasks-api",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "The following resource(s) failed to update: [Function].",
        STACK,
    ),
    event(7, "Function", "UPDATE_FAILED", "rollback failed too", "AWS::Lambda::Function"),
]


def test_the_first_failure_is_the_first_resource_that_failed_on_its_own():
    failure = first_failure(FAILED_UPDATE)
    assert failure == FAILED_UPDATE[3]
    assert failure is not None
    assert failure_message(failure) == (
        "Function (AWS::Lambda::Function) failed: Memory size 99999 is invalid"
    )


def test_without_a_failed_resource_the_stacks_rollback_says_why():
    events = [FAILED_UPDATE[0], FAILED_UPDATE[1], FAILED_UPDATE[5]]
    failure = first_failure(events)
    assert failure == FAILED_UPDATE[5]
    assert failure is not None
    assert failure_message(failure) == (
        "tasks-api (AWS::CloudFormation::Stack) failed: The following resource(s) failed to "
        "update: [Function]."
    )


def test_a_successful_operation_has_no_failure():
    events = [
        event(1, "tasks-api", "UPDATE_IN_PROGRESS", "User Initiated", STACK),
        event(2, "tasks-api", "UPDATE_COMPLETE", None, STACK),
    ]
    assert first_failure(events) is None
    assert failure_message(event(3, "X", "CREATE_FAILED")) == (
        "X (AWS::DynamoDB::Table) failed: CREATE_FAILED"
    )


def test_polls_start_quick_and_back_off_to_a_bound():
    delays = list(itertools.islice(poll_delays(), 10))
    assert delays[:4] == [0.25, 0.375, 0.5625, 0.84375]
    assert delays[-1] == 5.0 and delays == sorted(delays)
    assert list(itertools.islice(poll_delays(1, 2, 3), 4)) == [1, 2, 3, 3]
