"""API Gateway on the local AWS: the deployed stages of a REST API answer over HTTP."""

from __future__ import annotations

import base64
import http.client
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from slam.local.server import LocalAWS

from .conftest import ACCOUNT, REGION, Clients, Deploy, log_messages, zip_of

pytestmark = pytest.mark.slow  # runs functions in worker processes, some until they time out

ECHO = """
import base64
import json
import time


def handler(event, context):
    path = event["path"]
    if path == "/sleep":
        time.sleep(float(event["queryStringParameters"]["seconds"]))
    elif path == "/raise":
        raise RuntimeError("boom")
    elif path == "/malformed":
        return {"statusCode": 200, "body": {"not": "a string"}}
    elif path == "/answer":
        body = event["body"]
        return json.loads(base64.b64decode(body) if event["isBase64Encoded"] else body)
    echoed = {"event": event, "arn": context.invoked_function_arn}
    return {"statusCode": 200, "body": json.dumps(echoed)}
"""
BASIC_AUTH = "Basic " + base64.b64encode(b"miguel:python").decode()
MISSING_TOKEN = b'{"message":"Missing Authentication Token"}'
INTERNAL_ERROR = b'{"message": "Internal server error"}'


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


Request = Callable[..., Answer]


@pytest.fixture(scope="module")
def request_to(local_aws: LocalAWS) -> Request:
    """request_to(api, stage, path, method=, body=, headers=, host_header=) over real HTTP."""
    address = urlsplit(local_aws.url)

    def send(
        api: str,
        stage: str,
        path: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: list[tuple[str, str]] | None = None,
        host_header: bool = False,
    ) -> Answer:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        try:
            if host_header:  # as a client of the real endpoint sends it
                target = f"/{stage}{path}"
                connection.putrequest(method, target, skip_host=True)
                connection.putheader("Host", f"{api}.execute-api.{REGION}.amazonaws.com")
            else:
                connection.putrequest(method, f"/_aws/execute-api/{api}/{stage}{path}")
            for name, value in headers or []:
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    return send


def integration_uri(function_arn: str) -> str:
    """The integration URI of slam's template: the alias named by the stage variable STAGE."""
    return (
        f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"{function_arn}:${{stageVariables.STAGE}}/invocations"
    )


