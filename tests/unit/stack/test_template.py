"""The template's hash as a stack output, its capabilities, its retained resources."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from slam.cloudformation import build_template
from slam.remote import Stack
from slam.stack.template import (
    deployed_template_sha256,
    required_capabilities,
    retained_resources,
    template_sha256,
    with_template_hash,
)

from .conftest import STACK_ID, MakeConfig

TEMPLATE: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {"Group": {"Type": "AWS::Logs::LogGroup"}},
    "Outputs": {"Name": {"Value": {"Ref": "Group"}}},
}


def canonical_sha256(template: dict[str, Any]) -> str:
    text = json.dumps(template, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_hash_is_of_canonical_json_whatever_the_key_order():
    reordered = dict(reversed(list(TEMPLATE.items())))
    assert template_sha256(TEMPLATE) == template_sha256(reordered) == canonical_sha256(TEMPLATE)
    changed = {**TEMPLATE, "Resources": {"Group": {"Type": "AWS::Logs::LogGroup", "X": 1}}}
    assert template_sha256(changed) != template_sha256(TEMPLATE)


def test_the_hash_becomes_an_output_and_leaves_itself_out():
    stamped = with_template_hash(TEMPLATE)
    digest = canonical_sha256(TEMPLATE)
    assert stamped == {
        **TEMPLATE,
        "Outputs": {
            "Name": {"Value": {"Ref": "Group"}},
            "SlamTemplateSha256": {
                "Description": "The SHA-256 of this template without this output, for slam.",
                "Value": digest,
            },
        },
    }
    assert template_sha256(stamped) == digest
    assert with_template_hash(stamped) == stamped
    assert TEMPLATE["Outputs"] == {"Name": {"Value": {"Ref": "Group"}}}  # not changed


def test_a_template_without_outputs_gets_one():
    bare = {"Resources": {"Group": {"Type": "AWS::Logs::LogGroup"}}}
    stamped = with_template_hash(bare)
    assert list(stamped["Outputs"]) == ["SlamTemplateSha256"]
    assert template_sha256(stamped) == template_sha256(bare) == canonical_sha256(bare)


def test_the_deployed_hash_is_read_from_the_stack_outputs():
    stamped = with_template_hash(TEMPLATE)
    value = stamped["Outputs"]["SlamTemplateSha256"]["Value"]
    stack = Stack(STACK_ID, "tasks-api", "UPDATE_COMPLETE", outputs={"SlamTemplateSha256": value})
    assert deployed_template_sha256(stack) == template_sha256(TEMPLATE)
    assert deployed_template_sha256(Stack(STACK_ID, "tasks-api", "CREATE_COMPLETE")) is None


def resources(**definitions: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": definitions}


def test_slams_own_template_needs_capability_iam(make_config: MakeConfig):
    template = build_template(make_config("wsgi: {log_stages: [prod]}\n"))
    assert required_capabilities(template) == ("CAPABILITY_IAM",)


def test_capabilities_of_iam_resources():
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
    named_role = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "tasks-api-role"}}
    named_policy = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"ManagedPolicyName": "p"}}
    inline_policy = {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "dynamodb"}}
    group = {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "deployers"}}
    profile = {"Type": "AWS::IAM::InstanceProfile", "Properties": {"InstanceProfileName": "x"}}
    user = {"Type": "AWS::IAM::User", "Properties": {"UserName": "ci"}}
    assert required_capabilities(resources(Logs={"Type": "AWS::Logs::LogGroup"})) == ()
    assert required_capabilities(resources(Role=role, Policy=inline_policy)) == ("CAPABILITY_IAM",)
    for named in (named_role, named_policy, group, profile, user):
        assert required_capabilities(resources(Role=role, Named=named)) == ("CAPABILITY_NAMED_IAM",)


def test_capabilities_of_macros_and_nested_stacks():
    logs = {"Type": "AWS::Logs::LogGroup"}
    transformed = {"Transform": "AWS::Serverless-2016-10-31", **resources(Logs=logs)}
    snippet = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {}}},
    }
    macro = {"Type": "AWS::CloudFormation::Macro", "Properties": {"Name": "Upper"}}
    nested = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "https://x"}}
    assert required_capabilities(transformed) == ("CAPABILITY_AUTO_EXPAND",)
    assert required_capabilities(resources(Logs=snippet)) == ("CAPABILITY_AUTO_EXPAND",)
    assert required_capabilities(resources(Macro=macro)) == ("CAPABILITY_AUTO_EXPAND",)
    assert required_capabilities(resources(Nested=nested)) == (
        "CAPABILITY_NAMED_IAM",
        "CAPABILITY_AUTO_EXPAND",
    )
    listed = resources(Logs={"Type": "AWS::Logs::LogGroup", "Tags": [{"Fn::Transform": {}}]})
    assert required_capabilities(listed) == ("CAPABILITY_AUTO_EXPAND",)


def test_retained_resources_are_those_cloudformation_keeps(make_config: MakeConfig):
    tables = (
        "dynamodb_tables:\n"
        "  tasks: {attributes: {id: S}, key: id, retain: true}\n"
        "  cache: {attributes: {id: S}, key: id}\n"
    )
    template = build_template(make_config(tables))
    assert retained_resources(template) == {
        "FunctionLogGroup",  # for slam delete --no-logs
        "DevTasksTable",
        "StagingTasksTable",
        "ProdTasksTable",
    }
    kept = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "RetainExceptOnCreate"}
    snapshot = {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot"}
    assert retained_resources(resources(Kept=kept, Snapshot=snapshot)) == {"Kept"}
