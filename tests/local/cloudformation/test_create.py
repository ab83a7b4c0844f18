"""Creating the stacks `slam template` renders: statuses, events, and what each service holds."""

from __future__ import annotations

import base64
import hashlib
import json

from slam.cloudformation import api_gateway_logging_template

from .conftest import Cloud, package

BASIC_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def test_fizzbuzz_stack_goes_through_create_statuses_with_per_resource_events(cloud: Cloud):
    key = cloud.upload()
    stack_id = cloud.create(
        "fizzbuzz", cloud.example("fizzbuzz"), Parameters=cloud.code(key), ClientRequestToken="t-1"
    )
    assert cloud.cfn.describe_stacks(StackName="fizzbuzz")["Stacks"][0]["StackStatus"] in (
        "CREATE_IN_PROGRESS",
        "CREATE_COMPLETE",
    )
    cloud.wait("fizzbuzz", "stack_create_complete")

    events = cloud.events("fizzbuzz")
    assert cloud.statuses("fizzbuzz") == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
    assert events[0]["ResourceStatusReason"] == "User Initiated"
    assert events[0]["PhysicalResourceId"] == stack_id
    assert {event["ClientRequestToken"] for event in events} == {"t-1"}
    for logical_id in ("FunctionRole", "Function", "FunctionLogGroup", "DevAlias"):
        assert cloud.resource_events("fizzbuzz", logical_id) == [
            ("CREATE_IN_PROGRESS", None),
            ("CREATE_COMPLETE", None),
        ]
    order = [e["LogicalResourceId"] for e in events if e["ResourceStatus"] == "CREATE_COMPLETE"]
    assert order.index("FunctionRole") < order.index("Function") < order.index("DevAlias")


def test_fizzbuzz_resources_are_real_and_refs_are_what_aws_returns(cloud: Cloud):
    key = cloud.upload()
    cloud.create("fizzbuzz", cloud.example("fizzbuzz"), Parameters=cloud.code(key))
    cloud.wait("fizzbuzz", "stack_create_complete")

    ids = cloud.physical_ids("fizzbuzz")
    function = cloud.lam.get_function(FunctionName=ids["Function"])["Configuration"]
    digest = base64.b64encode(hashlib.sha256(package()).digest()).decode()
    assert function["CodeSha256"] == digest
    assert (function["Runtime"], function["Timeout"], function["MemorySize"]) == (
        "python3.11",
        10,
        128,
    )
    assert function["Role"] == cloud.iam.get_role(RoleName=ids["FunctionRole"])["Role"]["Arn"]
    assert ids["Function"].startswith("fizzbuzz-Function-")
    attached = cloud.iam.list_attached_role_policies(RoleName=ids["FunctionRole"])
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [BASIC_ROLE]
    alias = cloud.lam.get_alias(FunctionName=ids["Function"], Name="dev")
    assert (ids["DevAlias"], alias["FunctionVersion"]) == (alias["AliasArn"], "$LATEST")
    groups = cloud.logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert [g["logGroupName"] for g in groups] == [f"/aws/lambda/{ids['Function']}"]
    assert cloud.outputs("fizzbuzz") == {
        "FunctionName": ids["Function"],
        "FunctionArn": function["FunctionArn"],
    }


def test_tasks_api_stack_has_its_api_stages_permissions_and_tables(cloud: Cloud):
    key = cloud.upload()
    cloud.create("tasks-api", cloud.example("tasks_api"), Parameters=cloud.code(key))
    cloud.wait("tasks-api", "stack_create_complete")

    ids = cloud.physical_ids("tasks-api")
    api_id = ids["Api"]
    api = cloud.apigw.get_rest_api(restApiId=api_id)
    assert (api["name"], api["binaryMediaTypes"]) == ("tasks-api", ["*/*"])
    stages = {s["stageName"]: s for s in cloud.apigw.get_stages(restApiId=api_id)["item"]}
    assert {name: s["variables"] for name, s in stages.items()} == {
        "dev": {"STAGE": "dev"},
        "staging": {"STAGE": "staging"},
        "prod": {"STAGE": "prod"},
    }
    assert stages["dev"]["deploymentId"] == ids["DevApiDeployment"]
    resources = cloud.apigw.get_resources(restApiId=api_id)["items"]
    proxy = next(r for r in resources if r.get("pathPart") == "{proxy+}")
    assert proxy["id"] == ids["ApiProxyResource"]
    integration = cloud.apigw.get_integration(
        restApiId=api_id, resourceId=proxy["id"], httpMethod="ANY"
    )
    function_arn = cloud.lam.get_function(FunctionName=ids["Function"])["Configuration"][
        "FunctionArn"
    ]
    assert integration["uri"] == (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        f"{function_arn}:${{stageVariables.STAGE}}/invocations"
    )
    for stage in ("dev", "staging", "prod"):
        policy = json.loads(
            cloud.lam.get_policy(FunctionName=ids["Function"], Qualifier=stage)["Policy"]
        )
        statement = next(s for s in policy["Statement"] if s["Resource"].endswith(f":{stage}"))
        assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == (
            f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/{stage}/*"
        )
    tables = cloud.ddb.list_tables()["TableNames"]
    assert sorted(tables) == ["dev.tasks", "prod.tasks", "staging.tasks"]
    inline = cloud.iam.get_role_policy(RoleName=ids["FunctionRole"], PolicyName="dynamodb-tables")
    resources_allowed = inline["PolicyDocument"]["Statement"][0]["Resource"]
    assert resources_allowed == [
        f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"
        for name in ("dev.tasks", "staging.tasks", "prod.tasks")
    ]
    outputs = cloud.outputs("tasks-api")
    assert outputs["DevEndpoint"] == f"https://{api_id}.execute-api.us-east-1.amazonaws.com/dev"
    assert outputs["ApiId"] == api_id


WSGI_LOGGING = """\
name: logged
function: {module: app, app: app}
stage_environments: {dev: , prod: }
aws: {s3_bucket: logged-packages}
wsgi: {deploy_api_gateway: true, log_stages: [dev]}
"""


def test_logged_stages_fail_until_the_account_names_a_logging_role(cloud: Cloud):
    key = cloud.upload()
    cloud.create("logged", cloud.render(WSGI_LOGGING), Parameters=cloud.code(key))
    assert cloud.settle("logged")["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [e.get("ResourceStatusReason") or "" for e in cloud.events("logged")]
    assert any("CloudWatch Logs role ARN must be set in account settings" in r for r in reasons)


def test_logged_stages_log_once_the_shared_logging_stack_set_the_account_role(cloud: Cloud):
    cloud.create("slam-api-gateway-logging", api_gateway_logging_template())
    cloud.wait("slam-api-gateway-logging", "stack_create_complete")
    key = cloud.upload()
    cloud.create("logged", cloud.render(WSGI_LOGGING), Parameters=cloud.code(key))
    cloud.wait("logged", "stack_create_complete")

    shared = cloud.physical_ids("slam-api-gateway-logging")
    role_arn = cloud.iam.get_role(RoleName=shared["CloudWatchRole"])["Role"]["Arn"]
    assert cloud.apigw.get_account()["cloudwatchRoleArn"] == role_arn
    ids = cloud.physical_ids("logged")
    assert "ApiAccount" not in ids
    stages = {s["stageName"]: s for s in cloud.apigw.get_stages(restApiId=ids["Api"])["item"]}
    assert stages["dev"]["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
    assert stages["prod"]["methodSettings"]["*/*"]["loggingLevel"] == "ERROR"
    assert stages["prod"]["methodSettings"]["*/*"]["dataTraceEnabled"] is False
