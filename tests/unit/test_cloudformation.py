"""The stack template for each kind of project: whole-dict assertions, then cfn-lint."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cfnlint.api import lint

from slam.cloudformation import (
    API_GATEWAY_LOGGING_STACK,
    api_gateway_logging_template,
    build_template,
    merge,
    template_json,
    template_yaml,
)
from slam.config import Config, config_from_text
from slam.errors import SlamError
from slam.plugins import load_plugins
from slam.schema import ConfigError

Edit = Callable[[str], str]


def replace(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def edits(*steps: Edit) -> Edit:
    def edit(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return edit


TABLES_SECTION = """dynamodb_tables:
  tasks:
    attributes: {id: S, created: N, owner: S, done: BOOL}
    key: [id, created]
    read_throughput: 2
    write_throughput: 3
    local_secondary_indexes:
      by_owner: {key: [id, owner], project: [title]}
    global_secondary_indexes:
      owners: {key: owner, project: all, read_throughput: 1, write_throughput: 1}
  tasks_old:
    attributes: {id: S, owner: S}
    key: id
    global_secondary_indexes:
      owners_old: {key: owner}
    retain: true
"""


def TASKS_TABLES(text: str) -> str:
    """Replace init's dynamodb_tables section with one using every table feature."""
    return text[: text.index("dynamodb_tables:")] + TABLES_SECTION


TASKS_API = (
    "tasks_api:app",
    "--wsgi",
    "--stages",
    "dev,staging,prod",
    "--dynamodb-tables",
    "tasks",
)
LOG_DEV = replace("  log_stages:\n", "  log_stages: [dev]\n")
VPC = edits(
    replace("lambda_security_groups:", "lambda_security_groups: [sg-0123abcd]"),
    replace("lambda_subnet_ids:", "lambda_subnet_ids: [subnet-0123abcd, subnet-1123abcd]"),
)
POLICIES = edits(
    replace(
        "  lambda_managed_policies:\n",
        "  lambda_managed_policies:\n    - AWSLambdaDynamoDBExecutionRole\n"
        "    - AmazonS3ReadOnlyAccess\n    - AWSXRayDaemonWriteAccess\n"
        "    - arn:aws:iam::123456789012:policy/team-policy\n",
    ),
    replace(
        "  lambda_inline_policies:\n",
        "  lambda_inline_policies:\n    read-uploads:\n      Version: '2012-10-17'\n"
        "      Statement:\n        - Effect: Allow\n          Action: s3:GetObject\n"
        "          Resource: arn:aws:s3:::uploads/*\n",
    ),
)
EXTRAS = edits(
    replace(
        "  cfn_resources:\n",
        "  cfn_resources:\n    Queue:\n      Type: AWS::SQS::Queue\n",
    ),
    replace(
        "  cfn_outputs:\n",
        "  cfn_outputs:\n    QueueUrl:\n      Value: {Ref: Queue}\n",
    ),
)

CONFIGURATIONS: dict[str, tuple[tuple[str, ...], Edit | None]] = {
    "fizzbuzz": (("fizzbuzz:fizzbuzz",), None),
    "tasks_api": (TASKS_API, edits(TASKS_TABLES, LOG_DEV)),
    "vpc": (("fizzbuzz:fizzbuzz",), VPC),
    "policies": (("fizzbuzz:fizzbuzz",), POLICIES),
    "cfn_extras": (("fizzbuzz:fizzbuzz",), EXTRAS),
    "arm64": (("fizzbuzz:fizzbuzz", "--architecture", "arm64"), None),
    "no_api_gateway": (("app:app", "--wsgi", "--no-api-gateway"), None),
    "hyphenated_stage": (
        ("app:app", "--wsgi", "--stages", "my-stage,prod_2"),
        replace("  log_stages:\n", "  log_stages: [my-stage]\n"),
    ),
}


