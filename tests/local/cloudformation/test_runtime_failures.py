"""What only fails once an operation runs: values that do not resolve, rollbacks that fail."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Cloud

GROUP = "AWS::Logs::LogGroup"


def group(name: Any, **extra: Any) -> dict[str, Any]:
    return {"Type": GROUP, "Properties": {"LogGroupName": name}, **extra}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            {"Fn::Select": [5, ["a", "b"]]},
            "Template error: Fn::Select cannot select nonexistent value at index 5",
        ),
        ({"Fn::ImportValue": "nowhere"}, "No export named nowhere found."),
        (
            {"Fn::GetAtt": ["Queue", "Nope"]},
            "Template error: resource Queue does not support attribute type Nope in Fn::GetAtt",
        ),
        (
            {"Ref": "Never"},
            "Template format error: Unresolved resource dependencies [Never]",
        ),
    ],
)
def test_a_value_that_does_not_resolve_fails_its_resource(cloud: Cloud, name: Any, reason: str):
    template = {
        "Conditions": {"No": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Never": group("never", Condition="No"),
            "Logs": group(name, DependsOn="Queue"),
        },
    }
    cloud.create("unresolved", template)
    assert cloud.settle("unresolved")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert ("CREATE_FAILED", reason) in cloud.resource_events("unresolved", "Logs")


def test_an_output_that_does_not_resolve_fails_the_stack(cloud: Cloud):
    template = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Broken": {"Value": {"Fn::GetAtt": ["Queue", "Nope"]}}},
    }
    cloud.create("output", template)
    assert cloud.settle("output")["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [e.get("ResourceStatusReason") for e in cloud.events("output")]
    assert (
        "Template error: resource Queue does not support attribute type Nope in Fn::GetAtt"
        "Rollback requested by user."
    ) in reasons


def test_a_condition_that_does_not_resolve_fails_the_stack(cloud: Cloud):
    template = {
        "Conditions": {"Odd": {"Fn::Equals": [{"Fn::Select": [3, ["a"]]}, "a"]}},
        "Resources": {"Logs": {"Type": GROUP, "Condition": "Odd"}},
    }
    cloud.create("odd", template)
    stack = cloud.settle("odd")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert cloud.statuses("odd") == [
        "CREATE_IN_PROGRESS",
        "ROLLBACK_IN_PROGRESS",
        "ROLLBACK_COMPLETE",
    ]


def protected_table(**extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": "protected",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": True,
            **extra,
        },
    }


def test_a_rollback_that_cannot_delete_ends_rollback_failed(cloud: Cloud):
    template = {
        "Resources": {
            "Table": protected_table(),
            "Broken": group({"Fn::Sub": "${Table}-broken"}, DependsOn="Table"),
        }
    }
    template["Resources"]["Broken"]["Properties"]["Wrong"] = True
    cloud.create("protected", template)
    stack = cloud.settle("protected")
    assert (stack["StackStatus"], stack["StackStatusReason"]) == (
        "ROLLBACK_FAILED",
        "The following resource(s) failed to delete: [Table]. ",
    )
    assert cloud.ddb.list_tables()["TableNames"] == ["protected"]
    cloud.ddb.update_table(TableName="protected", DeletionProtectionEnabled=False)
    cloud.cfn.delete_stack(StackName="protected")
    cloud.wait("protected", "stack_delete_complete")
    assert cloud.ddb.list_tables()["TableNames"] == []


def test_what_depends_on_a_resource_that_fails_to_delete_is_kept(cloud: Cloud):
    template = {
        "Resources": {
            "Base": group("base"),
            "Table": protected_table(Tags=[{"Key": "base", "Value": {"Ref": "Base"}}]),
            "Free": group("free"),
        }
    }
    cloud.create("kept", template)
    cloud.wait("kept", "stack_create_complete")
    cloud.cfn.delete_stack(StackName="kept")
    assert cloud.settle("kept")["StackStatus"] == "DELETE_FAILED"
    names = [g["logGroupName"] for g in cloud.logs.describe_log_groups()["logGroups"]]
    assert names == ["base"]
    assert cloud.resource_events("kept", "Base") == [
        ("CREATE_IN_PROGRESS", None),
        ("CREATE_COMPLETE", None),
    ]


def test_a_failed_update_puts_back_what_it_replaced(cloud: Cloud):
    def template(key: str, broken: bool) -> dict[str, Any]:
        resources: dict[str, Any] = {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
            }
        }
        if broken:
            resources["Broken"] = group({"Fn::Sub": "${Table}-x"}, DependsOn="Table")
            resources["Broken"]["Properties"]["Wrong"] = 1
        return {"Resources": resources}

    cloud.create("replacing", template("id", False))
    cloud.wait("replacing", "stack_create_complete")
    first = cloud.physical_ids("replacing")["Table"]
    cloud.ddb.put_item(TableName=first, Item={"id": {"S": "kept"}})

    cloud.update("replacing", template("key", True))
    assert cloud.settle("replacing")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert cloud.physical_ids("replacing")["Table"] == first
    assert cloud.ddb.list_tables()["TableNames"] == [first]
    assert cloud.ddb.scan(TableName=first)["Count"] == 1
    events = [
        (e["ResourceStatus"], e["PhysicalResourceId"])
        for e in cloud.events("replacing")
        if e["LogicalResourceId"] == "Table"
    ]
    replacement = events[3][1]
    assert replacement != first
    assert events[3:] == [
        ("UPDATE_COMPLETE", replacement),
        ("UPDATE_COMPLETE", first),
        ("DELETE_IN_PROGRESS", replacement),
        ("DELETE_COMPLETE", replacement),
    ]
