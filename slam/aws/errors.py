"""botocore's errors as SlamErrors: what failed, on which resource, and what to do."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.parsers import ResponseParserError

from ..errors import SlamError

PERMISSIONS_SECTION = "AWS permissions"
PERMISSIONS_HINT = (
    f'give your AWS identity the permissions in the "{PERMISSIONS_SECTION}" section of '
    "slam's README, or use another --profile"
)
REGION_HINT = (
    "pass --region, set AWS_DEFAULT_REGION, or add a region to your profile (`aws configure`)"
)
CREDENTIALS_HINT = (
    "run `aws configure`, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile"
)
RETRY_HINT = "fix what AWS's message names and run the command again (--debug shows more)"

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
    }
)
EXPIRED_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
REJECTED_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "AuthFailure",
    }
)
# "403" is the code of a HEAD request refused: its answer has no body to name the error.
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden", "403"}
)

# IAM actions whose name is not "<service>:<operation>", for the operations slam calls.
IAM_ACTIONS = {
    "HeadBucket": "s3:ListBucket",
    "HeadObject": "s3:GetObject",
    "ListObjectsV2": "s3:ListBucket",
    "DeleteObjects": "s3:DeleteObject",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "Invoke": "lambda:InvokeFunction",
    "GetAccount": "apigateway:GET",
}

# botocore's own errors (raised before or instead of an answer): message and hint.
# A message may name {error}, {resource}, and the error's endpoint_url or profile.
LOCAL_ERRORS: tuple[tuple[Any, str, str], ...] = (  # (class or classes, message, hint)
    (NoCredentialsError, "no AWS credentials found", CREDENTIALS_HINT),
    (
        PartialCredentialsError,
        "incomplete AWS credentials: {error}",
        "set both the access key ID and the secret access key (`aws configure`)",
    ),
    (
        (SSOTokenLoadError, UnauthorizedSSOTokenError, TokenRetrievalError),
        "your AWS SSO session has expired or was never started: {error}",
        "run `aws sso login` (with the same --profile), then run the command again",
    ),
    (
        CredentialRetrievalError,
        "could not get AWS credentials: {error}",
        "check the credential_process, role or SSO settings of your AWS profile",
    ),
    (
        ProfileNotFound,
        "AWS profile '{profile}' not found",
        "`aws configure list-profiles` lists the profiles of ~/.aws/config and credentials",
    ),
    (NoRegionError, "no AWS region is set", REGION_HINT),
    (
        (EndpointConnectionError, ConnectTimeoutError),
        "could not connect to {endpoint_url} to reach {resource}",
        "check your network; with AWS_ENDPOINT_URL set, check that the endpoint it names "
        "is running",
    ),
    (
        ReadTimeoutError,
        "{endpoint_url} did not answer in time about {resource}",
        "check your network and run the command again",
    ),
)


@contextlib.contextmanager
def translated_errors(service: str, resource: str) -> Iterator[None]:
    """Turn botocore's errors inside the block into SlamErrors about ``resource``.

    ``service`` is the IAM prefix of the calls inside (``s3``, ``cloudformation``...).
    A ``ParamValidationError`` means slam built a bad request: a bug, so it propagates.
    """
    try:
        yield
    except ParamValidationError:
        raise
    except ClientError as error:
        raise client_error(error, service, resource) from error
    except (BotoCoreError, ResponseParserError) as error:  # an answer botocore cannot read too
        raise local_error(error, resource) from error


def client_error(error: ClientError, service: str, resource: str) -> SlamError:
    """The SlamError for an error AWS answered (after botocore's retries)."""
    code = error_code(error)
    operation = error.operation_name
    action = IAM_ACTIONS.get(operation, f"{service}:{operation}")
    message = error_message(error) or code
    if code in THROTTLING_CODES:
        attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        counted = f"{attempts} attempt" + ("s" if attempts > 1 else "")
        return SlamError(
            f"AWS kept throttling {action} on {resource} ({counted})",
            "wait a minute and run the command again; other tools may share this account's "
            "API quota (AWS_MAX_ATTEMPTS sets how often slam retries)",
        )
    if code in EXPIRED_CODES:
        return SlamError(
            f"your AWS credentials have expired ({action} on {resource})",
            "refresh them (with AWS SSO: `aws sso login`) and run the command again",
        )
    if code in REJECTED_CODES:
        return SlamError(
            f"AWS rejected your credentials ({action} on {resource}): {message}",
            "check them with `aws sts get-caller-identity` (with the same --profile)",
        )
    if code in DENIED_CODES:
        return SlamError(f"AWS denied {action} on {resource}: {message}", PERMISSIONS_HINT)
    return SlamError(f"{action} on {resource} failed: {message}", RETRY_HINT)


def local_error(error: Exception, resource: str) -> SlamError:
    """The SlamError for a botocore error raised without an answer AWS meant."""
    for kinds, message, hint in LOCAL_ERRORS:
        if isinstance(error, kinds):
            details = {"error": error, "resource": resource, **getattr(error, "kwargs", {})}
            return SlamError(message.format_map(details), hint)
    return SlamError(f"AWS call about {resource} failed: {error}", RETRY_HINT)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def http_status(error: ClientError) -> int | None:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None
