"""Every call names its IAM action and its resource when AWS fails it unexpectedly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.parsers import ResponseParserError

from slam.aws import AwsClient
from slam.aws.errors import RETRY_HINT, local_error
from slam.errors import SlamError

from .conftest import ACCOUNT, stubbed

Call = Callable[[AwsClient], Any]
CASES: list[tuple[str, str, Call, str]] = [
    ("s3", "head_bucket", lambda aws: aws.s3.bucket("b-1", ACCOUNT), "s3:ListBucket on bucket b-1"),
    (
        "s3",
        "create_bucket",
        lambda aws: aws.s3.create_bucket("b-1"),
        "s3:CreateBucket on bucket b-1",
    ),
    (
        "s3",
        "get_public_access_block",
        lambda aws: aws.s3.public_access_blocked("b-1"),
        "s3:GetBucketPublicAccessBlock on bucket b-1",
    ),
    (
        "s3",
        "get_bucket_encryption",
        lambda aws: aws.s3.default_encryption("b-1"),
        "s3:GetEncryptionConfiguration on bucket b-1",
    ),
    (
        "s3",
        "head_object",
        lambda aws: aws.s3.object_exists("b-1", "k"),
        "s3:GetObject on s3://b-1/k",
    ),
    (
        "s3",
        "list_objects_v2",
        lambda aws: aws.s3.list_objects("b-1", "app/"),
        "s3:ListBucket on bucket b-1",
    ),
    (
        "s3",
        "delete_bucket",
        lambda aws: aws.s3.delete_bucket("b-1"),
        "s3:DeleteBucket on bucket b-1",
    ),
    (
        "cloudformation",
        "delete_change_set",
        lambda aws: aws.stacks.delete_change_set("app", "slam-deploy-1"),
        "cloudformation:DeleteChangeSet on change set slam-deploy-1 of stack app",
    ),
    (
        "cloudformation",
        "update_stack",
        lambda aws: aws.stacks.update_stack("app", {"DevVersion": "2"}, (), "slam-publish-1"),
        "cloudformation:UpdateStack on stack app",
    ),
    (
        "lambda",
        "get_function_configuration",
        lambda aws: aws.functions.function_version("app-Function-1X"),
        "lambda:GetFunctionConfiguration on function app-Function-1X:$LATEST",
    ),
    (
        "lambda",
        "get_alias",
        lambda aws: aws.functions.alias_version("app-Function-1X", "prod"),
        "lambda:GetAlias on alias prod of function app-Function-1X",
    ),
    (
        "logs",
        "filter_log_events",
        lambda aws: aws.logs.log_events("/aws/lambda/app", 0),
        "logs:FilterLogEvents on log group /aws/lambda/app",
    ),
    (
        "logs",
        "delete_log_group",
        lambda aws: aws.logs.delete_log_group("/aws/lambda/app"),
        "logs:DeleteLogGroup on log group /aws/lambda/app",
    ),
    (
        "dynamodb",
        "scan",
        lambda aws: aws.tables.holds_items("dev.tasks"),
        "dynamodb:Scan on table dev.tasks",
    ),
]


@pytest.mark.parametrize(("service", "operation", "call", "named"), CASES)
def test_an_unexpected_error_names_the_action_and_resource(
    offline_aws: AwsClient, service: str, operation: str, call: Call, named: str
):
    with stubbed(offline_aws, service) as stubber:
        stubber.add_client_error(operation, "InternalFailure", "Something broke", 400)
        with pytest.raises(SlamError) as raised:
            call(offline_aws)
    assert (raised.value.message, raised.value.hint) == (
        f"{named} failed: Something broke",
        RETRY_HINT,
    )


def test_any_other_botocore_error_is_named_too(aws_environment: Path):
    broken = ResponseParserError("Unable to parse response, invalid XML received")
    error = local_error(broken, "stack app")
    assert (error.message, error.hint) == (
        "AWS call about stack app failed: Unable to parse response, invalid XML received",
        RETRY_HINT,
    )
