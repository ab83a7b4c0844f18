"""AWS::Lambda::* resources: what Lambda holds after each create, update and delete."""

from __future__ import annotations

import json
from typing import Any

from .conftest import BUCKET, Cloud

ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    },
}


def functions(first: dict[str, Any], alias: dict[str, Any]) -> dict[str, Any]:
    return {
        "Parameters": {"Timeout": {"Type": "Number", "Default": 7}},
        "Resources": {
            "Role": ROLE,
            "Function": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Timeout": {"Ref": "Timeout"},
                    **first,
                },
            },
            "Version": {
                "Type": "AWS::Lambda::Version",
                "Properties": {"FunctionName": {"Ref": "Function"}, "Description": "first"},
            },
            "Alias": {
                "Type": "AWS::Lambda::Alias",
                "Properties": {
                    "FunctionName": {"Ref": "Function"},
                    "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]},
                    "Name": "live",
                    **alias,
                },
            },
            "Permission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Fn::GetAtt": ["Function", "Arn"]},
                    "Action": "lambda:InvokeFunction",
                    "Principal": "s3.amazonaws.com",
                    "SourceAccount": {"Ref": "AWS::AccountId"},
                },
            },
            "AliasPermission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Fn::Sub": "${Function}:live"},
                    "Action": "lambda:InvokeFunction",
                    "Principal": "events.amazonaws.com",
                },
                "DependsOn": "Alias",
            },
        },
        "Outputs": {
            "Version": {"Value": {"Fn::GetAtt": ["Version", "Version"]}},
            "VersionArn": {"Value": {"Ref": "Version"}},
            "FunctionOfVersion": {"Value": {"Fn::GetAtt": ["Version", "FunctionArn"]}},
            "AliasArn": {"Value": {"Fn::GetAtt": ["Alias", "AliasArn"]}},
        },
    }


INLINE = {
    "Code": {"ZipFile": "def handler(event, context):\n    return 'inline'\n"},
    "Environment": {"Variables": {"MODE": "first"}},
    "Tags": [{"Key": "team", "Value": "one"}],
    "ReservedConcurrentExecutions": 5,
    "Description": "described",
}
ROUTED = {
    "Description": "routed",
    "RoutingConfig": {
        "AdditionalVersionWeights": [{"FunctionVersion": "1", "FunctionWeight": 0.5}]
    },
}


def test_functions_versions_aliases_and_permissions_through_their_lifecycle(cloud: Cloud):
    cloud.create("lambdas", functions(INLINE, {}))
    cloud.wait("lambdas", "stack_create_complete")
    ids = cloud.physical_ids("lambdas")
    name = ids["Function"]
    function = cloud.lam.get_function(FunctionName=name)
    configuration = function["Configuration"]
    assert (configuration["Timeout"], configuration["Description"]) == (7, "described")
    assert configuration["Environment"]["Variables"] == {"MODE": "first"}
    assert function["Tags"] == {"team": "one"}
    assert function["Concurrency"]["ReservedConcurrentExecutions"] == 5
    outputs = cloud.outputs("lambdas")
    assert outputs["Version"] == "1"
    assert outputs["VersionArn"] == f"{configuration['FunctionArn']}:1" == ids["Version"]
    assert outputs["FunctionOfVersion"] == configuration["FunctionArn"]
    assert outputs["AliasArn"] == ids["Alias"] == f"{configuration['FunctionArn']}:live"
    policy = json.loads(cloud.lam.get_policy(FunctionName=name)["Policy"])
    principals = {s["Sid"]: s["Principal"]["Service"] for s in policy["Statement"]}
    assert principals == {
        ids["Permission"]: "s3.amazonaws.com",
        ids["AliasPermission"]: "events.amazonaws.com",
    }
    live = json.loads(cloud.lam.get_policy(FunctionName=name, Qualifier="live")["Policy"])
    assert any(s["Resource"].endswith(":live") for s in live["Statement"])

    key = cloud.upload("two.zip", "two")
    updated = {
        "Code": {"S3Bucket": BUCKET, "S3Key": key},
        "Architectures": ["arm64"],
        "Tags": [{"Key": "owner", "Value": "two"}],
    }
    cloud.update(
        "lambdas",
        functions(updated, ROUTED),
        Parameters=[{"ParameterKey": "Timeout", "ParameterValue": "9"}],
    )
    cloud.wait("lambdas", "stack_update_complete")
    function = cloud.lam.get_function(FunctionName=name)
    configuration = function["Configuration"]
    assert (configuration["Timeout"], configuration["Description"]) == (9, "")
    assert configuration.get("Environment", {}).get("Variables", {}) == {}
    assert function["Tags"] == {"owner": "two"}
    assert "ReservedConcurrentExecutions" not in function.get("Concurrency", {})
    alias = cloud.lam.get_alias(FunctionName=name, Name="live")
    assert (alias["Description"], alias["RoutingConfig"]["AdditionalVersionWeights"]) == (
        "routed",
        {"1": 0.5},
    )

    cloud.update("lambdas", functions(updated, {}))
    cloud.wait("lambdas", "stack_update_complete")
    alias = cloud.lam.get_alias(FunctionName=name, Name="live")
    assert alias["Description"] == ""

    cloud.cfn.delete_stack(StackName="lambdas")
    cloud.wait("lambdas", "stack_delete_complete")
    assert cloud.lam.list_functions()["Functions"] == []


def test_a_new_version_resource_snapshots_the_updated_code(cloud: Cloud):
    def template(key: str, version: str) -> dict[str, Any]:
        document = functions({"Code": {"S3Bucket": BUCKET, "S3Key": key}}, {})
        document["Resources"][version] = document["Resources"].pop("Version")
        for output in document["Outputs"].values():
            argument = output["Value"].get("Fn::GetAtt") or [None]
            if argument[0] == "Version":
                argument[0] = version
        document["Outputs"]["VersionArn"]["Value"] = {"Ref": version}
        document["Resources"]["Alias"]["Properties"]["FunctionVersion"] = {
            "Fn::GetAtt": [version, "Version"]
        }
        return document

    cloud.create("versions", template(cloud.upload(), "VersionOne"))
    cloud.wait("versions", "stack_create_complete")
    cloud.update("versions", template(cloud.upload("two.zip", "two"), "VersionTwo"))
    cloud.wait("versions", "stack_update_complete")

    name = cloud.physical_ids("versions")["Function"]
    versions = cloud.lam.list_versions_by_function(FunctionName=name)["Versions"]
    codes = {v["Version"]: v["CodeSha256"] for v in versions}
    assert sorted(codes) == ["$LATEST", "2"]
    assert codes["2"] == codes["$LATEST"]
    assert cloud.lam.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "2"
    assert cloud.outputs("versions")["Version"] == "2"
