"""Updating stacks: parameter-only updates, code updates, no-op updates, refused updates."""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

from .conftest import Cloud, package

UPDATED = ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE"]

TWO_STAGES = """\
name: staged
function: {module: index, app: handler}
stage_environments: {dev: , prod: }
aws: {s3_bucket: staged-packages}
"""


def sha(value: str) -> str:
    return base64.b64encode(hashlib.sha256(package(value)).digest()).decode()


def previous(*names: str) -> list[dict[str, object]]:
    return [{"ParameterKey": name, "UsePreviousValue": True} for name in names]


def test_parameter_only_update_moves_prod_to_version_1_and_dev_stays_on_latest(cloud: Cloud):
    template = cloud.render(TWO_STAGES)
    cloud.create("staged", template, Parameters=cloud.code(cloud.upload()))
    cloud.wait("staged", "stack_create_complete")
    function = cloud.outputs("staged")["FunctionName"]
    version = cloud.lam.publish_version(FunctionName=function)["Version"]

    cloud.cfn.update_stack(
        StackName="staged",
        UsePreviousTemplate=True,
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[
            *previous("LambdaS3Bucket", "LambdaS3Key"),
            {"ParameterKey": "ProdVersion", "ParameterValue": version},
        ],
        ClientRequestToken="publish-1",
    )
    cloud.wait("staged", "stack_update_complete")

    assert version == "1"
    assert cloud.lam.get_alias(FunctionName=function, Name="prod")["FunctionVersion"] == "1"
    assert cloud.lam.get_alias(FunctionName=function, Name="dev")["FunctionVersion"] == "$LATEST"
    assert cloud.statuses("staged")[2:] == UPDATED
    update = [e for e in cloud.events("staged") if e.get("ClientRequestToken") == "publish-1"]
    touched = {e["LogicalResourceId"] for e in update} - {"staged"}
    assert touched == {"ProdAlias"}
    parameters = cloud.cfn.describe_stacks(StackName="staged")["Stacks"][0]["Parameters"]
    assert {p["ParameterKey"]: p["ParameterValue"] for p in parameters}["ProdVersion"] == "1"

    cloud.cfn.update_stack(
        StackName="staged",
        UsePreviousTemplate=True,
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[
            *previous("LambdaS3Bucket", "ProdVersion"),
            {"ParameterKey": "LambdaS3Key", "ParameterValue": cloud.upload("two.zip", "two")},
        ],
    )
    cloud.wait("staged", "stack_update_complete")
    latest = cloud.lam.get_function(FunctionName=f"{function}:dev")["Configuration"]
    frozen = cloud.lam.get_function(FunctionName=f"{function}:prod")["Configuration"]
    assert (latest["CodeSha256"], frozen["CodeSha256"]) == (sha("two"), sha("one"))


def test_an_update_that_changes_nothing_is_refused(cloud: Cloud):
    template = cloud.render(TWO_STAGES)
    cloud.create("same", template, Parameters=cloud.code(cloud.upload()))
    cloud.wait("same", "stack_create_complete")

    explicit = cloud.code("package-1.zip", DevVersion="$LATEST", ProdVersion="$LATEST")
    for parameters in (cloud.code("package-1.zip"), explicit):
        with pytest.raises(
            ClientError, match=r"\(ValidationError\) .*: No updates are to be performed\.$"
        ):
            cloud.update("same", template, Parameters=parameters)
    with pytest.raises(
        ClientError, match=r"\(ValidationError\) .*: No updates are to be performed\.$"
    ):
        cloud.cfn.update_stack(
            StackName="same",
            UsePreviousTemplate=True,
            Parameters=previous("LambdaS3Bucket", "LambdaS3Key", "DevVersion", "ProdVersion"),
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        )
    assert cloud.statuses("same") == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]


def test_a_template_without_parameters_is_compared_too(cloud: Cloud):
    template = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}
    cloud.create("plain", template)
    cloud.wait("plain", "stack_create_complete")
    with pytest.raises(
        ClientError, match=r"\(ValidationError\) .*: No updates are to be performed\.$"
    ):
        cloud.update("plain", template)
    template["Outputs"] = {"Name": {"Value": {"Ref": "Logs"}}}
    cloud.update("plain", template)
    cloud.wait("plain", "stack_update_complete")
    assert cloud.outputs("plain")["Name"] == cloud.physical_ids("plain")["Logs"]


def test_updates_refused_by_the_stacks_state_or_the_template(cloud: Cloud):
    with pytest.raises(ClientError, match="Stack with id nowhere does not exist"):
        cloud.update("nowhere", {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}})
    cloud.create("broken", cloud.example("fizzbuzz"), Parameters=cloud.code("missing.zip"))
    stack_id = cloud.settle("broken")["StackId"]
    with pytest.raises(ClientError) as refused:
        cloud.update("broken", cloud.example("fizzbuzz"), Parameters=cloud.code("other.zip"))
    assert refused.value.response["Error"]["Message"] == (
        f"Stack:{stack_id} is in ROLLBACK_COMPLETE state and can not be updated."
    )

    cloud.create("typed", {"Resources": {"Thing": {"Type": "AWS::Logs::LogGroup"}}})
    cloud.wait("typed", "stack_create_complete")
    with pytest.raises(ClientError, match=r"modifies resource type of the following resources: \["):
        cloud.update("typed", {"Resources": {"Thing": {"Type": "AWS::S3::Bucket"}}})


