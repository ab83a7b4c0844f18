"""moto's S3, checking ``ExpectedBucketOwner`` as AWS does.

A request whose ``x-amz-expected-bucket-owner`` header names another account than the
bucket's owner is refused with 403 ``AccessDenied`` (moto ignores the header), so a
deployment that guards against a bucket someone else took sees what it sees on AWS. A
bucket that does not exist is left to moto's own answer (404).

Where this reaches into moto (checked against moto 5.2.5):
``moto.s3.responses.S3Response._bucket_response`` and ``._key_response`` are wrapped;
the wrapper reads ``S3Response.parse_bucket_name_from_url``, ``S3Response.backend``'s
``get_bucket`` and ``FakeBucket.account_id``, and raises ``moto.s3.exceptions.S3ClientError``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

EXPECTED_OWNER = "x-amz-expected-bucket-owner"


def _owner_checked(respond: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(respond)
    def checked(response: Any, request: Any, full_url: str) -> Any:
        expected = request.headers.get(EXPECTED_OWNER)
        if expected and not owns(response, request, full_url, expected):
            from moto.s3.exceptions import S3ClientError

            if request.method == "HEAD":  # a HEAD answer has no body to explain itself in
                return 403, {}, ""
            raise S3ClientError("AccessDenied", "Access Denied")
        return respond(response, request, full_url)

    checked.slam_local = True  # type: ignore[attr-defined]
    return checked


def owns(response: Any, request: Any, full_url: str, account: str) -> bool:
    """Whether ``account`` owns the request's bucket (True when there is no such bucket)."""
    from moto.s3.exceptions import MissingBucket

    name = response.parse_bucket_name_from_url(request, full_url)
    if not name:
        return True
    try:
        bucket = response.backend.get_bucket(name)
    except MissingBucket:
        return True
    return str(bucket.account_id) == account


def install() -> None:
    from moto.s3.responses import S3Response

    responses: Any = S3Response
    for name in ("_bucket_response", "_key_response"):
        if not getattr(getattr(responses, name), "slam_local", False):
            setattr(responses, name, _owner_checked(getattr(responses, name)))