def rest_api(
    client: Clients,
    function: str,
    stages: tuple[str, ...] = ("dev",),
    binary_media_types: tuple[str, ...] = ("*/*",),
    timeout_ms: int | None = None,
) -> str:
    """A REST API as slam's template makes it: every path and method to the stage's alias.

    Each stage gets an alias of the same name, on $LATEST, and the permission to invoke it.
    """
    apigateway, lam = client("apigateway"), client("lambda")
    api = apigateway.create_rest_api(name=function, binaryMediaTypes=list(binary_media_types))["id"]
    (root,) = apigateway.get_resources(restApiId=api)["items"]
    proxy = apigateway.create_resource(restApiId=api, parentId=root["id"], pathPart="{proxy+}")
    function_arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    for resource in (root["id"], proxy["id"]):
        apigateway.put_method(
            restApiId=api, resourceId=resource, httpMethod="ANY", authorizationType="NONE"
        )
        apigateway.put_integration(
            restApiId=api,
            resourceId=resource,
            httpMethod="ANY",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=integration_uri(function_arn),
            **({"timeoutInMillis": timeout_ms} if timeout_ms else {}),
        )
    for stage in stages:
        deployment = apigateway.create_deployment(restApiId=api)["id"]
        apigateway.create_stage(
            restApiId=api, stageName=stage, deploymentId=deployment, variables={"STAGE": stage}
        )
        lam.create_alias(FunctionName=function, Name=stage, FunctionVersion="$LATEST")
        lam.add_permission(
            FunctionName=f"{function_arn}:{stage}",
            StatementId=f"{api}-{stage}",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/{stage}/*",
        )
    return str(api)


@pytest.fixture(scope="module")
def echo_function(deploy: Deploy) -> str:
    return deploy(zip_of({"app.py": ECHO}))


@pytest.fixture(scope="module")
def echo(client: Clients, echo_function: str) -> str:
    """The REST API of the echo function, stage dev."""
    return rest_api(client, echo_function)


@pytest.fixture
def dev_tasks(client: Clients) -> Iterator[Any]:
    """The table tasks_api's dev stage uses, removed afterwards: a stack creates it later."""
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName="dev.tasks",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield dynamodb
    dynamodb.delete_table(TableName="dev.tasks")


@pytest.mark.network  # slam build installs the tasks API's Flask from the index
def test_tasks_api_serves_tasks_from_dynamodb_with_basic_auth(
    deploy: Deploy, client: Clients, tasks_api_package: bytes, request_to: Request, dev_tasks: Any
):
    function = deploy(tasks_api_package, handler="slam_runtime.handler.handler")
    dynamodb = dev_tasks
    api = rest_api(client, function)
    json_type = ("Content-Type", "application/json")
    created = request_to(
        api,
        "dev",
        "/tasks",
        "POST",
        b'{"title": "buy milk"}',
        [json_type, ("Authorization", BASIC_AUTH)],
    )
    assert created.status == 201
    task = created.json()["task"]
    assert task == {
        "id": task["id"],
        "title": "buy milk",
        "description": "",
        "done": False,
        # the URL the function builds is the stage's, as on AWS
        "uri": f"https://{api}.execute-api.{REGION}.amazonaws.com/dev/tasks/{task['id']}",
    }
    item = dynamodb.get_item(TableName="dev.tasks", Key={"id": {"S": task["id"]}})["Item"]
    assert item["title"] == {"S": "buy milk"}
    fetched = request_to(
        api,
        "dev",
        f"/tasks/{task['id']}",
        headers=[("Authorization", BASIC_AUTH)],
        host_header=True,
    )
    assert (fetched.status, fetched.json()) == (200, {"task": task})
    refused = request_to(api, "dev", f"/tasks/{task['id']}")
    assert refused.status == 401
    # API Gateway renames the challenge, so browsers ask for no password (a known AWS issue)
    assert refused.header("WWW-Authenticate") == []
    assert refused.header("x-amzn-Remapped-WWW-Authenticate") == ['Basic realm="tasks"']
    assert len(refused.header("Content-Length")) == 1
    index = request_to(api, "dev", "/")
    assert index.json() == {"name": "tasks_api", "version": "$LATEST", "stage": "dev"}


def test_the_function_gets_the_rest_proxy_event(echo: str, echo_function: str, request_to: Request):
    answer = request_to(
        echo,
        "dev",
        "/a/b%20c?q=1&q=2&empty=",
        "PUT",
        b"\x00binary",
        [
            ("X-Repeated", "one"),
            ("X-Repeated", "two"),
            ("Content-Type", "application/octet-stream"),
        ],
    )
    assert answer.status == 200
    echoed = answer.json()
    event = echoed["event"]
    context = event.pop("requestContext")
    # the stage variable picked the alias
    assert echoed["arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{echo_function}:dev"
    headers = event.pop("headers")
    multi_headers = event.pop("multiValueHeaders")
    assert event == {
        "resource": "/{proxy+}",
        "path": "/a/b%20c",
        "httpMethod": "PUT",
        "queryStringParameters": {"q": "2", "empty": ""},
        "multiValueQueryStringParameters": {"q": ["1", "2"], "empty": [""]},
        "pathParameters": {"proxy": "a/b c"},
        "stageVariables": {"STAGE": "dev"},
        "body": base64.b64encode(b"\x00binary").decode(),
        "isBase64Encoded": True,
    }
    assert multi_headers["X-Repeated"] == ["one", "two"]
    assert headers["X-Repeated"] == "two"
    assert headers["Host"] == f"{echo}.execute-api.{REGION}.amazonaws.com"
    assert headers["X-Forwarded-For"] == "127.0.0.1"
    assert (headers["X-Forwarded-Proto"], headers["X-Forwarded-Port"]) == ("https", "443")
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", headers["X-Amzn-Trace-Id"])
    assert context["requestId"] == answer.header("x-amzn-RequestId")[0]
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert {
        key: context[key]
        for key in (
            "stage",
            "path",
            "resourcePath",
            "httpMethod",
            "apiId",
            "accountId",
            "domainName",
        )
    } == {
        "stage": "dev",
        "path": "/dev/a/b%20c",
        "resourcePath": "/{proxy+}",
        "httpMethod": "PUT",
        "apiId": echo,
        "accountId": ACCOUNT,
        "domainName": f"{echo}.execute-api.{REGION}.amazonaws.com",
    }


def test_the_root_resource_and_text_bodies(deploy: Deploy, client: Clients, request_to: Request):
    api = rest_api(client, deploy(zip_of({"app.py": ECHO})), binary_media_types=())
    event = request_to(api, "dev", "", "POST", b'{"a": 1}').json()["event"]
    assert (event["resource"], event["path"], event["pathParameters"]) == ("/", "/", None)
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)
    assert event["queryStringParameters"] is None


def test_the_functions_answer_becomes_the_http_response(echo: str, request_to: Request):
    proxy_answer = {
        "statusCode": 201,
        "headers": {"X-Single": "1", "Set-Cookie": "a=1"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": base64.b64encode(b"\x89PNG").decode(),
        "isBase64Encoded": True,
    }
    answer = request_to(echo, "dev", "/answer", "POST", json.dumps(proxy_answer).encode())
    assert answer.status == 201
    assert answer.header("Set-Cookie") == ["a=1", "b=2"]
    assert answer.header("X-Single") == ["1"]
    assert answer.header("Content-Type") == ["application/json"]  # API Gateway's default
    assert answer.body == b"\x89PNG"


@pytest.mark.parametrize(
    ("stage", "path", "status", "body"),
    [
        ("prod", "/", 403, MISSING_TOKEN),  # no such stage
        ("dev", "/raise", 502, INTERNAL_ERROR),  # a function error
        ("dev", "/malformed", 502, INTERNAL_ERROR),  # not a proxy response
    ],
)
def test_api_gateways_errors(
    echo: str, request_to: Request, stage: str, path: str, status: int, body: bytes
):
    answer = request_to(echo, stage, path)
    assert (answer.status, answer.body) == (status, body)
    assert answer.header("Content-Type") == ["application/json"]


def test_a_path_no_resource_matches_is_missing_a_token(
    deploy: Deploy, client: Clients, request_to: Request
):
    function = deploy(zip_of({"app.py": ECHO}))
    apigateway = client("apigateway")
    api = rest_api(client, function)
    (root,) = [r for r in apigateway.get_resources(restApiId=api)["items"] if r["path"] == "/"]
    (proxy,) = [r for r in apigateway.get_resources(restApiId=api)["items"] if r["path"] != "/"]
    apigateway.delete_resource(restApiId=api, resourceId=proxy["id"])
    hello = apigateway.create_resource(restApiId=api, parentId=root["id"], pathPart="hello")
    apigateway.put_method(
        restApiId=api, resourceId=hello["id"], httpMethod="GET", authorizationType="NONE"
    )
    arn = client("lambda").get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    apigateway.put_integration(
        restApiId=api,
        resourceId=hello["id"],
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=integration_uri(arn),
    )
    assert request_to(api, "dev", "/hello").status == 200
    assert (request_to(api, "dev", "/other").status, request_to(api, "dev", "/other").body) == (
        403,
        MISSING_TOKEN,
    )
    assert request_to(api, "dev", "/hello", "POST", b"").status == 403  # no POST method


def test_a_function_past_its_timeout_is_a_bad_gateway(
    deploy: Deploy, client: Clients, request_to: Request
):
    api = rest_api(client, deploy(zip_of({"app.py": ECHO}), Timeout=1))
    answer = request_to(api, "dev", "/sleep?seconds=5")
    assert (answer.status, answer.body) == (502, INTERNAL_ERROR)


def test_no_answer_within_the_integration_timeout_is_a_gateway_timeout(
    deploy: Deploy, client: Clients, request_to: Request
):
    api = rest_api(client, deploy(zip_of({"app.py": ECHO})), timeout_ms=200)
    answer = request_to(api, "dev", "/sleep?seconds=3")
    assert (answer.status, answer.body) == (504, b'{"message": "Endpoint request timed out"}')


def test_a_stage_the_resource_policy_does_not_name_is_refused(
    deploy: Deploy, client: Clients, request_to: Request
):
    function = deploy(zip_of({"app.py": ECHO}))
    api = rest_api(client, function)
    apigateway = client("apigateway")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    apigateway.create_stage(
        restApiId=api, stageName="beta", deploymentId=deployment, variables={"STAGE": "beta"}
    )
    client("lambda").create_alias(FunctionName=function, Name="beta", FunctionVersion="$LATEST")
    answer = request_to(api, "beta", "/")
    assert (answer.status, answer.body) == (500, INTERNAL_ERROR)
    assert request_to(api, "dev", "/").status == 200


def test_logging_needs_the_accounts_cloudwatch_role_then_writes_execution_logs(
    deploy: Deploy, client: Clients, local_aws: LocalAWS, request_to: Request
):
    function = deploy(zip_of({"app.py": ECHO}))
    api = rest_api(client, function, stages=("dev", "prod"))
    apigateway = client("apigateway")

    def set_level(stage: str, level: str) -> None:
        apigateway.update_stage(
            restApiId=api,
            stageName=stage,
            patchOperations=[{"op": "replace", "path": "/*/*/logging/loglevel", "value": level}],
        )

    had_role = apigateway.get_account().get("cloudwatchRoleArn")
    if not had_role:
        with pytest.raises(ClientError) as raised:
            set_level("dev", "INFO")
        assert raised.value.response["Error"] == {
            "Code": "BadRequestException",
            "Message": "CloudWatch Logs role ARN must be set in account settings to enable logging",
        }
    role = f"arn:aws:iam::{ACCOUNT}:role/api-gateway-logs"
    apigateway.update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
    )
    set_level("dev", "INFO")
    set_level("prod", "ERROR")
    ok = request_to(api, "dev", "/hello")
    request_id = ok.header("x-amzn-RequestId")[0]
    info = log_messages(client, f"API-Gateway-Execution-Logs_{api}/dev")
    assert f"({request_id}) Starting execution for request: {request_id}" in info
    assert f"({request_id}) HTTP Method: GET, Resource Path: /hello" in info
    assert f"({request_id}) Method completed with status: 200" in info
    request_to(api, "prod", "/hello")
    failed = request_to(api, "prod", "/raise")
    failed_id = failed.header("x-amzn-RequestId")[0]
    errors = log_messages(client, f"API-Gateway-Execution-Logs_{api}/prod")
    assert len(errors) == 2  # nothing of the request that succeeded
    assert errors[0].startswith(
        f"({failed_id}) Lambda execution failed with status 200 due to customer function error:"
        " boom. Lambda request id: "
    )
    assert errors[1] == f"({failed_id}) Method completed with status: 502"


