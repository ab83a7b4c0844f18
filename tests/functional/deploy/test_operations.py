"""Stack operations where AWS answers what the local AWS does not: throttling that outlasts
botocore's retries, and change sets that AWS refuses. botocore's Stubber answers."""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from slam.aws import AwsClient
from slam.errors import SlamError
from slam.remote import Stack
from slam.tasks.operations import StackOperations, StackRequest

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/0f0e5f20"
WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
TEMPLATE = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}


@pytest.fixture
def aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AwsClient:
    """A client whose every call a test answers (none reaches a network)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return AwsClient()


@contextmanager
def cloudformation(aws: AwsClient) -> Iterator[Stubber]:
    stubber = Stubber(aws.session.client("cloudformation"))
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def stack(status: str) -> dict[str, Any]:
    return {
        "StackId": STACK_ID,
        "StackName": "demo",
        "StackStatus": status,
        "CreationTime": WHEN,
    }


def event(number: int, status: str) -> dict[str, Any]:
    return {
        "StackId": STACK_ID,
        "EventId": f"event-{number}",
        "StackName": "demo",
        "LogicalResourceId": "demo",
        "ResourceType": "AWS::CloudFormation::Stack",
        "Timestamp": WHEN,
        "ResourceStatus": status,
        "ClientRequestToken": "slam-deploy-1",
    }


def interrupt(seconds: float) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_waiting_says_cloudformation_carries_on(aws: AwsClient):
    out = io.StringIO()
    with cloudformation(aws) as stubber:
        stubber.add_response("describe_stacks", {"Stacks": [stack("UPDATE_IN_PROGRESS")]})
        events = {"StackEvents": [event(2, "UPDATE_IN_PROGRESS")]}
        stubber.add_response("describe_stack_events", events)
        with pytest.raises(KeyboardInterrupt):
            StackOperations(aws, out, sleep=interrupt).wait(
                Stack.from_response(stack("UPDATE_IN_PROGRESS")), "event-1", "the update"
            )
    assert out.getvalue() == (
        "demo (AWS::CloudFormation::Stack) UPDATE_IN_PROGRESS\n"
        "Stopped waiting: CloudFormation carries on with the update of stack demo. "
        "`slam status` shows where it stands; the next `slam deploy` waits for it to end.\n"
    )


def test_throttling_that_outlasts_the_retries_while_waiting_says_the_operation_goes_on(
    aws: AwsClient,
):
    with cloudformation(aws) as stubber:
        stubber.add_response("describe_stacks", {"Stacks": [stack("UPDATE_IN_PROGRESS")]})
        stubber.add_client_error(
            "describe_stack_events", "Throttling", "Rate exceeded", http_status_code=400
        )
        with pytest.raises(SlamError) as raised:
            StackOperations(aws, io.StringIO()).wait(
                Stack.from_response(stack("UPDATE_IN_PROGRESS")), "event-1", "the update"
            )
    assert raised.value.message == (
        "AWS kept throttling cloudformation:DescribeStackEvents on stack "
        f"{STACK_ID} (1 attempt) (while waiting for the update of stack demo)"
    )
    assert raised.value.hint is not None
    assert raised.value.hint.endswith(
        "Meanwhile CloudFormation carries on: `slam status` shows where it stands"
    )


def test_a_refused_change_set_is_deleted_and_its_reason_reported(aws: AwsClient):
    request = StackRequest("demo", TEMPLATE, lambda stack: {})
    with cloudformation(aws) as stubber:
        stubber.add_response("create_change_set", {"Id": "arn:change-set", "StackId": STACK_ID})
        stubber.add_response(
            "describe_change_set",
            {
                "ChangeSetId": "arn:change-set",
                "ChangeSetName": "slam-deploy-1",
                "StackId": STACK_ID,
                "StackName": "demo",
                "Status": "FAILED",
                "StatusReason": "Requires capabilities : [CAPABILITY_NAMED_IAM]",
            },
        )
        stubber.add_response("delete_change_set", {})
        with pytest.raises(SlamError) as raised:
            StackOperations(aws, io.StringIO()).deploy(request, None)
    assert raised.value.message == (
        "CloudFormation refused the changes to stack demo: "
        "Requires capabilities : [CAPABILITY_NAMED_IAM]"
    )


def test_no_updates_answered_as_an_error_is_success(aws: AwsClient):
    out = io.StringIO()
    current = Stack.from_response(stack("UPDATE_COMPLETE"))
    request = StackRequest("demo", TEMPLATE, lambda stack: {}, force=True)
    with cloudformation(aws) as stubber:
        stubber.add_client_error(
            "create_change_set", "ValidationError", "No updates are to be performed."
        )
        outcome = StackOperations(aws, out).deploy(request, current)
    assert (outcome.stack, outcome.changed) == (current, False)
    assert out.getvalue() == "CloudFormation found nothing to change in stack demo.\n"
