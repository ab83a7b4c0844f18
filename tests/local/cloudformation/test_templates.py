"""Template bodies and URLs, intrinsic functions, parameters, and the errors for bad ones."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from slam.cli import main

from .conftest import Cloud

INTRINSICS = """\
AWSTemplateFormatVersion: 2010-09-09
Description: every function
Parameters:
  Names: {Type: CommaDelimitedList, Default: "alpha,beta,gamma"}
  Size: {Type: Number, Default: 3, MinValue: 1, MaxValue: 10}
  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Secret: {Type: String, Default: hidden, NoEcho: true}
Mappings:
  Sizes:
    dev: {days: 7}
    prod: {days: 30}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Not [!Condition IsDev]
  Both: !And [!Condition IsDev, !Or [!Equals [!Ref Size, 3], !Condition IsProd]]
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub
        - "/${AWS::StackName}/${First}/${Stage}"
        - First: !Select [0, !Ref Names]
      RetentionInDays: !FindInMap [Sizes, !Ref Stage, days]
  Second:
    Type: AWS::Logs::LogGroup
    DependsOn: Group
    Properties:
      LogGroupName: !Join ["-", [second, !Select [1, !Split [",", "a,b,c"]]]]
      RetentionInDays: !If [IsProd, 14, !Ref "AWS::NoValue"]
Outputs:
  Group: {Value: !Ref Group, Export: {Name: !Sub "${AWS::StackName}-group"}}
  Arn: {Value: !GetAtt Group.Arn}
  ListArn: {Value: !GetAtt [Second, Arn]}
  Pseudo:
    Value: !Sub "${AWS::AccountId}/${AWS::Region}/${AWS::Partition}/${AWS::URLSuffix}"
  Id: {Value: !Ref "AWS::StackId"}
  Names: {Value: !Join [":", !Ref Names]}
  Literal: {Value: !Sub "${!Literal}-${Stage}"}
  Encoded: {Value: !Base64 "hello"}
  Zones: {Value: !Join [",", !GetAZs ""]}
  Both: {Condition: Both, Value: !If [Both, "yes", "no"]}
  Count: {Value: !Ref Size}
  Notifications: {Value: !Join [",", !Ref "AWS::NotificationARNs"]}
