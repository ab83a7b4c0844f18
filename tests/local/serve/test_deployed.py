"""What ``slam serve`` reads from the stack's template: the API of a stage, the function,
and the stage's tables."""

from __future__ import annotations

from typing import Any

from slam.cloudformation import build_template
from slam.local import gateway
from slam.local.deployed import Deployment, Place
from slam.local.restapi import Integration, Resource, RestApi, Stage

from .conftest import MakeConfig, replace

PLACE = Place("123456789012", "eu-west-1", "tasks-api")
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:tasks-api"
URI = (
    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
    f"{FUNCTION_ARN}:${{stageVariables.STAGE}}/invocations"
)


def test_a_wsgi_project_serves_each_stage_through_its_alias(make_config: MakeConfig):
    config = make_config("tasks_api:app", "--wsgi", "--stages", "dev,prod")
    deployment = Deployment(build_template(config), PLACE)

    found = deployment.stage_api("prod")

    assert found is not None
    api, stage = found
    proxy = Integration("AWS_PROXY", URI)
    root_id = PLACE.physical_id("Api.RootResourceId", 6)
    assert api == RestApi(
        PLACE.physical_id("Api", 10),
        "123456789012",
        "eu-west-1",
        (
            Resource(root_id, "/", {"ANY": proxy}),
            Resource(PLACE.physical_id("ApiProxyResource", 6), "/{proxy+}", {"ANY": proxy}),
        ),
        ("*/*",),
    )
    assert stage == Stage("prod", {"STAGE": "prod"})
    assert gateway.lambda_arn(proxy.uri, stage.variables) == f"{FUNCTION_ARN}:prod"
    assert deployment.stage_api("staging") is None  # not a stage of this project


def test_the_same_project_always_gets_the_same_ids(make_config: MakeConfig):
    template = build_template(make_config("tasks_api:app", "--wsgi"))
    assert Deployment(template, PLACE).stage_api("dev") == Deployment(template, PLACE).stage_api(
        "dev"
    )
    other = Place("123456789012", "eu-west-1", "other-project")
    first, second = Deployment(template, PLACE), Deployment(template, other)
    assert first.stage_api("dev") != second.stage_api("dev")


def test_a_project_without_an_api_has_nothing_to_serve(make_config: MakeConfig):
    function = make_config("fizzbuzz:fizzbuzz")
    no_gateway = make_config("tasks_api:app", "--wsgi", "--no-api-gateway")
    assert Deployment(build_template(function), PLACE).stage_api("dev") is None
    assert Deployment(build_template(no_gateway), PLACE).stage_api("dev") is None


def test_the_function_is_its_latest_version_as_configured(make_config: MakeConfig):
    config = make_config(
        "tasks_api:app",
        "--wsgi",
        "--timeout",
        "7",
        "--memory",
        "256",
        "--runtime",
        "python3.12",
        edit=replace("environment:\n", 'environment:\n  GREETING: "hi"\n'),
    )
    function = Deployment(build_template(config), PLACE).function("/code")

    assert (function.name, function.version, function.arn) == ("tasks-api", "$LATEST", FUNCTION_ARN)
    assert (function.runtime, function.handler) == ("python3.12", "slam_runtime.handler.handler")
    assert (function.timeout, function.memory, function.code_dir) == (7, 256, "/code")
    assert function.environment == (("GREETING", "hi"),)


def test_a_stages_tables_are_the_templates_own(make_config: MakeConfig):
    config = make_config(
        "tasks_api:app", "--wsgi", "--stages", "dev,prod", "--dynamodb-tables", "tasks,users"
    )
    template = build_template(config)
    resources: dict[str, Any] = template["Resources"]

    tables = Deployment(template, PLACE).stage_tables("dev")

    assert tables == {
        "DevTasksTable": resources["DevTasksTable"],
        "DevUsersTable": resources["DevUsersTable"],
    }
    assert tables["DevTasksTable"]["Properties"]["TableName"] == "dev.tasks"
    assert Deployment(template, PLACE).stage_tables("qa") == {}


def test_resources_nest_and_unresolvable_integrations_are_left_out():
    api = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"BinaryMediaTypes": ["image~1png"]}}
    template = {
        "Parameters": {"Greeting": {"Type": "String", "Default": "hello"}},
        "Resources": {
            "Function": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12"}},
            "Api": api,
            "Tasks": resource({"Fn::GetAtt": ["Api", "RootResourceId"]}, "tasks"),
            "Task": resource({"Ref": "Tasks"}, "{id}"),
            "TaskGet": method("Task", "GET", {"Type": "MOCK", "Uri": {"Ref": "Greeting"}}),
            "TaskPut": method("Task", "PUT", {"Type": "AWS_PROXY", "Uri": {"Ref": "Nowhere"}}),
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "v1"},
            },
        },
    }

    found = Deployment(template, PLACE).stage_api("v1")

    assert found is not None
    api_found, stage = found
    paths = {item.path: dict(item.methods) for item in api_found.resources}
    assert paths == {
        "/": {},
        "/tasks": {},
        "/tasks/{id}": {"GET": Integration("MOCK", "hello"), "PUT": None},
    }
    assert api_found.binary_media_types == ("image/png",)
    assert stage == Stage("v1", {})


def resource(parent: Any, part: str) -> dict[str, Any]:
    return {
        "Type": "AWS::ApiGateway::Resource",
        "Properties": {"RestApiId": {"Ref": "Api"}, "ParentId": parent, "PathPart": part},
    }


def method(resource_id: str, verb: str, integration: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "RestApiId": {"Ref": "Api"},
            "ResourceId": {"Ref": resource_id},
            "HttpMethod": verb,
            "Integration": integration,
        },
    }