def test_an_api_keeps_its_binary_media_types_from_a_template(client: Clients):
    template = {
        "Resources": {
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {"Name": "binary", "BinaryMediaTypes": ["*/*"]},
            }
        }
    }
    cloudformation = client("cloudformation")
    cloudformation.create_stack(StackName="binary-api", TemplateBody=json.dumps(template))
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName="binary-api", WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    (resource,) = cloudformation.describe_stack_resources(StackName="binary-api")["StackResources"]
    api = client("apigateway").get_rest_api(restApiId=resource["PhysicalResourceId"])
    assert api["binaryMediaTypes"] == ["*/*"]


@pytest.mark.parametrize("problem", ["deleted", "not python"])
def test_a_function_the_integration_cannot_run_is_an_internal_error(
    deploy: Deploy, client: Clients, request_to: Request, problem: str
):
    if problem == "deleted":
        function = deploy(zip_of({"app.py": ECHO}))
    else:
        function = deploy(
            zip_of({"index.js": "exports.handler = async () => 1;"}), Runtime="nodejs20.x"
        )
    api = rest_api(client, function)
    if problem == "deleted":
        client("lambda").delete_function(FunctionName=function)
    answer = request_to(api, "dev", "/")
    assert (answer.status, answer.body) == (500, INTERNAL_ERROR)
