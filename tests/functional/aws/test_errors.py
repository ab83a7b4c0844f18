"""botocore's errors become one SlamError line naming the call and the resource, and a
hint saying what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import (
    ParamValidationError,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
)

from slam.aws import AwsClient
from slam.aws.errors import PERMISSIONS_HINT, RETRY_HINT, local_error, translated_errors
from slam.errors import SlamError

from .conftest import stubbed

THROTTLED = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"
)


class Body:
    """The raw body of a fake HTTP answer, as botocore reads it."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_: Any) -> Any:
        yield self.content


def describe_error(aws: AwsClient, code: str, message: str, status: int = 400) -> SlamError:
    with stubbed(aws, "cloudformation") as stubber:
        stubber.add_client_error("describe_stacks", code, message, status)
        with pytest.raises(SlamError) as raised:
            aws.stacks.describe_stack("fizzbuzz")
    return raised.value


def test_access_denied_names_the_action_and_resource_and_points_to_the_policy(
    offline_aws: AwsClient,
):
    message = (
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
        "cloudformation:DescribeStacks"
    )
    error = describe_error(offline_aws, "AccessDenied", message, 403)
    assert (error.message, error.hint) == (
        f"AWS denied cloudformation:DescribeStacks on stack fizzbuzz: {message}",
        PERMISSIONS_HINT,
    )
    assert '"AWS permissions" section of slam\'s README' in PERMISSIONS_HINT
    readme = Path(__file__).resolve().parents[3] / "README.md"
    assert "\n## AWS permissions\n" in readme.read_text()  # the section the hint names


def test_access_denied_on_a_head_request_names_the_iam_action(offline_aws: AwsClient):
    # HEAD answers carry no body: the code is the status, and S3's action has its own name
    with stubbed(offline_aws, "s3") as stubber:
        stubber.add_client_error("head_object", "403", "Forbidden", 403)
        with pytest.raises(SlamError) as raised:
            offline_aws.s3.object_exists("bucket-one", "app/abc.zip")
    assert (
        raised.value.message == "AWS denied s3:GetObject on s3://bucket-one/app/abc.zip: Forbidden"
    )


def test_an_expired_token_says_to_refresh_credentials(offline_aws: AwsClient):
    error = describe_error(offline_aws, "ExpiredToken", "The security token included has expired")
    assert (error.message, error.hint) == (
        "your AWS credentials have expired (cloudformation:DescribeStacks on stack fizzbuzz)",
        "refresh them (with AWS SSO: `aws sso login`) and run the command again",
    )


def test_rejected_credentials_say_how_to_check_them(offline_aws: AwsClient):
    error = describe_error(
        offline_aws, "InvalidClientTokenId", "The security token included is invalid.", 403
    )
    assert (error.message, error.hint) == (
        "AWS rejected your credentials (cloudformation:DescribeStacks on stack fizzbuzz): "
        "The security token included is invalid.",
        "check them with `aws sts get-caller-identity` (with the same --profile)",
    )


def test_any_other_error_carries_aws_message(offline_aws: AwsClient):
    error = describe_error(offline_aws, "ValidationError", "1 validation error detected")
    assert (error.message, error.hint) == (
        "cloudformation:DescribeStacks on stack fizzbuzz failed: 1 validation error detected",
        RETRY_HINT,
    )


def test_throttling_that_outlasts_the_retries_is_a_clear_error(offline_aws: AwsClient):
    # The Stubber answers before botocore's retry loop: this is the error after it gave up.
    error = describe_error(offline_aws, "ThrottlingException", "Rate exceeded")
    assert (error.message, error.hint) == (
        "AWS kept throttling cloudformation:DescribeStacks on stack fizzbuzz (1 attempt)",
        "wait a minute and run the command again; other tools may share this account's "
        "API quota (AWS_MAX_ATTEMPTS sets how often slam retries)",
    )


def test_botocore_retries_throttling_before_giving_up(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    """AWS answers Throttling every time: botocore's standard mode retries (one retry,
    with AWS_MAX_ATTEMPTS=2, to keep its backoff short), then slam reports it."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    aws = AwsClient()
    sent: list[str] = []

    def throttle(request: Any, **_: Any) -> AWSResponse:
        sent.append(request.url)
        return AWSResponse(request.url, 400, {}, Body(THROTTLED))

    aws.stacks.client.meta.events.register("before-send.cloudformation", throttle)
    with pytest.raises(SlamError) as raised:
        aws.stacks.describe_stack("fizzbuzz")
    assert len(sent) == 2
    assert raised.value.message == (
        "AWS kept throttling cloudformation:DescribeStacks on stack fizzbuzz (2 attempts)"
    )


def test_botocore_errors_without_an_answer(offline_aws: AwsClient):
    timeout = ReadTimeoutError(endpoint_url="https://lambda.us-west-2.amazonaws.com/")
    sso = TokenRetrievalError(provider="sso", error_msg="the token has expired")
    cache = SSOTokenLoadError(error_msg="no token in the cache")
    assert [
        (error.message, error.hint)
        for error in (local_error(exc, "function fizzbuzz:dev") for exc in (timeout, sso, cache))
    ] == [
        (
            "https://lambda.us-west-2.amazonaws.com/ did not answer in time about function "
            "fizzbuzz:dev",
            "check your network and run the command again",
        ),
        (
            "your AWS SSO session has expired or was never started: Error when retrieving "
            "token from sso: the token has expired",
            "run `aws sso login` (with the same --profile), then run the command again",
        ),
        (
            "your AWS SSO session has expired or was never started: Error loading SSO Token: "
            "no token in the cache",
            "run `aws sso login` (with the same --profile), then run the command again",
        ),
    ]


def test_a_request_slam_built_wrong_stays_a_bug(offline_aws: AwsClient):
    with pytest.raises(ParamValidationError), translated_errors("s3", "bucket x"):
        offline_aws.s3.client.head_object(Bucket="bucket-one")  # no Key
