"""Failed updates: the rollback to the previous deployment, and ContinueUpdateRollback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from .conftest import Cloud
from .test_updates import TWO_STAGES, sha

ROLLED_BACK = [
    "UPDATE_IN_PROGRESS",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
]


def with_failing_resource(template: str) -> str:
    """``template`` plus a log group that fails after the function is updated."""
    document = json.loads(template)
    document["Resources"]["Broken"] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"LogGroupName": {"Fn::Sub": "${Function}-broken"}, "Retention": 3},
    }
    document["Resources"]["Added"] = {"Type": "AWS::Logs::LogGroup"}
    return json.dumps(document)


def test_failed_update_rolls_back_to_the_previous_code_template_and_parameters(cloud: Cloud):
    template = cloud.render(TWO_STAGES)
    cloud.create("staged", template, Parameters=cloud.code(cloud.upload()))
    cloud.wait("staged", "stack_create_complete")
    before = cloud.cfn.describe_stacks(StackName="staged")["Stacks"][0]
    function = cloud.outputs("staged")["FunctionName"]

    key = cloud.upload("two.zip", "two")
    cloud.update("staged", with_failing_resource(template), Parameters=cloud.code(key))
    with pytest.raises(WaiterError):
        cloud.wait("staged", "stack_update_complete")
    after = cloud.settle("staged")

    assert after["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert cloud.statuses("staged")[2:] == ROLLED_BACK
    reasons = {e["ResourceStatus"]: e.get("ResourceStatusReason") for e in cloud.events("staged")}
    assert reasons["UPDATE_ROLLBACK_IN_PROGRESS"] == (
        "The following resource(s) failed to create: [Broken]. "
    )
    assert cloud.resource_events("staged", "Function")[2:] == [
        ("UPDATE_IN_PROGRESS", None),
        ("UPDATE_COMPLETE", None),
        ("UPDATE_IN_PROGRESS", None),
        ("UPDATE_COMPLETE", None),
    ]
    assert ("CREATE_FAILED", "Encountered unsupported property Retention") in (
        cloud.resource_events("staged", "Broken")
    )
    assert cloud.resource_events("staged", "Added")[-1] == ("DELETE_COMPLETE", None)
    code = cloud.lam.get_function(FunctionName=function)["Configuration"]["CodeSha256"]
    assert code == sha("one")
    assert after["Parameters"] == before["Parameters"]
    assert after["Outputs"] == before["Outputs"]
    assert cloud.cfn.get_template(StackName="staged")["TemplateBody"] == json.loads(template)
    assert set(cloud.physical_ids("staged")) == set(json.loads(template)["Resources"])
    groups = [g["logGroupName"] for g in cloud.logs.describe_log_groups()["logGroups"]]
    assert groups == [f"/aws/lambda/{function}"]

    cloud.update("staged", template, Parameters=cloud.code(key))
    cloud.wait("staged", "stack_update_complete")
    code = cloud.lam.get_function(FunctionName=function)["Configuration"]["CodeSha256"]
    assert code == sha("two")


def throughput_table(units: int) -> dict[str, Any]:
    return {
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": "outside",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "ProvisionedThroughput": {
                        "ReadCapacityUnits": units,
                        "WriteCapacityUnits": units,
                    },
                },
            },
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": units}},
        }
    }


def recreate_outside_table(cloud: Cloud) -> None:
    cloud.ddb.create_table(
        TableName="outside",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 3},
    )


def test_a_rollback_that_fails_waits_for_continue_update_rollback(cloud: Cloud):
    cloud.create("stuck", throughput_table(1))
    cloud.wait("stuck", "stack_create_complete")
    cloud.ddb.delete_table(TableName="outside")

    cloud.update("stuck", throughput_table(3))
    stack = cloud.settle("stuck")
    assert (stack["StackStatus"], stack["StackStatusReason"]) == (
        "UPDATE_ROLLBACK_FAILED",
        "The following resource(s) failed to update: [Table]. ",
    )
    table_events = cloud.resource_events("stuck", "Table")
    assert [status for status, _ in table_events[2:]] == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_FAILED",
        "UPDATE_IN_PROGRESS",
        "UPDATE_FAILED",
    ]
    assert "Requested resource not found" in str(table_events[-1][1])
    assert "HandlerErrorCode: NotFound" in str(table_events[-1][1])
    resource = cloud.cfn.describe_stack_resource(StackName="stuck", LogicalResourceId="Table")
    assert resource["StackResourceDetail"]["ResourceStatus"] == "UPDATE_FAILED"

    cloud.cfn.continue_update_rollback(StackName="stuck", ClientRequestToken="again")
    assert cloud.settle("stuck")["StackStatus"] == "UPDATE_ROLLBACK_FAILED"

    recreate_outside_table(cloud)
    cloud.cfn.continue_update_rollback(StackName="stuck")
    cloud.cfn.get_waiter("stack_rollback_complete").wait(
        StackName="stuck", WaiterConfig={"Delay": 0.1, "MaxAttempts": 100}
    )
    assert cloud.statuses("stuck")[-4:] == [
        "UPDATE_ROLLBACK_FAILED",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE",
    ]
    throughput = cloud.ddb.describe_table(TableName="outside")["Table"]["ProvisionedThroughput"]
    assert throughput["ReadCapacityUnits"] == 1
    tokens = {e.get("ClientRequestToken") for e in cloud.events("stuck")}
    assert "again" in tokens

    cloud.update("stuck", throughput_table(2))
    cloud.wait("stuck", "stack_update_complete")


def test_continue_update_rollback_can_skip_the_resource_that_cannot_roll_back(cloud: Cloud):
    cloud.create("skipping", throughput_table(1))
    cloud.wait("skipping", "stack_create_complete")
    cloud.ddb.delete_table(TableName="outside")
    cloud.update("skipping", throughput_table(3))
    assert cloud.settle("skipping")["StackStatus"] == "UPDATE_ROLLBACK_FAILED"

    with pytest.raises(ClientError, match=r"can be skipped: \[Logs\]"):
        cloud.cfn.continue_update_rollback(StackName="skipping", ResourcesToSkip=["Logs"])
    cloud.cfn.continue_update_rollback(StackName="skipping", ResourcesToSkip=["Table"])
    cloud.cfn.get_waiter("stack_rollback_complete").wait(
        StackName="skipping", WaiterConfig={"Delay": 0.1, "MaxAttempts": 100}
    )

    assert cloud.resource_events("skipping", "Table")[-1] == ("UPDATE_COMPLETE", None)
    retention = cloud.logs.describe_log_groups()["logGroups"][0]["retentionInDays"]
    assert retention == 1
    with pytest.raises(ClientError, match="UPDATE_ROLLBACK_COMPLETE state and can not continue"):
        cloud.cfn.continue_update_rollback(StackName="skipping")
