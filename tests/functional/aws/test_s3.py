"""The package bucket on moto's S3: state, creation, protection, objects."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import boto3
import pytest
from botocore.stub import ANY

from slam.aws import AwsClient, AwsOptions
from slam.aws import s3 as s3_module
from slam.errors import SlamError
from slam.remote import Bucket, BucketState, StoredObject

from .conftest import ACCOUNT, stubbed


def keys(aws: AwsClient, bucket: str, prefix: str = "") -> list[str]:
    return [stored.key for stored in aws.s3.list_objects(bucket, prefix)]


def test_a_bucket_is_missing_then_mine_in_the_region_it_was_created_in(aws: AwsClient):
    assert aws.s3.bucket("slam-packages", ACCOUNT) == Bucket("slam-packages", BucketState.MISSING)
    aws.s3.create_bucket("slam-packages")
    assert aws.s3.bucket("slam-packages", ACCOUNT) == Bucket(
        "slam-packages", BucketState.MINE, "us-west-2"
    )
    location = aws.s3.client.get_bucket_location(Bucket="slam-packages")
    assert location["LocationConstraint"] == "us-west-2"


def test_in_us_east_1_a_bucket_has_no_location_constraint(aws: AwsClient):
    east = AwsClient(AwsOptions(region="us-east-1"))
    east.s3.create_bucket("slam-packages")
    assert east.s3.client.get_bucket_location(Bucket="slam-packages")["LocationConstraint"] is None
    # seen from another region, the bucket is still yours, and says where it lives
    assert aws.s3.bucket("slam-packages", ACCOUNT).region == "us-east-1"


def test_creating_a_bucket_you_own_again_is_fine(aws: AwsClient):
    aws.s3.create_bucket("slam-packages")
    aws.s3.client.put_object(Bucket="slam-packages", Key="kept", Body=b"x")
    aws.s3.create_bucket("slam-packages")
    assert keys(aws, "slam-packages") == ["kept"]


def test_a_name_another_account_holds_is_taken(aws: AwsClient):
    sts = boto3.client("sts")
    role = "arn:aws:iam::111111111111:role/other"
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="other")["Credentials"]
    other = boto3.client(
        "s3",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    other.create_bucket(
        Bucket="slam-packages", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    with pytest.raises(SlamError) as raised:
        aws.s3.create_bucket("slam-packages")
    assert (raised.value.message, raised.value.hint) == (
        "the bucket name slam-packages is taken by another AWS account",
        "bucket names are global: choose another aws.s3_bucket in slam.yaml",
    )


def test_a_bucket_another_account_owns_is_not_mine(offline_aws: AwsClient):
    # AWS answers 403 when the owner is not the expected one (moto does not check)
    with stubbed(offline_aws, "s3") as stubber:
        stubber.add_client_error(
            "head_bucket",
            "403",
            "Forbidden",
            403,
            expected_params={"Bucket": "slam-packages", "ExpectedBucketOwner": ACCOUNT},
        )
        state = offline_aws.s3.bucket("slam-packages", ACCOUNT)
    assert state == Bucket("slam-packages", BucketState.NOT_MINE)


def test_without_a_region_header_the_location_is_asked(offline_aws: AwsClient):
    with stubbed(offline_aws, "s3") as stubber:
        stubber.add_response("head_bucket", {})
        stubber.add_response("get_bucket_location", {"LocationConstraint": "EU"})
        state = offline_aws.s3.bucket("slam-packages", ACCOUNT)
    assert state == Bucket("slam-packages", BucketState.MINE, "eu-west-1")


def test_public_access_block_and_default_encryption(aws: AwsClient):
    aws.s3.create_bucket("slam-packages")
    assert aws.s3.public_access_blocked("slam-packages") is False
    assert aws.s3.default_encryption("slam-packages") is None
    aws.s3.block_public_access("slam-packages")
    aws.s3.encrypt_by_default("slam-packages")
    assert aws.s3.public_access_blocked("slam-packages") is True
    assert aws.s3.default_encryption("slam-packages") == "AES256"


def test_an_uploaded_package_exists_with_its_hash(aws: AwsClient, tmp_path: Path):
    aws.s3.create_bucket("slam-packages")
    package = tmp_path / "lambda_package.zip"
    package.write_bytes(b"PK\x05\x06" + bytes(18))
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    key = f"fizzbuzz/{digest}.zip"
    assert aws.s3.object_exists("slam-packages", key) is False
    aws.s3.upload_file("slam-packages", key, package, digest)
    assert aws.s3.object_exists("slam-packages", key) is True
    stored = aws.s3.client.get_object(Bucket="slam-packages", Key=key)
    assert (stored["Body"].read(), stored["ContentType"], stored["Metadata"]) == (
        package.read_bytes(),
        "application/zip",
        {"sha256": digest},
    )


def test_a_template_is_stored_as_given(aws: AwsClient):
    aws.s3.create_bucket("slam-packages")
    aws.s3.upload_bytes("slam-packages", "app/templates/1.json", b"{}", "application/json")
    stored = aws.s3.client.get_object(Bucket="slam-packages", Key="app/templates/1.json")
    assert (stored["Body"].read(), stored["ContentType"]) == (b"{}", "application/json")


def test_the_upload_asks_s3_to_check_the_bytes(offline_aws: AwsClient, tmp_path: Path):
    """S3 refuses a body whose SHA-256 is not the one sent with it (moto does not check)."""
    package = tmp_path / "lambda_package.zip"
    package.write_bytes(b"zip")
    digest = hashlib.sha256(b"zip").digest()
    request = {
        "Bucket": "slam-packages",
        "Key": "app/x.zip",
        "Body": ANY,
        "ContentType": "application/zip",
        "Metadata": {"sha256": digest.hex()},
        "ChecksumSHA256": base64.b64encode(digest).decode(),
    }
    with stubbed(offline_aws, "s3") as stubber:
        stubber.add_client_error(
            "put_object", "BadDigest", "The SHA256 you specified did not match", 400, request
        )
        with pytest.raises(SlamError) as raised:
            offline_aws.s3.upload_file("slam-packages", "app/x.zip", package, digest.hex())
    assert raised.value.message == (
        "s3:PutObject on s3://slam-packages/app/x.zip failed: "
        "The SHA256 you specified did not match"
    )


def test_objects_are_listed_under_a_prefix_and_deleted_in_batches(
    aws: AwsClient, monkeypatch: pytest.MonkeyPatch
):
    aws.s3.create_bucket("slam-packages")
    for key in ("app/1.zip", "app/2.zip", "app/3.zip", "other/1.zip"):
        aws.s3.client.put_object(Bucket="slam-packages", Key=key, Body=b"12345")
    listed = aws.s3.list_objects("slam-packages", "app/")
    assert [(stored.key, stored.size) for stored in listed] == [
        ("app/1.zip", 5),
        ("app/2.zip", 5),
        ("app/3.zip", 5),
    ]
    assert all(isinstance(stored, StoredObject) for stored in listed)
    monkeypatch.setattr(s3_module, "DELETE_BATCH", 2)
    aws.s3.delete_objects("slam-packages", ["app/1.zip", "app/2.zip", "app/3.zip"])
    assert keys(aws, "slam-packages") == ["other/1.zip"]


def test_a_missing_bucket_holds_no_objects(aws: AwsClient):
    assert aws.s3.list_objects("slam-packages", "app/") == []


def test_an_object_that_cannot_be_deleted_is_named(offline_aws: AwsClient):
    with stubbed(offline_aws, "s3") as stubber:
        failure = {"Key": "app/1.zip", "Code": "AccessDenied", "Message": "Access Denied"}
        stubber.add_response("delete_objects", {"Errors": [failure]})
        with pytest.raises(SlamError) as raised:
            offline_aws.s3.delete_objects("slam-packages", ["app/1.zip"])
    assert raised.value.message == "could not delete s3://slam-packages/app/1.zip: Access Denied"


def test_only_an_empty_bucket_is_deleted(aws: AwsClient):
    aws.s3.create_bucket("slam-packages")
    aws.s3.client.put_object(Bucket="slam-packages", Key="yours", Body=b"x")
    assert aws.s3.delete_bucket("slam-packages") is False
    assert aws.s3.bucket("slam-packages", ACCOUNT).state is BucketState.MINE
    aws.s3.delete_objects("slam-packages", ["yours"])
    assert aws.s3.delete_bucket("slam-packages") is True
    assert aws.s3.bucket("slam-packages", ACCOUNT).state is BucketState.MISSING
    assert aws.s3.delete_bucket("slam-packages") is True  # already gone


def test_object_url_is_on_the_endpoint_slam_uses(aws: AwsClient):
    assert aws.s3.object_url("slam-packages", "app/template.json") == (
        "https://s3.us-west-2.amazonaws.com/slam-packages/app/template.json"
    )
