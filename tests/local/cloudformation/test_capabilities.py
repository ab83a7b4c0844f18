"""Capabilities are enforced as on AWS, for stacks, updates and change sets."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import Cloud

NAMED_ROLE = {
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "named-role",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
            },
        }
    }
}


def refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    details = error.value.response["Error"]
    return details["Code"], details["Message"]


def test_a_role_without_capability_iam_is_refused_and_nothing_is_created(cloud: Cloud):
    with pytest.raises(ClientError) as error:
        cloud.create("fizzbuzz", cloud.example("fizzbuzz"), Capabilities=[])
    assert refusal(error) == (
        "InsufficientCapabilitiesException",
        "Requires capabilities : [CAPABILITY_IAM]",
    )
    with pytest.raises(ClientError, match="Stack with id fizzbuzz does not exist"):
        cloud.cfn.describe_stacks(StackName="fizzbuzz")

    summary = cloud.cfn.get_template_summary(TemplateBody=cloud.example("fizzbuzz"))
    assert summary["Capabilities"] == ["CAPABILITY_IAM"]
    assert summary["CapabilitiesReason"] == (
        "The following resource(s) require capabilities: [AWS::IAM::Role]"
    )


def test_a_named_role_needs_capability_named_iam(cloud: Cloud):
    with pytest.raises(ClientError) as error:
        cloud.create("named", NAMED_ROLE)
    assert refusal(error) == (
        "InsufficientCapabilitiesException",
        "Requires capabilities : [CAPABILITY_NAMED_IAM]",
    )
    cloud.create("named", NAMED_ROLE, Capabilities=["CAPABILITY_NAMED_IAM"])
    cloud.wait("named", "stack_create_complete")
    assert cloud.iam.get_role(RoleName="named-role")["Role"]["RoleName"] == "named-role"

    changed = json.loads(json.dumps(NAMED_ROLE))
    changed["Resources"]["Role"]["Properties"]["Description"] = "described"
    with pytest.raises(ClientError, match=r"Requires capabilities : \[CAPABILITY_NAMED_IAM\]"):
        cloud.update("named", changed)
    with pytest.raises(ClientError, match=r"Requires capabilities : \[CAPABILITY_NAMED_IAM\]"):
        cloud.cfn.create_change_set(
            StackName="named", ChangeSetName="described", TemplateBody=json.dumps(changed)
        )
    cloud.update("named", changed, Capabilities=["CAPABILITY_NAMED_IAM"])
    cloud.wait("named", "stack_update_complete")
    assert cloud.iam.get_role(RoleName="named-role")["Role"]["Description"] == "described"


def test_a_transform_needs_capability_auto_expand_and_is_not_run(cloud: Cloud):
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}},
    }
    with pytest.raises(ClientError) as error:
        cloud.create("expanded", template, Capabilities=[])
    assert refusal(error) == (
        "InsufficientCapabilitiesException",
        "Requires capabilities : [CAPABILITY_AUTO_EXPAND]",
    )
    with pytest.raises(ClientError) as error:
        cloud.create("expanded", template, Capabilities=["CAPABILITY_AUTO_EXPAND"])
    assert refusal(error) == (
        "ValidationError",
        "The local AWS does not run template transforms: AWS::Serverless-2016-10-31",
    )
    summary = cloud.cfn.get_template_summary(TemplateBody=json.dumps(template))
    assert (summary["Capabilities"], summary["DeclaredTransforms"]) == (
        ["CAPABILITY_AUTO_EXPAND"],
        ["AWS::Serverless-2016-10-31"],
    )


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("AWS::CloudFormation::Stack", "nested stacks"),
        ("AWS::CloudFormation::CustomResource", "custom resources"),
        ("Custom::Thing", "custom resources"),
    ],
)
def test_nested_stacks_and_custom_resources_are_refused_saying_so(
    cloud: Cloud, kind: str, what: str
):
    template = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup"},
            "Other": {"Type": kind, "Properties": {"ServiceToken": "arn", "TemplateURL": "url"}},
        }
    }
    with pytest.raises(ClientError) as error:
        cloud.create("unemulated", template)
    assert refusal(error) == ("ValidationError", f"The local AWS does not run {what}: {kind}")
    with pytest.raises(ClientError, match="Stack with id unemulated does not exist"):
        cloud.cfn.describe_stacks(StackName="unemulated")
