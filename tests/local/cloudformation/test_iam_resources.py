"""AWS::IAM::* resources: what IAM holds after each create, update and delete."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Cloud

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
ALLOW_LOGS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
}
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
DYNAMODB = "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"


def document(action: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
    }


def identities(version: int) -> dict[str, Any]:
    first = version == 1
    role: dict[str, Any] = {
        "AssumeRolePolicyDocument": TRUST if first else json.dumps(TRUST),
        "Path": "/service/",
        "MaxSessionDuration": 3600 if first else 7200,
        "Tags": [{"Key": "v", "Value": str(version)}],
        "ManagedPolicyArns": [BASIC, {"Ref": "Managed"}] if first else [DYNAMODB],
        "Policies": [
            {"PolicyName": "logs", "PolicyDocument": ALLOW_LOGS},
            {"PolicyName": "first" if first else "second", "PolicyDocument": document("s3:*")},
        ],
    }
    if first:
        role["Description"] = "first"
        role["PermissionsBoundary"] = {"Ref": "Managed"}
    return {
        "Resources": {
            "User": {"Type": "AWS::IAM::User", "Properties": {"UserName": "someone"}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": role},
            "Managed": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "Description": "in the stack",
                    "PolicyDocument": document(f"sqs:Action{version}"),
                    "Users": [{"Ref": "User"}],
                },
            },
            "Inline": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "inline" if first else "renamed",
                    "PolicyDocument": document("sns:*"),
                    "Roles": [{"Ref": "Role"}],
                    "Users": [{"Ref": "User"}] if first else [],
                },
            },
        },
        "Outputs": {
            "RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}},
            "RoleId": {"Value": {"Fn::GetAtt": ["Role", "RoleId"]}},
            "UserArn": {"Value": {"Fn::GetAtt": ["User", "Arn"]}},
            "PolicyArn": {"Value": {"Ref": "Managed"}},
        },
    }


def test_roles_policies_and_managed_policies_through_their_lifecycle(cloud: Cloud):
    named = ["CAPABILITY_NAMED_IAM"]
    cloud.create("people", identities(1), Capabilities=named)
    cloud.wait("people", "stack_create_complete")
    ids = cloud.physical_ids("people")
    role = cloud.iam.get_role(RoleName=ids["Role"])["Role"]
    assert (role["Path"], role["Description"]) == ("/service/", "first")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == ids["Managed"]
    outputs = cloud.outputs("people")
    assert (outputs["RoleArn"], outputs["RoleId"]) == (role["Arn"], role["RoleId"])
    assert outputs["UserArn"] == "arn:aws:iam::123456789012:user/someone"
    attached = cloud.iam.list_attached_role_policies(RoleName=ids["Role"])["AttachedPolicies"]
    assert sorted(p["PolicyArn"] for p in attached) == sorted([BASIC, ids["Managed"]])
    inline = cloud.iam.list_role_policies(RoleName=ids["Role"])["PolicyNames"]
    assert sorted(inline) == ["first", "inline", "logs"]
    assert cloud.iam.list_user_policies(UserName="someone")["PolicyNames"] == ["inline"]
    managed = cloud.iam.get_policy(PolicyArn=ids["Managed"])["Policy"]
    assert (managed["Description"], managed["AttachmentCount"]) == ("in the stack", 2)

    for version in (2, 3, 4, 5, 6):
        cloud.update("people", identities(version), Capabilities=named)
        cloud.wait("people", "stack_update_complete")
    role = cloud.iam.get_role(RoleName=ids["Role"])["Role"]
    assert (role.get("Description", ""), role["MaxSessionDuration"]) == ("", 7200)
    assert "PermissionsBoundary" not in role
    attached = cloud.iam.list_attached_role_policies(RoleName=ids["Role"])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [DYNAMODB]
    inline = cloud.iam.list_role_policies(RoleName=ids["Role"])["PolicyNames"]
    assert sorted(inline) == ["logs", "renamed", "second"]
    assert cloud.iam.list_user_policies(UserName="someone")["PolicyNames"] == []
    versions = cloud.iam.list_policy_versions(PolicyArn=ids["Managed"])["Versions"]
    default = next(v for v in versions if v["IsDefaultVersion"])
    text = cloud.iam.get_policy_version(PolicyArn=ids["Managed"], VersionId=default["VersionId"])
    assert text["PolicyVersion"]["Document"]["Statement"][0]["Action"] == "sqs:Action6"
    assert len(versions) == 5

    cloud.cfn.delete_stack(StackName="people")
    cloud.wait("people", "stack_delete_complete")
    assert cloud.iam.list_roles()["Roles"] == []
    assert cloud.iam.list_users()["Users"] == []
    assert cloud.iam.list_policies(Scope="Local")["Policies"] == []


def test_a_managed_policy_attached_to_a_missing_role_fails_and_leaves_nothing(cloud: Cloud):
    template = {
        "Resources": {
            "Managed": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"PolicyDocument": document("s3:*"), "Roles": ["no-such-role"]},
            }
        }
    }
    cloud.create("dangling", template)
    assert cloud.settle("dangling")["StackStatus"] == "ROLLBACK_COMPLETE"
    status, reason = cloud.resource_events("dangling", "Managed")[1]
    assert status == "CREATE_FAILED"
    assert "HandlerErrorCode: NotFound" in reason
    assert cloud.iam.list_policies(Scope="Local")["Policies"] == []