def resources(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_fizzbuzz_default(make_config: Callable[..., Config]):
    config = make_config("fizzbuzz:fizzbuzz")
    template = build_template(config)
    assert list(template) == [
        "AWSTemplateFormatVersion",
        "Description",
        "Parameters",
        "Resources",
        "Outputs",
    ]
    assert template["Description"] == "fizzbuzz, deployed by slam"
    assert template["Parameters"] == {
        "LambdaS3Bucket": {
            "Type": "String",
            "Description": "The S3 bucket that holds the Lambda package.",
        },
        "LambdaS3Key": {"Type": "String", "Description": "The S3 key of the Lambda package."},
        "DevVersion": {
            "Type": "String",
            "Default": "$LATEST",
            "Description": "The function version the dev stage runs.",
        },
    }
    assert template["Resources"] == {
        "FunctionRole": {
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
                },
                "ManagedPolicyArns": [
                    {
                        "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                        "AWSLambdaBasicExecutionRole"
                    }
                ],
            },
        },
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Description": "fizzbuzz, deployed by slam",
                "Code": {"S3Bucket": {"Ref": "LambdaS3Bucket"}, "S3Key": {"Ref": "LambdaS3Key"}},
                "Handler": "slam_runtime.handler.handler",
                "Runtime": config.aws.lambda_runtime,
                "Architectures": ["x86_64"],
                "Timeout": 10,
                "MemorySize": 128,
                "Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
            },
        },
        "FunctionLogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",  # slam delete --no-logs keeps it
            "UpdateReplacePolicy": "Retain",
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Function}"}},
        },
        "DevAlias": {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": "Function"},
                "FunctionVersion": {"Ref": "DevVersion"},
                "Name": "dev",
            },
        },
    }
    assert template["Outputs"] == {
        "FunctionName": {
            "Description": "The name of the Lambda function.",
            "Value": {"Ref": "Function"},
        },
        "FunctionArn": {
            "Description": "The ARN of the Lambda function.",
            "Value": {"Fn::GetAtt": ["Function", "Arn"]},
        },
    }


def test_environment_becomes_function_variables(make_config: Callable[..., Config]):
    config = make_config(
        "fizzbuzz:fizzbuzz", edit=replace("environment:\n", "environment:\n  IN_LAMBDA: '1'\n")
    )
    function = build_template(config)["Resources"]["Function"]["Properties"]
    assert function["Environment"] == {"Variables": {"IN_LAMBDA": "1"}}


