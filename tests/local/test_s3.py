"""S3 on the local AWS: ExpectedBucketOwner is checked as on AWS."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from .conftest import ACCOUNT, Clients

OTHER_ACCOUNT = "999999999999"


@pytest.fixture(scope="module")
def bucket(client: Clients) -> str:
    name = f"owned-{uuid.uuid4().hex[:8]}"
    client("s3").create_bucket(Bucket=name)
    client("s3").put_object(Bucket=name, Key="package.zip", Body=b"zip")
    return name


def test_the_owner_reaches_its_bucket(client: Clients, bucket: str):
    s3 = client("s3")
    head = s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=ACCOUNT)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_location(Bucket=bucket, ExpectedBucketOwner=ACCOUNT)
    body = s3.get_object(Bucket=bucket, Key="package.zip", ExpectedBucketOwner=ACCOUNT)["Body"]
    assert body.read() == b"zip"


def test_another_owner_is_refused(client: Clients, bucket: str):
    s3 = client("s3")
    with pytest.raises(ClientError) as head:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=OTHER_ACCOUNT)
    assert head.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    for call, params in (
        (s3.get_bucket_location, {}),
        (s3.put_object, {"Key": "other.zip", "Body": b"zip"}),
        (s3.head_object, {"Key": "package.zip"}),
    ):
        with pytest.raises(ClientError) as refused:
            call(Bucket=bucket, ExpectedBucketOwner=OTHER_ACCOUNT, **params)
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="other.zip")


def test_a_missing_bucket_is_missing_whoever_is_expected(client: Clients):
    with pytest.raises(ClientError) as missing:
        client("s3").head_bucket(Bucket="no-such-bucket-x1", ExpectedBucketOwner=OTHER_ACCOUNT)
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
