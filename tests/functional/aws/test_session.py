"""AwsClient's configuration: boto3's own region, profiles, credentials and endpoint,
with --profile and --region on top, and botocore's standard retries."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto import mock_aws

from slam.aws import AwsClient, AwsOptions
from slam.errors import SlamError

from .conftest import ACCOUNT


def test_the_region_comes_from_the_environment_unless_given(aws_environment: Path):
    assert AwsClient().region == "us-west-2"
    assert AwsClient(AwsOptions(region="eu-central-1")).region == "eu-central-1"


def test_a_profile_brings_its_region_and_credentials(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    (aws_environment / "config").write_text("[profile work]\nregion = eu-west-3\n")
    (aws_environment / "credentials").write_text(
        "[work]\naws_access_key_id = AKIAWORK\naws_secret_access_key = secret\n"
    )
    with mock_aws():
        aws = AwsClient(AwsOptions(profile="work"))
        assert aws.region == "eu-west-3"
        assert aws.caller_identity().account == ACCOUNT


def test_no_region_is_an_error_with_the_fix(aws_environment: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(SlamError) as raised:
        AwsClient()
    assert (raised.value.message, raised.value.hint) == (
        "no AWS region is set",
        "pass --region, set AWS_DEFAULT_REGION, or add a region to your profile (`aws configure`)",
    )


def test_an_unknown_profile_is_an_error_naming_it(aws_environment: Path):
    with pytest.raises(SlamError) as raised:
        AwsClient(AwsOptions(profile="nope"))
    assert (raised.value.message, raised.value.hint) == (
        "AWS profile 'nope' not found",
        "`aws configure list-profiles` lists the profiles of ~/.aws/config and credentials",
    )


def test_missing_credentials_are_an_error_at_the_first_call(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws = AwsClient()  # reading the configuration needs no credentials
    with pytest.raises(SlamError) as raised:
        aws.stacks.describe_stack("fizzbuzz")
    assert (raised.value.message, raised.value.hint) == (
        "no AWS credentials found",
        "run `aws configure`, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile",
    )


def test_missing_credentials_can_be_found_out_before_any_call(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    AwsClient().session.require_credentials()  # the environment's: fine
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(SlamError) as raised:
        AwsClient().session.require_credentials()
    assert raised.value.message == "no AWS credentials found"


def test_partial_credentials_name_what_is_missing(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(SlamError) as raised:
        AwsClient().caller_identity()
    assert raised.value.message == (
        "incomplete AWS credentials: Partial credentials found in env, "
        "missing: AWS_SECRET_ACCESS_KEY"
    )


def test_caller_identity_is_asked_once(aws: AwsClient):
    calls: list[str] = []
    aws.session.client("sts").meta.events.register(
        "before-call.sts.*", lambda model, **_: calls.append(model.name)
    )
    first = aws.caller_identity()
    assert aws.caller_identity() is first
    assert (first.account, first.arn) == (ACCOUNT, f"arn:aws:sts::{ACCOUNT}:user/moto")
    assert calls == ["GetCallerIdentity"]


def test_the_endpoint_comes_from_aws_endpoint_url_and_an_unreachable_one_is_named(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard: nothing listens
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(SlamError) as raised:
        AwsClient().stacks.describe_stack("fizzbuzz")
    assert (raised.value.message, raised.value.hint) == (
        "could not connect to http://127.0.0.1:9/ to reach stack fizzbuzz",
        "check your network; with AWS_ENDPOINT_URL set, check that the endpoint it names "
        "is running",
    )


def test_calls_retry_in_standard_mode_five_times_unless_configured(
    aws_environment: Path, monkeypatch: pytest.MonkeyPatch
):
    retries = AwsClient().session.client("cloudformation").meta.config.retries
    assert retries == {"mode": "standard", "total_max_attempts": 5}
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "9")
    retries = AwsClient().session.client("cloudformation").meta.config.retries
    assert retries == {"mode": "standard", "total_max_attempts": 9}


def test_timeouts_let_an_invoke_wait_for_the_longest_function(aws_environment: Path):
    aws = AwsClient()
    lambda_config = aws.session.client("lambda").meta.config
    s3_config = aws.session.client("s3").meta.config
    assert lambda_config.read_timeout > 900  # Lambda's longest timeout
    assert (s3_config.read_timeout, s3_config.connect_timeout) == (60, 10)
    assert lambda_config.connect_timeout == 10


def test_each_service_has_one_client(aws_environment: Path):
    aws = AwsClient()
    assert aws.session.client("s3") is aws.s3.client
    assert aws.session.client("s3") is aws.session.client("s3")