def test_tasks_api_api_gateway(make_config: Callable[..., Config]):
    template = build_template(make_config(*TASKS_API, edit=edits(TASKS_TABLES, LOG_DEV)))
    res = template["Resources"]
    assert res["Api"] == {
        "Type": "AWS::ApiGateway::RestApi",
        "Properties": {
            "Name": "tasks-api",
            "Description": "tasks-api, deployed by slam",
            "BinaryMediaTypes": ["*/*"],
        },
    }
    integration = {
        "Type": "AWS_PROXY",
        "IntegrationHttpMethod": "POST",
        "Uri": {
            "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
            "functions/${Function.Arn}:${!stageVariables.STAGE}/invocations"
        },
    }
    assert res["ApiRootMethod"]["Properties"] == {
        "RestApiId": {"Ref": "Api"},
        "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
        "HttpMethod": "ANY",
        "AuthorizationType": "NONE",
        "Integration": integration,
    }
    assert res["ApiProxyMethod"]["Properties"]["ResourceId"] == {"Ref": "ApiProxyResource"}
    assert res["ApiProxyMethod"]["Properties"]["Integration"] == integration
    assert res["ApiProxyResource"]["Properties"]["PathPart"] == "{proxy+}"
    assert res["StagingApiStage"] == {
        "Type": "AWS::ApiGateway::Stage",
        "Properties": {
            "RestApiId": {"Ref": "Api"},
            "DeploymentId": {"Ref": "StagingApiDeployment"},
            "StageName": "staging",
            "Variables": {"STAGE": "staging"},
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "LoggingLevel": "ERROR",
                    "DataTraceEnabled": False,
                    "MetricsEnabled": False,
                }
            ],
        },
    }
    assert res["DevApiStage"]["Properties"]["MethodSettings"][0]["LoggingLevel"] == "INFO"
    assert res["ProdApiDeployment"]["DependsOn"] == ["ApiRootMethod", "ApiProxyMethod"]
    assert res["ProdApiPermission"]["Properties"] == {
        "FunctionName": {"Ref": "ProdAlias"},
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": {
            "Fn::Sub": [
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${Stage}/*",
                {"Stage": "prod"},
            ]
        },
    }
    assert template["Outputs"]["ApiId"]["Value"] == {"Ref": "Api"}
    assert template["Outputs"]["StagingEndpoint"]["Value"] == {
        "Fn::Sub": [
            "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}",
            {"Stage": "staging"},
        ]
    }
    assert set(resources(template, "AWS::Lambda::Alias")) == {
        "DevAlias",
        "StagingAlias",
        "ProdAlias",
    }


def test_no_logging_means_no_method_settings(make_config: Callable[..., Config]):
    template = build_template(make_config("app:app", "--wsgi"))
    stage = template["Resources"]["DevApiStage"]
    assert "DependsOn" not in stage
    assert "MethodSettings" not in stage["Properties"]


def test_logging_stages_leave_the_account_setting_to_the_shared_stack(
    make_config: Callable[..., Config],
):
    template = build_template(make_config(*TASKS_API, edit=edits(TASKS_TABLES, LOG_DEV)))
    assert resources(template, "AWS::ApiGateway::Account") == {}
    assert set(resources(template, "AWS::IAM::Role")) == {"FunctionRole"}
    stages = resources(template, "AWS::ApiGateway::Stage")
    assert [stage.get("DependsOn") for stage in stages.values()] == [None, None, None]


def test_the_shared_logging_stack_holds_the_role_and_the_account_setting():
    assert API_GATEWAY_LOGGING_STACK == "slam-api-gateway-logging"
    role_arn = {"Fn::GetAtt": ["CloudWatchRole", "Arn"]}
    assert api_gateway_logging_template() == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "API Gateway's CloudWatch Logs role for this account and region, "
        "shared by every API here. Created by slam, which never deletes it.",
        "Resources": {
            "CloudWatchRole": {
                "Type": "AWS::IAM::Role",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "Description": "Lets API Gateway write the execution logs of every API in "
                    "this account and region to CloudWatch Logs.",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "apigateway.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "ManagedPolicyArns": [
                        {
                            "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                            "AmazonAPIGatewayPushToCloudWatchLogs"
                        }
                    ],
                },
            },
            "Account": {
                "Type": "AWS::ApiGateway::Account",
                "Properties": {"CloudWatchRoleArn": role_arn},
            },
        },
        "Outputs": {
            "CloudWatchRoleArn": {
                "Description": "The role API Gateway writes its execution logs through.",
                "Value": role_arn,
            }
        },
    }


def test_cfn_lint_finds_no_errors_in_the_shared_logging_stack():
    findings = lint(template_json(api_gateway_logging_template()))
    assert [f"{m.rule.id} {m.message}" for m in findings] == []


def test_tasks_api_tables(make_config: Callable[..., Config]):
    template = build_template(make_config(*TASKS_API, edit=edits(TASKS_TABLES, LOG_DEV)))
    tables = resources(template, "AWS::DynamoDB::Table")
    assert sorted(tables) == sorted(
        f"{stage}{table}Table"
        for stage in ("Dev", "Staging", "Prod")
        for table in ("Tasks", "TasksOld")
    )
    assert tables["ProdTasksTable"] == {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": "prod.tasks",
            "AttributeDefinitions": [
                {"AttributeName": "created", "AttributeType": "N"},
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "owner", "AttributeType": "S"},
            ],
            "KeySchema": [
                {"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "created", "KeyType": "RANGE"},
            ],
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
            "LocalSecondaryIndexes": [
                {
                    "IndexName": "by_owner",
                    "KeySchema": [
                        {"AttributeName": "id", "KeyType": "HASH"},
                        {"AttributeName": "owner", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
                }
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "owners",
                    "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            ],
        },
    }
    assert tables["DevTasksOldTable"] == {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": "dev.tasks_old",
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "owner", "AttributeType": "S"},
            ],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "owners_old",
                    "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
        },
    }
    assert "DeletionPolicy" not in tables["DevTasksTable"]


def policy_statements(template: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every IAM statement the template grants, from roles and from policy resources."""
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        documents = [p["PolicyDocument"] for p in properties.get("Policies", [])]
        if resource["Type"] == "AWS::IAM::Policy":
            documents.append(properties["PolicyDocument"])
        for document in documents:
            yield from document["Statement"]


def test_dynamodb_access_is_limited_to_the_project_tables(make_config: Callable[..., Config]):
    template = build_template(make_config(*TASKS_API, edit=TASKS_TABLES))
    statements = [
        statement
        for statement in policy_statements(template)
        if any(action.startswith("dynamodb:") for action in statement["Action"])
    ]
    assert len(statements) == 1
    (statement,) = statements
    assert statement["Effect"] == "Allow"
    assert "*" not in json.dumps(statement["Action"])
    tables = set(resources(template, "AWS::DynamoDB::Table"))
    granted = []
    for resource in statement["Resource"]:
        assert resource != "*"
        if "Fn::GetAtt" in resource:
            assert resource["Fn::GetAtt"][0] in tables
            granted.append(resource["Fn::GetAtt"][0])
        else:
            table, index = resource["Fn::Sub"].removeprefix("${").split(".Arn}/index/")
            assert table in tables
            granted.append(f"{table}/{index}")
    assert sorted(granted) == sorted(
        [*tables]
        + [
            f"{stage}TasksTable/{i}"
            for stage in ("Dev", "Staging", "Prod")
            for i in ("by_owner", "owners")
        ]
        + [f"{stage}TasksOldTable/owners_old" for stage in ("Dev", "Staging", "Prod")]
    )
    policy = template["Resources"]["DynamoDbTablesPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "FunctionRole"}]


def test_vpc_settings(make_config: Callable[..., Config]):
    template = build_template(make_config("fizzbuzz:fizzbuzz", edit=VPC))
    function = template["Resources"]["Function"]["Properties"]
    assert function["VpcConfig"] == {
        "SecurityGroupIds": ["sg-0123abcd"],
        "SubnetIds": ["subnet-0123abcd", "subnet-1123abcd"],
    }
    arns = template["Resources"]["FunctionRole"]["Properties"]["ManagedPolicyArns"]
    assert arns[1] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
        "AWSLambdaVPCAccessExecutionRole"
    }


def test_managed_and_inline_policies(make_config: Callable[..., Config]):
    template = build_template(make_config("fizzbuzz:fizzbuzz", edit=POLICIES))
    role = template["Resources"]["FunctionRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole"
        },
        {
            "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
            "AWSLambdaDynamoDBExecutionRole"
        },
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"},
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"},
        "arn:aws:iam::123456789012:policy/team-policy",
    ]
    assert role["Policies"] == [
        {
            "PolicyName": "read-uploads",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::uploads/*",
                    }
                ],
            },
        }
    ]


def test_user_resources_and_outputs_are_merged(make_config: Callable[..., Config]):
    template = build_template(make_config("fizzbuzz:fizzbuzz", edit=EXTRAS))
    assert template["Resources"]["Queue"] == {"Type": "AWS::SQS::Queue"}
    assert template["Outputs"]["QueueUrl"] == {"Value": {"Ref": "Queue"}}
    assert "Function" in template["Resources"]


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (
            replace(
                "  cfn_resources:\n", "  cfn_resources:\n    Function: {Type: AWS::SQS::Queue}\n"
            ),
            "aws.cfn_resources.Function",
        ),
        (
            replace(
                "  cfn_resources:\n", "  cfn_resources:\n    DevVersion: {Type: AWS::SQS::Queue}\n"
            ),
            "aws.cfn_resources.DevVersion",
        ),
        (
            replace("  cfn_outputs:\n", "  cfn_outputs:\n    FunctionArn: {Value: x}\n"),
            "aws.cfn_outputs.FunctionArn",
        ),
    ],
)
def test_user_entries_may_not_replace_slams(
    make_config: Callable[..., Config], edit: Edit, key: str
):
    config = make_config("fizzbuzz:fizzbuzz", edit=edit)
    with pytest.raises(ConfigError) as caught:
        build_template(config)
    assert caught.value.message.startswith(f"slam.yaml: {key}: logical ID")
    assert "already used by slam" in caught.value.message


def test_arm64(make_config: Callable[..., Config]):
    template = build_template(make_config("fizzbuzz:fizzbuzz", "--architecture", "arm64"))
    assert template["Resources"]["Function"]["Properties"]["Architectures"] == ["arm64"]


def test_no_api_gateway(make_config: Callable[..., Config]):
    template = build_template(make_config("app:app", "--wsgi", "--no-api-gateway"))
    assert not [r for r in template["Resources"].values() if "ApiGateway" in r["Type"]]
    assert set(template["Outputs"]) == {"FunctionName", "FunctionArn"}


def test_hyphenated_and_underscored_stage_names(make_config: Callable[..., Config]):
    template = build_template(make_config("app:app", "--wsgi", "--stages", "my-stage,prod_2"))
    assert template["Resources"]["MyStageAlias"]["Properties"]["Name"] == "my-stage"
    assert template["Resources"]["Prod2Alias"]["Properties"]["Name"] == "prod_2"
    assert template["Resources"]["MyStageApiStage"]["Properties"]["StageName"] == "my-stage"
    assert "MyStageEndpoint" in template["Outputs"]
    assert "Prod2Version" in template["Parameters"]


HOSTILE = [
    "quote \" and ' apostrophe",
    "line one\nline two: with colon",
    "{{ jinja }} {% raw %} {# x #}",
    "- looks: [like, yaml]\n? key\n& *alias !tag",
    "# not a comment",
    "${AWS::Region} {Ref: Function}",
    "unicode é ✓ \u2028 separator",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_config_values_cannot_change_the_template_structure(
    make_config: Callable[..., Config], value: str
):
    escaped = json.dumps(value)
    config = make_config(
        "app:app",
        "--wsgi",
        "--description",
        value[:200],
        edit=replace("environment:\n", f"environment:\n  HOSTILE: {escaped}\n"),
    )
    plain = build_template(make_config("app:app", "--wsgi"))
    template = build_template(config)
    assert template["Description"] == value[:200]
    assert template["Resources"]["Function"]["Properties"]["Environment"] == {
        "Variables": {"HOSTILE": value}
    }
    assert template["Resources"]["Api"]["Properties"]["Description"] == value[:200]
    assert {k: set(v) for k, v in template.items() if isinstance(v, dict)} == {
        k: set(v) for k, v in plain.items() if isinstance(v, dict)
    }


@pytest.mark.parametrize("value", HOSTILE)
def test_values_inside_policies_and_extra_resources_stay_values(
    make_config: Callable[..., Config], value: str
):
    escaped = json.dumps(value)
    config = make_config(
        "fizzbuzz:fizzbuzz",
        edit=edits(
            replace(
                "  lambda_inline_policies:\n",
                "  lambda_inline_policies:\n    odd:\n      Statement:\n"
                f"        - {{Effect: Allow, Action: 's3:GetObject', Resource: {escaped}}}\n",
            ),
            replace(
                "  cfn_resources:\n",
                f"  cfn_resources:\n    Topic:\n      Type: AWS::SNS::Topic\n"
                f"      Properties: {{DisplayName: {escaped}}}\n",
            ),
            replace("  cfn_outputs:\n", f"  cfn_outputs:\n    Odd: {{Value: {escaped}}}\n"),
        ),
    )
    template = json.loads(template_json(build_template(config)))
    policy = template["Resources"]["FunctionRole"]["Properties"]["Policies"][0]
    assert policy["PolicyDocument"]["Statement"][0]["Resource"] == value
    assert template["Resources"]["Topic"]["Properties"] == {"DisplayName": value}
    assert template["Outputs"]["Odd"] == {"Value": value}


def test_same_config_same_bytes(make_config: Callable[..., Config]):
    config = make_config(*TASKS_API, edit=edits(TASKS_TABLES, LOG_DEV))
    assert template_json(build_template(config)) == template_json(build_template(config))
    again = config_from_text(config.file.read_text(), config.file, load_plugins())
    assert template_json(build_template(again)) == template_json(build_template(config))


def test_yaml_output_reads_back_as_the_same_template(make_config: Callable[..., Config]):
    import yaml

    template = build_template(make_config(*TASKS_API, edit=edits(TASKS_TABLES, LOG_DEV)))
    assert yaml.safe_load(template_yaml(template)) == template
    assert json.loads(template_json(template)) == template


def test_merge_refuses_a_logical_id_defined_twice():
    with pytest.raises(SlamError) as caught:
        merge([("slam", {"Resources": {"Api": {}}}), ("plugin 'x'", {"Resources": {"Api": {}}})])
    assert caught.value.message == "plugin 'x' defines Resources 'Api', which slam already defines"


# Warnings cfn-lint may report, each with the reason it is expected. None today.
ALLOWED_WARNINGS: dict[str, str] = {}


@pytest.mark.slow  # cfn-lint loads AWS's resource schemas
@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_cfn_lint_finds_no_errors(make_config: Callable[..., Config], name: str):
    argv, edit = CONFIGURATIONS[name]
    findings = lint(template_json(build_template(make_config(*argv, edit=edit))))
    unexpected = [f"{m.rule.id} {m.message}" for m in findings if m.rule.id not in ALLOWED_WARNINGS]
    assert unexpected == []
