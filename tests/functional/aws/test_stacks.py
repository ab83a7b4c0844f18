"""CloudFormation calls: moto runs the stack; the Stubber answers what moto cannot
(paging, client tokens, rollbacks, "No updates")."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from slam.aws import AwsClient
from slam.errors import SlamError
from slam.remote import ChangeSetRequest, ResourceChange, StackEvent, StackResource

from .conftest import stubbed

TEMPLATE = {
    "Parameters": {"GroupName": {"Type": "String"}, "Days": {"Type": "String", "Default": "7"}},
    "Resources": {
        "Group": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Ref": "GroupName"}},
        }
    },
    "Outputs": {"Name": {"Value": {"Ref": "Group"}}},
}
STACK_ID = (
    "arn:aws:cloudformation:us-west-2:123456789012:stack/demo/0f0e5f20-5a3b-11ef-9d5a-0a1b2c3d4e5f"
)
WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


def request(name: str, kind: str, parameters: dict[str, str | None]) -> ChangeSetRequest:
    return ChangeSetRequest(
        stack_name="demo",
        change_set_name=name,
        change_set_type=kind,
        parameters=parameters,
        template_body=json.dumps(TEMPLATE),
        client_token=name,
    )


def deploy(aws: AwsClient) -> None:
    aws.stacks.create_change_set(request("slam-deploy-1", "CREATE", {"GroupName": "/demo/one"}))
    aws.stacks.execute_change_set("demo", "slam-deploy-1", "slam-deploy-1")


def test_a_missing_stack_is_none(aws: AwsClient):
    assert aws.stacks.describe_stack("demo") is None


def test_a_stack_is_created_through_a_change_set(aws: AwsClient):
    change_set_id = aws.stacks.create_change_set(
        request("slam-deploy-1", "CREATE", {"GroupName": "/demo/one", "Days": "7"})
    )
    change_set = aws.stacks.describe_change_set("demo", "slam-deploy-1")
    assert (change_set.change_set_id, change_set.status, change_set.changes) == (
        change_set_id,
        "CREATE_COMPLETE",
        (ResourceChange("Add", "Group", "AWS::Logs::LogGroup"),),
    )
    aws.stacks.execute_change_set("demo", "slam-deploy-1", "slam-deploy-1")
    stack = aws.stacks.describe_stack("demo")
    assert stack is not None
    assert (stack.name, stack.status, stack.parameters) == (
        "demo",
        "CREATE_COMPLETE",
        {"GroupName": "/demo/one", "Days": "7"},
    )
    assert aws.stacks.stack_resources("demo") == [
        StackResource("Group", "AWS::Logs::LogGroup", "CREATE_COMPLETE", "/demo/one")
    ]
    assert aws.stacks.stack_template("demo") == TEMPLATE


def test_a_change_set_that_changes_nothing_is_none(aws: AwsClient):
    deploy(aws)
    unchanged = request("slam-deploy-2", "UPDATE", {"GroupName": "/demo/one", "Days": "7"})
    assert aws.stacks.create_change_set(unchanged) is None


def test_a_parameter_only_update_keeps_the_template_and_other_values(aws: AwsClient):
    deploy(aws)
    assert aws.stacks.update_stack("demo", {"GroupName": None, "Days": "9"}, (), "slam-p-1")
    stack = aws.stacks.describe_stack("demo")
    assert stack is not None
    assert (stack.status, stack.parameters, stack.outputs) == (
        "UPDATE_COMPLETE",
        {"GroupName": "/demo/one", "Days": "9"},
        {"Name": "/demo/one"},
    )
    assert (
        aws.stacks.update_stack("demo", {"GroupName": None, "Days": None}, (), "slam-p-2") is False
    )


def test_update_stack_sends_previous_values_capabilities_and_token(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_client_error(
            "update_stack",
            "ValidationError",
            "No updates are to be performed.",
            400,
            {
                "StackName": "demo",
                "UsePreviousTemplate": True,
                "Parameters": [
                    {"ParameterKey": "LambdaS3Key", "UsePreviousValue": True},
                    {"ParameterKey": "ProdVersion", "ParameterValue": "3"},
                ],
                "Capabilities": ["CAPABILITY_IAM"],
                "ClientRequestToken": "slam-publish-1",
            },
        )
        changed = offline_aws.stacks.update_stack(
            "demo", {"LambdaS3Key": None, "ProdVersion": "3"}, ["CAPABILITY_IAM"], "slam-publish-1"
        )
    assert changed is False


def test_a_refused_change_set_is_an_error_naming_the_stack(offline_aws: AwsClient):
    message = "Template format error: Unresolved resource dependencies [Api] in the Outputs"
    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_client_error("create_change_set", "ValidationError", message)
        with pytest.raises(SlamError) as raised:
            offline_aws.stacks.create_change_set(request("slam-deploy-1", "CREATE", {}))
    assert raised.value.message == (
        f"cloudformation:CreateChangeSet on stack demo failed: {message}"
    )


def test_a_change_set_is_read_across_pages(offline_aws: AwsClient):
    page = {
        "ChangeSetName": "slam-deploy-1",
        "ChangeSetId": "arn:aws:cloudformation:us-west-2:123456789012:changeSet/slam-deploy-1/1",
        "StackId": STACK_ID,
        "StackName": "demo",
        "Status": "CREATE_COMPLETE",
        "ExecutionStatus": "AVAILABLE",
    }

    def change(logical_id: str) -> dict[str, Any]:
        return {
            "Type": "Resource",
            "ResourceChange": {
                "Action": "Add",
                "LogicalResourceId": logical_id,
                "ResourceType": "AWS::Logs::LogGroup",
                "Scope": [],
                "Details": [],
            },
        }

    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_response(
            "describe_change_set",
            {**page, "Changes": [change("First")], "NextToken": "page-2"},
            {"StackName": "demo", "ChangeSetName": "slam-deploy-1"},
        )
        stubber.add_response(
            "describe_change_set",
            {**page, "Changes": [change("Second")]},
            {"StackName": "demo", "ChangeSetName": "slam-deploy-1", "NextToken": "page-2"},
        )
        change_set = offline_aws.stacks.describe_change_set("demo", "slam-deploy-1")
    assert [change.logical_id for change in change_set.changes] == ["First", "Second"]


def test_deleting_a_change_set_that_is_gone_is_fine(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_client_error("delete_change_set", "ChangeSetNotFound", "not found", 404)
        offline_aws.stacks.delete_change_set("demo", "slam-deploy-1")


def event(number: int, status: str, token: str | None = "slam-deploy-2") -> dict[str, Any]:
    answer = {
        "StackId": STACK_ID,
        "EventId": f"event-{number}",
        "StackName": "demo",
        "LogicalResourceId": "Function",
        "PhysicalResourceId": "demo-Function-1CUMOX2834PA0",
        "ResourceType": "AWS::Lambda::Function",
        "Timestamp": WHEN + datetime.timedelta(seconds=number),
        "ResourceStatus": status,
    }
    if token:
        answer["ClientRequestToken"] = token
    return answer


def stack_event(number: int, status: str, token: str | None = "slam-deploy-2") -> StackEvent:
    return StackEvent.from_response(event(number, status, token))


def test_stack_events_come_oldest_first_and_stop_at_the_last_one_seen(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_response(
            "describe_stack_events",
            {
                "StackEvents": [event(5, "UPDATE_COMPLETE"), event(4, "UPDATE_IN_PROGRESS")],
                "NextToken": "older",
            },
            {"StackName": "demo"},
        )
        stubber.add_response(
            "describe_stack_events",
            {"StackEvents": [event(3, "UPDATE_IN_PROGRESS"), event(2, "UPDATE_COMPLETE")]},
            {"StackName": "demo", "NextToken": "older"},
        )
        events = offline_aws.stacks.stack_events("demo", after="event-2")
    assert events == [
        stack_event(3, "UPDATE_IN_PROGRESS"),
        stack_event(4, "UPDATE_IN_PROGRESS"),
        stack_event(5, "UPDATE_COMPLETE"),
    ]


def test_without_a_limit_all_stack_events_are_read(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        page = [event(2, "CREATE_COMPLETE", None), event(1, "CREATE_IN_PROGRESS", None)]
        stubber.add_response("describe_stack_events", {"StackEvents": page}, {"StackName": "demo"})
        events = offline_aws.stacks.stack_events("demo")
    assert events == [
        stack_event(1, "CREATE_IN_PROGRESS", None),
        stack_event(2, "CREATE_COMPLETE", None),
    ]


def test_stack_events_of_one_operation_stop_at_another_token(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        page = [
            event(5, "UPDATE_COMPLETE"),
            event(4, "UPDATE_IN_PROGRESS"),
            event(3, "UPDATE_COMPLETE", "slam-deploy-1"),
            event(2, "UPDATE_IN_PROGRESS", "slam-deploy-1"),
        ]
        stubber.add_response("describe_stack_events", {"StackEvents": page}, {"StackName": "demo"})
        events = offline_aws.stacks.stack_events("demo", client_token="slam-deploy-2")
    assert events == [stack_event(4, "UPDATE_IN_PROGRESS"), stack_event(5, "UPDATE_COMPLETE")]


def test_the_newest_event_is_read_from_the_first_page_only(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        page = [event(5, "UPDATE_COMPLETE"), event(4, "UPDATE_IN_PROGRESS")]
        answer = {"StackEvents": page, "NextToken": "older"}
        stubber.add_response("describe_stack_events", answer, {"StackName": "demo"})
        stubber.add_response("describe_stack_events", {"StackEvents": []}, {"StackName": "new"})
        assert offline_aws.stacks.newest_event("demo") == stack_event(5, "UPDATE_COMPLETE")
        assert offline_aws.stacks.newest_event("new") is None


def test_a_stack_is_deleted(aws: AwsClient):
    deploy(aws)
    stack = aws.stacks.describe_stack("demo")
    assert stack is not None
    aws.stacks.delete_stack("demo", "slam-delete-1")
    assert aws.stacks.describe_stack("demo") is None
    deleted = aws.stacks.describe_stack(stack.stack_id)  # by ID, a deleted stack still answers
    assert deleted is not None and deleted.status == "DELETE_COMPLETE"


def test_stuck_stacks_are_resumed_or_deleted_keeping_named_resources(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_response(
            "continue_update_rollback",
            {},
            {"StackName": "demo", "ClientRequestToken": "slam-rollback-1"},
        )
        stubber.add_response(
            "delete_stack",
            {},
            {
                "StackName": "demo",
                "ClientRequestToken": "slam-delete-1",
                "RetainResources": ["DevTasksTable"],
            },
        )
        offline_aws.stacks.continue_update_rollback("demo", "slam-rollback-1")
        offline_aws.stacks.delete_stack("demo", "slam-delete-1", retain=["DevTasksTable"])


def test_a_template_that_is_not_json_is_not_slams(offline_aws: AwsClient):
    with stubbed(offline_aws, "cloudformation") as stubber:
        stubber.add_response("get_template", {"TemplateBody": "Resources:\n  X: !Ref Y\n"})
        with pytest.raises(SlamError) as raised:
            offline_aws.stacks.stack_template("demo")
    assert raised.value.message == (
        "stack demo runs a template that is not JSON, so slam did not deploy it"
    )