def test_resources_come_and_go_with_their_condition(cloud: Cloud):
    template = {
        "Parameters": {"WithLogs": {"Type": "String", "AllowedValues": ["yes", "no"]}},
        "Conditions": {"Logged": {"Fn::Equals": [{"Ref": "WithLogs"}, "yes"]}},
        "Resources": {
            "Always": {"Type": "AWS::Logs::LogGroup"},
            "Sometimes": {
                "Type": "AWS::Logs::LogGroup",
                "Condition": "Logged",
                "Properties": {"LogGroupName": "sometimes"},
            },
        },
        "Outputs": {
            "Which": {"Value": {"Fn::If": ["Logged", {"Ref": "Sometimes"}, "none"]}},
            "Only": {"Condition": "Logged", "Value": "logged"},
        },
    }
    no = [{"ParameterKey": "WithLogs", "ParameterValue": "no"}]
    yes = [{"ParameterKey": "WithLogs", "ParameterValue": "yes"}]
    cloud.create("conditional", template, Parameters=no)
    cloud.wait("conditional", "stack_create_complete")
    assert set(cloud.physical_ids("conditional")) == {"Always"}
    assert cloud.outputs("conditional") == {"Which": "none"}

    cloud.update("conditional", template, Parameters=yes)
    cloud.wait("conditional", "stack_update_complete")
    assert cloud.outputs("conditional") == {"Which": "sometimes", "Only": "logged"}
    names = [g["logGroupName"] for g in cloud.logs.describe_log_groups()["logGroups"]]
    assert "sometimes" in names

    cloud.update("conditional", template, Parameters=no)
    cloud.wait("conditional", "stack_update_complete")
    assert set(cloud.physical_ids("conditional")) == {"Always"}
    names = [g["logGroupName"] for g in cloud.logs.describe_log_groups()["logGroups"]]
    assert "sometimes" not in names
    with pytest.raises(ClientError, match="must be one of AllowedValues"):
        cloud.update("conditional", template, Parameters=[{**no[0], "ParameterValue": "maybe"}])


def test_replacement_creates_the_new_resource_then_deletes_the_old_in_cleanup(cloud: Cloud):
    def template(key: str, policy: str = "Delete") -> dict[str, object]:
        return {
            "Resources": {
                "Table": {
                    "Type": "AWS::DynamoDB::Table",
                    "UpdateReplacePolicy": policy,
                    "Properties": {
                        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                        "BillingMode": "PAY_PER_REQUEST",
                    },
                },
                "Reader": {
                    "Type": "AWS::Logs::LogGroup",
                    "Properties": {"LogGroupName": {"Fn::Sub": "/readers/${Table}"}},
                },
            },
            "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Table", "Arn"]}}},
        }

    cloud.create("replaced", template("id"))
    cloud.wait("replaced", "stack_create_complete")
    first = cloud.physical_ids("replaced")["Table"]

    cloud.update("replaced", template("key"))
    cloud.wait("replaced", "stack_update_complete")
    second = cloud.physical_ids("replaced")["Table"]
    assert second != first
    assert second.startswith("replaced-Table-")
    assert cloud.ddb.list_tables()["TableNames"] == [second]
    assert cloud.outputs("replaced")["Arn"].endswith(f":table/{second}")
    assert cloud.logs.describe_log_groups()["logGroups"][0]["logGroupName"] == f"/readers/{second}"
    table_events = [
        (e["ResourceStatus"], e["PhysicalResourceId"], e.get("ResourceStatusReason"))
        for e in cloud.events("replaced")
        if e["LogicalResourceId"] == "Table"
    ][2:]
    assert table_events == [
        (
            "UPDATE_IN_PROGRESS",
            first,
            "Requested update requires the creation of a new physical resource; hence creating "
            "one.",
        ),
        ("UPDATE_COMPLETE", second, None),
        ("DELETE_IN_PROGRESS", first, None),
        ("DELETE_COMPLETE", first, None),
    ]
    statuses = [e["ResourceStatus"] for e in cloud.events("replaced")]
    cleanup = statuses.index("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    assert statuses.index("DELETE_IN_PROGRESS") > cleanup

    cloud.update("replaced", template("name", "Retain"))
    cloud.wait("replaced", "stack_update_complete")
    assert len(cloud.ddb.list_tables()["TableNames"]) == 2
    assert cloud.resource_events("replaced", "Table")[-1] == ("DELETE_SKIPPED", None)


def test_a_removed_resource_is_deleted_unless_retained(cloud: Cloud):
    template = {
        "Resources": {
            "Kept": {"Type": "AWS::Logs::LogGroup"},
            "Dropped": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "dropped"}},
            "Retained": {
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Retain",
                "Properties": {"LogGroupName": "retained"},
            },
        }
    }
    cloud.create("shrinking", template)
    cloud.wait("shrinking", "stack_create_complete")
    cloud.update("shrinking", {"Resources": {"Kept": {"Type": "AWS::Logs::LogGroup"}}})
    cloud.wait("shrinking", "stack_update_complete")

    assert set(cloud.physical_ids("shrinking")) == {"Kept"}
    names = {g["logGroupName"] for g in cloud.logs.describe_log_groups()["logGroups"]}
    assert names == {cloud.physical_ids("shrinking")["Kept"], "retained"}
    assert cloud.resource_events("shrinking", "Retained")[-1] == ("DELETE_SKIPPED", None)
    assert cloud.resource_events("shrinking", "Dropped")[-1] == ("DELETE_COMPLETE", None)