"""


def test_yaml_short_forms_and_every_intrinsic_function_resolve(cloud: Cloud):
    stack_id = cloud.create("every", INTRINSICS)
    cloud.wait("every", "stack_create_complete")

    outputs = cloud.outputs("every")
    groups = {g["logGroupName"]: g for g in cloud.logs.describe_log_groups()["logGroups"]}
    assert groups["/every/alpha/dev"]["retentionInDays"] == 7
    assert "retentionInDays" not in groups["second-b"]
    assert outputs == {
        "Group": "/every/alpha/dev",
        "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:/every/alpha/dev:*",
        "ListArn": "arn:aws:logs:us-east-1:123456789012:log-group:second-b:*",
        "Pseudo": "123456789012/us-east-1/aws/amazonaws.com",
        "Id": stack_id,
        "Names": "alpha:beta:gamma",
        "Literal": "${Literal}-dev",
        "Encoded": base64.b64encode(b"hello").decode(),
        "Zones": "us-east-1a,us-east-1b,us-east-1c",
        "Both": "yes",
        "Count": "3",
        "Notifications": "",
    }
    stack = cloud.cfn.describe_stacks(StackName="every")["Stacks"][0]
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}["Secret"] == "****"
    assert stack["Description"] == "every function"
    assert cloud.cfn.get_template(StackName="every")["TemplateBody"] == INTRINSICS
    exports = cloud.cfn.list_exports()["Exports"]
    assert exports == [
        {"ExportingStackId": stack_id, "Name": "every-group", "Value": "/every/alpha/dev"}
    ]

    importer = {
        "Resources": {
            "Imported": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": {
                        "Fn::Sub": ["${Name}-copy", {"Name": {"Fn::ImportValue": "every-group"}}]
                    }
                },
            }
        }
    }
    cloud.create("importer", importer)
    cloud.wait("importer", "stack_create_complete")
    assert cloud.physical_ids("importer")["Imported"] == "/every/alpha/dev-copy"

    cloud.update(
        "every", INTRINSICS, Parameters=[{"ParameterKey": "Stage", "ParameterValue": "prod"}]
    )
    cloud.wait("every", "stack_update_complete")
    outputs = cloud.outputs("every")
    assert outputs["Group"] == "/every/alpha/prod"
    assert "Both" not in outputs


def test_a_slam_template_as_yaml(cloud: Cloud):
    cloud.example("fizzbuzz")  # writes the project's slam.yaml
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        slam_yaml = str(cloud.tmp_path / "fizzbuzz" / "slam.yaml")
        assert main(["-c", slam_yaml, "template", "--format", "yaml"]) == 0
    cloud.create("fizzbuzz", output.getvalue(), Parameters=cloud.code(cloud.upload()))
    cloud.wait("fizzbuzz", "stack_create_complete")
    assert cloud.cfn.get_template(StackName="fizzbuzz")["TemplateBody"] == output.getvalue()


def test_template_urls_point_at_the_local_s3(cloud: Cloud):
    cloud.s3.create_bucket(Bucket="templates-1234")
    body = json.dumps({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}})
    cloud.s3.put_object(Bucket="templates-1234", Key="path/to/template.json", Body=body.encode())

    url = f"{cloud.aws.url}/templates-1234/path/to/template.json"
    cloud.cfn.create_stack(StackName="from-url", TemplateURL=url)
    cloud.wait("from-url", "stack_create_complete")
    hosted = "https://templates-1234.s3.amazonaws.com/path/to/template.json"
    summary = cloud.cfn.get_template_summary(TemplateURL=hosted)
    assert summary["ResourceTypes"] == ["AWS::Logs::LogGroup"]
    with pytest.raises(ClientError, match="TemplateURL must reference a valid S3 object"):
        cloud.cfn.create_stack(StackName="nowhere", TemplateURL=f"{cloud.aws.url}/templates-1234/x")


def test_a_template_from_s3_may_be_larger_than_a_request_body(cloud: Cloud):
    cloud.s3.create_bucket(Bucket="templates-1234")
    body = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}, "Description": "x" * 60000}
    cloud.s3.put_object(Bucket="templates-1234", Key="big.json", Body=json.dumps(body).encode())
    cloud.cfn.create_stack(StackName="big", TemplateURL=f"{cloud.aws.url}/templates-1234/big.json")
    cloud.wait("big", "stack_create_complete")
    body["Description"] = "x" * 1_100_000
    cloud.s3.put_object(Bucket="templates-1234", Key="huge.json", Body=json.dumps(body).encode())
    with pytest.raises(ClientError, match="Template may not exceed 1048576 bytes in size"):
        cloud.cfn.create_stack(
            StackName="huge", TemplateURL=f"{cloud.aws.url}/templates-1234/huge.json"
        )


def template_error(cloud: Cloud, body: str | dict[str, Any], **options: Any) -> str:
    text = body if isinstance(body, str) else json.dumps(body)
    with pytest.raises(ClientError) as error:
        cloud.cfn.create_stack(StackName="refused", TemplateBody=text, **options)
    assert error.value.response["Error"]["Code"] == "ValidationError"
    return str(error.value.response["Error"]["Message"])


LOGS = {"Type": "AWS::Logs::LogGroup"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"Resources": ', "Template format error: JSON not well-formed. (line 1,  column 15)"),
        ("Resources: [", "Template format error: YAML not well-formed. (line 1, column 13)"),
        ("[1, 2]", "Template format error: unsupported structure."),
        (
            {"Resources": {}},
            "Template format error: At least one Resources member must be defined.",
        ),
        (
            {"Resources": {"A": LOGS}, "Extra": 1},
            "Template format error: Invalid template property or properties [Extra]",
        ),
        (
            {"Resources": {"A": {"Properties": {}}}},
            "Template format error: [/Resources/A] Every Resources object must contain a Type "
            "member.",
        ),
        (
            {"Resources": {"A-B": LOGS}},
            "Template format error: Resource name A-B is non alphanumeric.",
        ),
        (
            {"Resources": {"A": {**LOGS, "Condtion": "x"}}},
            "Template format error: Invalid template resource property 'Condtion'",
        ),
        (
            {"Resources": {"A": {"Type": "AWS::Nothing::Here"}}},
            "Template format error: Unrecognized resource types: [AWS::Nothing::Here]",
        ),
        (
            {"Resources": {"A": {**LOGS, "Properties": {"LogGroupName": {"Ref": "B"}}}}},
            "Template format error: Unresolved resource dependencies [B] in the Resources block "
            "of the template",
        ),
        (
            {"Resources": {"A": {**LOGS, "DependsOn": ["C"]}}},
            "Template format error: Unresolved resource dependencies [C] in the Resources block "
            "of the template",
        ),
        (
            {"Resources": {"A": LOGS}, "Outputs": {"O": {"Value": {"Fn::Sub": "${D.Arn}"}}}},
            "Template format error: Unresolved resource dependencies [D] in the Outputs block of "
            "the template",
        ),
        (
            {"Resources": {"A": {**LOGS, "DependsOn": "B"}, "B": {**LOGS, "DependsOn": "A"}}},
            "Circular dependency between resources: [A, B]",
        ),
        (
            {"Resources": {"A": LOGS}, "Outputs": {"O": {"Value": {"Fn::GetAtt": "A.Nope"}}}},
            "Template error: resource A does not support attribute type Nope in Fn::GetAtt",
        ),
        (
            {"Resources": {"A": {**LOGS, "Condition": "Missing"}}},
            "Template format error: Unresolved condition dependency Missing",
        ),
        (
            {"Resources": {"A": LOGS}, "Outputs": {"O": {"Value": {"Fn::If": ["Gone", 1, 2]}}}},
            "Template format error: Unresolved condition dependency Gone",
        ),
        (
            {"Parameters": {"A": {"Type": "String"}}, "Resources": {"A": LOGS}},
            "Template format error: Parameters and Resources share the logical IDs [A]",
        ),
    ],
)
def test_templates_cloudformation_refuses(cloud: Cloud, body: Any, message: str):
    assert template_error(cloud, body) == message


def test_template_bodies_that_are_missing_or_too_big_are_refused(cloud: Cloud):
    with pytest.raises(ClientError, match="Either Template URL or Template Body must be specified"):
        cloud.cfn.create_stack(StackName="empty")
    big = {"Resources": {"A": LOGS}, "Description": "x" * 60000}
    assert "Member must have length less than or equal to 51200" in template_error(cloud, big)
    with pytest.raises(ClientError, match="UsePreviousTemplate can only be used"):
        cloud.cfn.create_change_set(
            StackName="previous",
            ChangeSetName="previous",
            ChangeSetType="CREATE",
            UsePreviousTemplate=True,
        )


PARAMETERS = {
    "Parameters": {
        "Name": {"Type": "String", "AllowedPattern": "[a-z]+", "MinLength": 2, "MaxLength": 5},
        "Count": {"Type": "Number", "MinValue": 1, "MaxValue": 3},
    },
    "Resources": {"A": LOGS},
}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Name": "ok"}, "Parameters: [Count] must have values"),
        (
            {"Name": "ok", "Count": "1", "Other": "x"},
            "Parameters: [Other] do not exist in the template",
        ),
        ({"Name": "OK", "Count": "1"}, "Parameter 'Name' must match pattern [a-z]+"),
        ({"Name": "a", "Count": "1"}, "Parameter 'Name' must contain at least 2 characters"),
        ({"Name": "abcdef", "Count": "1"}, "Parameter 'Name' must contain at most 5 characters"),
        ({"Name": "ok", "Count": "one"}, "Parameter 'Count' must be a number"),
        ({"Name": "ok", "Count": "0"}, "Parameter 'Count' must be a number not less than 1"),
        ({"Name": "ok", "Count": "4"}, "Parameter 'Count' must be a number not greater than 3"),
    ],
)
def test_parameter_values_cloudformation_refuses(
    cloud: Cloud, values: dict[str, str], message: str
):
    parameters = [{"ParameterKey": key, "ParameterValue": value} for key, value in values.items()]
    assert template_error(cloud, PARAMETERS, Parameters=parameters) == message


def test_use_previous_value_needs_a_previous_value(cloud: Cloud):
    message = template_error(
        cloud, PARAMETERS, Parameters=[{"ParameterKey": "Name", "UsePreviousValue": True}]
    )
    assert message.startswith("Invalid input for parameter key Name.")


def test_validate_template_reports_parameters_without_linting(cloud: Cloud):
    template = {
        "Description": "unused parameter is fine",
        "Parameters": {"Unused": {"Type": "String", "Default": "x", "Description": "never used"}},
        "Resources": {"A": LOGS},
    }
    answer = cloud.cfn.validate_template(TemplateBody=json.dumps(template))
    assert answer["Parameters"] == [
        {
            "ParameterKey": "Unused",
            "DefaultValue": "x",
            "NoEcho": False,
            "Description": "never used",
        }
    ]
    assert answer["Description"] == "unused parameter is fine"
    with pytest.raises(ClientError, match=re.escape("Unrecognized resource types: [AWS::X::Y]")):
        cloud.cfn.validate_template(
            TemplateBody=json.dumps({"Resources": {"A": {"Type": "AWS::X::Y"}}})
        )

    cloud.create("summarised", template)
    summary = cloud.cfn.get_template_summary(StackName="summarised")
    assert summary["Parameters"][0]["ParameterType"] == "String"
    assert "Version" not in summary
    with pytest.raises(ClientError, match="Either StackName or TemplateBody or TemplateURL"):
        cloud.cfn.get_template_summary()
