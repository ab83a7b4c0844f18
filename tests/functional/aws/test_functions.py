"""Lambda calls on moto: versions, aliases, publishing; invoke's answer through the Stubber
(moto runs no code)."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from botocore.response import StreamingBody

from slam.aws import AwsClient
from slam.errors import SlamError
from slam.remote import FunctionVersion, Invocation, InvocationType

from .conftest import stubbed

ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def create_function(aws: AwsClient) -> str:
    """A function named fizzbuzz; returns its code's SHA-256 as Lambda reports it."""
    iam = aws.session.client("iam")
    role = iam.create_role(RoleName="fizzbuzz", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fizzbuzz.py", "def fizzbuzz(number):\n    return number\n")
    answer = aws.functions.client.create_function(
        FunctionName="fizzbuzz",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="fizzbuzz.fizzbuzz",
        Code={"ZipFile": buffer.getvalue()},
    )
    return str(answer["CodeSha256"])


def test_latest_is_published_as_a_numbered_version_of_the_same_code(aws: AwsClient):
    code = create_function(aws)
    latest = aws.functions.function_version("fizzbuzz")
    assert latest is not None
    assert (latest.function_name, latest.version, latest.code_sha256) == (
        "fizzbuzz",
        "$LATEST",
        code,
    )
    published = aws.functions.publish_version("fizzbuzz", code, "prod")
    assert (published.version, published.code_sha256) == ("1", code)
    assert aws.functions.function_version("fizzbuzz", "1") == FunctionVersion(
        "fizzbuzz", "1", code, published.state, published.last_update_status
    )


def test_missing_functions_versions_and_aliases_are_none(aws: AwsClient):
    assert aws.functions.function_version("fizzbuzz") is None
    create_function(aws)
    assert aws.functions.function_version("fizzbuzz", "7") is None
    assert aws.functions.alias_version("fizzbuzz", "prod") is None


def test_an_alias_names_its_version(aws: AwsClient):
    code = create_function(aws)
    aws.functions.publish_version("fizzbuzz", code)
    aws.functions.client.create_alias(FunctionName="fizzbuzz", Name="prod", FunctionVersion="1")
    assert aws.functions.alias_version("fizzbuzz", "prod") == "1"


def test_publishing_code_that_changed_meanwhile_is_refused(offline_aws: AwsClient):
    with stubbed(offline_aws, "lambda") as stubber:
        stubber.add_client_error(
            "publish_version",
            "PreconditionFailedException",
            "CodeSha256 (abc=) is different from current CodeSha256 in $LATEST (xyz=).",
            412,
        )
        with pytest.raises(SlamError) as raised:
            offline_aws.functions.publish_version("fizzbuzz", "abc=")
    assert raised.value.message == (
        "lambda:PublishVersion on function fizzbuzz failed: CodeSha256 (abc=) is different "
        "from current CodeSha256 in $LATEST (xyz=)."
    )


def body(content: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(content), len(content))


def test_invoke_runs_the_qualified_function_and_returns_its_answer(offline_aws: AwsClient):
    error = {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}
    with stubbed(offline_aws, "lambda") as stubber:
        stubber.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "ExecutedVersion": "3",
                "LogResult": base64.b64encode(b"START RequestId: 1\nboom\n").decode(),
                "Payload": body(json.dumps(error).encode()),
            },
            {
                "FunctionName": "fizzbuzz:prod",
                "InvocationType": "RequestResponse",
                "Payload": b'{"number": 15}',
                "LogType": "Tail",
            },
        )
        answer = offline_aws.functions.invoke("fizzbuzz", "prod", b'{"number": 15}', log_tail=True)
    assert answer == Invocation(
        status_code=200,
        payload=json.dumps(error).encode(),
        function_error="Unhandled",
        executed_version="3",
        log_tail="START RequestId: 1\nboom\n",
    )


def test_invoke_without_waiting(offline_aws: AwsClient):
    with stubbed(offline_aws, "lambda") as stubber:
        request = {"FunctionName": "fizzbuzz:dev", "InvocationType": "Event", "Payload": b"{}"}
        stubber.add_response("invoke", {"StatusCode": 202, "Payload": body(b"")}, request)
        answer = offline_aws.functions.invoke("fizzbuzz", "dev", b"{}", InvocationType.ASYNC)
    assert answer == Invocation(status_code=202)
