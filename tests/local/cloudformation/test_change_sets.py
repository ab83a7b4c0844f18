"""Change sets: their types, their Changes, their statuses, their execution."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from .conftest import FAST, Cloud

NO_CHANGES = (
    "The submitted information didn't contain changes. "
    "Submit different information to create a change set."
)


def make(
    cloud: Cloud, stack: str, name: str, template: str | dict[str, Any], **options: Any
) -> str:
    body = template if isinstance(template, str) else json.dumps(template)
    options.setdefault("Capabilities", ["CAPABILITY_IAM"])
    answer = cloud.cfn.create_change_set(
        StackName=stack, ChangeSetName=name, TemplateBody=body, **options
    )
    return str(answer["Id"])


def ready(cloud: Cloud, stack: str, name: str) -> dict[str, Any]:
    cloud.cfn.get_waiter("change_set_create_complete").wait(
        StackName=stack, ChangeSetName=name, WaiterConfig=FAST
    )
    described: dict[str, Any] = cloud.cfn.describe_change_set(StackName=stack, ChangeSetName=name)
    return described


def actions(change_set: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [
        (
            c["ResourceChange"]["Action"],
            c["ResourceChange"]["LogicalResourceId"],
            c["ResourceChange"].get("Replacement"),
        )
        for c in change_set["Changes"]
    ]


def test_a_create_change_set_holds_the_stack_in_review_until_executed(cloud: Cloud):
    key = cloud.upload()
    template = cloud.example("fizzbuzz")
    arn = make(
        cloud, "fizzbuzz", "first", template, ChangeSetType="CREATE", Parameters=cloud.code(key)
    )
    stack = cloud.cfn.describe_stacks(StackName="fizzbuzz")["Stacks"][0]
    assert stack["StackStatus"] == "REVIEW_IN_PROGRESS"
    change_set = ready(cloud, "fizzbuzz", "first")

    assert (change_set["Status"], change_set["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
    assert change_set["ChangeSetId"] == arn
    assert actions(change_set) == [
        ("Add", "FunctionRole", None),
        ("Add", "Function", None),
        ("Add", "FunctionLogGroup", None),
        ("Add", "DevAlias", None),
    ]
    assert cloud.cfn.get_template(StackName="fizzbuzz", ChangeSetName=arn)["TemplateBody"] == (
        json.loads(template)
    )
    make(cloud, "fizzbuzz", "other", template, ChangeSetType="CREATE", Parameters=cloud.code(key))

    cloud.cfn.execute_change_set(ChangeSetName=arn, ClientRequestToken="exec-1")
    cloud.wait("fizzbuzz", "stack_create_complete")
    assert cloud.statuses("fizzbuzz") == [
        "REVIEW_IN_PROGRESS",
        "CREATE_IN_PROGRESS",
        "CREATE_COMPLETE",
    ]
    stack = cloud.cfn.describe_stacks(StackName="fizzbuzz")["Stacks"][0]
    assert stack["ChangeSetId"] == arn
    assert set(cloud.outputs("fizzbuzz")) == {"FunctionName", "FunctionArn"}
    assert cloud.cfn.describe_change_set(ChangeSetName=arn)["ExecutionStatus"] == (
        "EXECUTE_COMPLETE"
    )
    assert {e.get("ClientRequestToken") for e in cloud.events("fizzbuzz")[1:]} == {"exec-1"}
    with pytest.raises(ClientError, match=r"already exists and cannot be created again"):
        make(
            cloud, "fizzbuzz", "again", template, ChangeSetType="CREATE", Parameters=cloud.code(key)
        )


def test_change_sets_default_to_update_and_executing_one_drops_the_others(cloud: Cloud):
    template: dict[str, Any] = {"Resources": {"First": {"Type": "AWS::Logs::LogGroup"}}}
    cloud.create("growing", template)
    cloud.wait("growing", "stack_create_complete")
    with pytest.raises(ClientError, match=r"Stack \[elsewhere\] does not exist"):
        make(cloud, "elsewhere", "nope", template)

    template["Resources"]["Second"] = {"Type": "AWS::Logs::LogGroup"}
    template["Outputs"] = {"Second": {"Value": {"Ref": "Second"}}}
    make(cloud, "growing", "add-second", template, Description="one more group")
    make(cloud, "growing", "also", template)
    with pytest.raises(ClientError, match=r"ChangeSet \[also\] already exists"):
        make(cloud, "growing", "also", template)
    change_set = ready(cloud, "growing", "add-second")
    assert actions(change_set) == [("Add", "Second", None)]
    assert change_set["Description"] == "one more group"
    names = [
        s["ChangeSetName"] for s in cloud.cfn.list_change_sets(StackName="growing")["Summaries"]
    ]
    assert names == ["add-second", "also"]

    cloud.cfn.execute_change_set(StackName="growing", ChangeSetName="add-second")
    cloud.wait("growing", "stack_update_complete")
    assert set(cloud.physical_ids("growing")) == {"First", "Second"}
    assert cloud.outputs("growing")["Second"] == cloud.physical_ids("growing")["Second"]
    names = [
        s["ChangeSetName"] for s in cloud.cfn.list_change_sets(StackName="growing")["Summaries"]
    ]
    assert names == ["add-second"]
    with pytest.raises(ClientError) as missing:
        cloud.cfn.describe_change_set(StackName="growing", ChangeSetName="also")
    assert missing.value.response["Error"]["Code"] == "ChangeSetNotFound"


def test_a_change_set_without_changes_fails_instead_of_raising(cloud: Cloud):
    key = cloud.upload()
    template = cloud.example("fizzbuzz")
    cloud.create("fizzbuzz", template, Parameters=cloud.code(key))
    cloud.wait("fizzbuzz", "stack_create_complete")
    make(cloud, "fizzbuzz", "same", template, Parameters=cloud.code(key, DevVersion="$LATEST"))

    with pytest.raises(WaiterError):
        ready(cloud, "fizzbuzz", "same")
    change_set = cloud.cfn.describe_change_set(StackName="fizzbuzz", ChangeSetName="same")
    assert (change_set["Status"], change_set["ExecutionStatus"], change_set["StatusReason"]) == (
        "FAILED",
        "UNAVAILABLE",
        NO_CHANGES,
    )
    with pytest.raises(ClientError) as refused:
        cloud.cfn.execute_change_set(StackName="fizzbuzz", ChangeSetName="same")
    assert refused.value.response["Error"]["Code"] == "InvalidChangeSetStatus"
    cloud.cfn.delete_change_set(StackName="fizzbuzz", ChangeSetName="same")
    assert cloud.cfn.list_change_sets(StackName="fizzbuzz")["Summaries"] == []


def test_parameter_only_changes_list_the_resources_they_modify(cloud: Cloud):
    key = cloud.upload()
    template = cloud.example("fizzbuzz")
    cloud.create("fizzbuzz", template, Parameters=cloud.code(key))
    cloud.wait("fizzbuzz", "stack_create_complete")
    function = cloud.outputs("fizzbuzz")["FunctionName"]
    cloud.lam.publish_version(FunctionName=function)

    make(cloud, "fizzbuzz", "publish", template, Parameters=cloud.code(key, DevVersion="1"))
    (change,) = ready(cloud, "fizzbuzz", "publish")["Changes"]
    assert change["ResourceChange"] == {
        "Action": "Modify",
        "LogicalResourceId": "DevAlias",
        "PhysicalResourceId": f"arn:aws:lambda:us-east-1:123456789012:function:{function}:dev",
        "ResourceType": "AWS::Lambda::Alias",
        "Replacement": "False",
        "Scope": ["Properties"],
        "Details": [
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": "FunctionVersion",
                    "RequiresRecreation": "Never",
                },
                "Evaluation": "Static",
                "ChangeSource": "ParameterReference",
                "CausingEntity": "DevVersion",
            }
        ],
    }

    make(cloud, "fizzbuzz", "code", template, Parameters=cloud.code(cloud.upload("two.zip", "two")))
    changed = ready(cloud, "fizzbuzz", "code")
    assert actions(changed) == [("Modify", "Function", "False")]
    detail = changed["Changes"][0]["ResourceChange"]["Details"][0]
    assert (detail["Target"]["Name"], detail["CausingEntity"]) == ("Code", "LambdaS3Key")


def test_what_a_replacement_changes_elsewhere_is_known_only_once_it_runs(cloud: Cloud):
    def template(key: str) -> dict[str, Any]:
        return {
            "Resources": {
                "Table": {
                    "Type": "AWS::DynamoDB::Table",
                    "Properties": {
                        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                        "BillingMode": "PAY_PER_REQUEST",
                        "Tags": [{"Key": "key", "Value": key}],
                    },
                },
                "Reader": {
                    "Type": "AWS::Logs::LogGroup",
                    "Properties": {"LogGroupName": {"Fn::Sub": "/readers/${Table}"}},
                },
            }
        }

    cloud.create("chained", template("id"))
    cloud.wait("chained", "stack_create_complete")
    change_set = ready(cloud, "chained", make(cloud, "chained", "rekey", template("key")))

    assert actions(change_set) == [
        ("Modify", "Table", "True"),
        ("Modify", "Reader", "Conditional"),
    ]
    table, reader = (c["ResourceChange"] for c in change_set["Changes"])
    assert table["Scope"] == ["Properties", "Tags"]
    assert {"Attribute": "Tags", "RequiresRecreation": "Never"} in [
        d["Target"] for d in table["Details"]
    ]
    assert reader["Details"] == [
        {
            "Target": {
                "Attribute": "Properties",
                "Name": "LogGroupName",
                "RequiresRecreation": "Always",
            },
            "Evaluation": "Dynamic",
            "ChangeSource": "ResourceReference",
            "CausingEntity": "Table",
        }
    ]
    cloud.cfn.execute_change_set(ChangeSetName=change_set["ChangeSetId"])
    cloud.wait("chained", "stack_update_complete")
    ids = cloud.physical_ids("chained")
    assert ids["Reader"] == f"/readers/{ids['Table']}"
