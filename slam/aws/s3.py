"""The package bucket: its state, creation and protection, and the objects in it."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ..errors import SlamError
from ..remote import Bucket, BucketState, StoredObject
from .errors import error_code, http_status
from .session import Service, pages

US_EAST_1 = "us-east-1"
DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys
PUBLIC_ACCESS_BLOCK = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


class S3(Service):
    service = "s3"

    def bucket(self, name: str, owner: str) -> Bucket:
        """Whether bucket ``name`` exists and belongs to account ``owner``, and its region.

        HeadBucket with ``ExpectedBucketOwner``: 404 is missing, 403 is another
        account's (or one you may not read). botocore follows a bucket to its region.
        """
        with self.failures(f"bucket {name}"):
            try:
                answer = self.client.head_bucket(Bucket=name, ExpectedBucketOwner=owner)
            except ClientError as error:
                if http_status(error) == 404:
                    return Bucket(name, BucketState.MISSING)
                if http_status(error) == 403:
                    return Bucket(name, BucketState.NOT_MINE)
                raise
            region = answer.get("BucketRegion") or self._location(name, owner)
        return Bucket(name, BucketState.MINE, region)

    def _location(self, name: str, owner: str) -> str:
        # Endpoints that do not send x-amz-bucket-region: ask GetBucketLocation.
        answer = self.client.get_bucket_location(Bucket=name, ExpectedBucketOwner=owner)
        location = answer.get("LocationConstraint") or US_EAST_1
        return "eu-west-1" if location == "EU" else str(location)

    def create_bucket(self, name: str) -> None:
        """Create bucket ``name`` in the client's region, where the stack and its function
        are (Lambda reads code only from its own region). One of yours already is fine;
        a name another account holds is a SlamError saying so."""
        region = self._session.region
        params: dict[str, Any] = {"Bucket": name}
        if region != US_EAST_1:  # us-east-1 refuses its own name as a constraint
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        with self.failures(f"bucket {name}"):
            try:
                self.client.create_bucket(**params)
            except ClientError as error:
                if error_code(error) == "BucketAlreadyOwnedByYou":
                    return
                if error_code(error) == "BucketAlreadyExists":
                    raise SlamError(
                        f"the bucket name {name} is taken by another AWS account",
                        "bucket names are global: choose another aws.s3_bucket in slam.yaml",
                    ) from None
                raise

    def public_access_blocked(self, bucket: str) -> bool:
        """Whether all four public access block settings are on for ``bucket``."""
        with self.failures(f"bucket {bucket}"):
            try:
                answer = self.client.get_public_access_block(Bucket=bucket)
            except ClientError as error:
                if error_code(error) == "NoSuchPublicAccessBlockConfiguration":
                    return False
                raise
        settings = answer["PublicAccessBlockConfiguration"]
        return all(settings.get(name) for name in PUBLIC_ACCESS_BLOCK)

    def block_public_access(self, bucket: str) -> None:
        with self.failures(f"bucket {bucket}"):
            self.client.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration=dict.fromkeys(PUBLIC_ACCESS_BLOCK, True),
            )

    def default_encryption(self, bucket: str) -> str | None:
        """The algorithm new objects in ``bucket`` are encrypted with (``AES256``,
        ``aws:kms``...), or None."""
        with self.failures(f"bucket {bucket}"):
            try:
                answer = self.client.get_bucket_encryption(Bucket=bucket)
            except ClientError as error:
                if error_code(error) == "ServerSideEncryptionConfigurationNotFoundError":
                    return None
                raise
        rules = answer["ServerSideEncryptionConfiguration"].get("Rules") or [{}]
        algorithm = rules[0].get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
        return str(algorithm) if algorithm else None

    def encrypt_by_default(self, bucket: str) -> None:
        """Encrypt new objects in ``bucket`` with S3-managed keys (SSE-S3)."""
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        with self.failures(f"bucket {bucket}"):
            self.client.put_bucket_encryption(
                Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]}
            )

    def object_exists(self, bucket: str, key: str) -> bool:
        with self.failures(f"s3://{bucket}/{key}"):
            try:
                self.client.head_object(Bucket=bucket, Key=key)
            except ClientError as error:
                if http_status(error) == 404:
                    return False
                raise
        return True

    def upload_file(
        self, bucket: str, key: str, path: Path, sha256: str, content_type: str = "application/zip"
    ) -> None:
        """Upload ``path`` as ``key``, with its hex SHA-256 as metadata ``sha256``.

        S3 checks the bytes against that digest, so a file that changed since it was
        hashed is refused rather than stored.
        """
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        with path.open("rb") as body, self.failures(f"s3://{bucket}/{key}"):
            self.client.put_object(
                Bucket=bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata={"sha256": sha256},
                ChecksumSHA256=checksum,
            )

    def upload_bytes(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        """Store ``body`` as ``key`` (a template too large to send in a request)."""
        with self.failures(f"s3://{bucket}/{key}"):
            self.client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    def object_url(self, bucket: str, key: str) -> str:
        """The object's URL on the S3 endpoint slam uses, as ``TemplateURL`` takes it."""
        return f"{self.client.meta.endpoint_url.rstrip('/')}/{bucket}/{key}"

    def list_objects(self, bucket: str, prefix: str) -> list[StoredObject]:
        """The objects under ``prefix``; none when the bucket does not exist."""
        paginator = self.client.get_paginator("list_objects_v2")
        with self.failures(f"bucket {bucket}"):
            try:
                items = list(pages(paginator, "Contents", Bucket=bucket, Prefix=prefix))
            except ClientError as error:
                if error_code(error) == "NoSuchBucket":
                    return []
                raise
        return [StoredObject(item["Key"], item["Size"], item["LastModified"]) for item in items]

    def delete_objects(self, bucket: str, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
            with self.failures(f"bucket {bucket}"):
                answer = self.client.delete_objects(
                    Bucket=bucket, Delete={"Objects": batch, "Quiet": True}
                )
            for failure in answer.get("Errors", ())[:1]:
                raise SlamError(
                    f"could not delete s3://{bucket}/{failure['Key']}: {failure['Message']}",
                    "check the bucket's policy and your permissions, then run the command again",
                )

    def delete_bucket(self, bucket: str) -> bool:
        """Delete ``bucket`` if it is empty: False when it still holds objects."""
        with self.failures(f"bucket {bucket}"):
            try:
                self.client.delete_bucket(Bucket=bucket)
            except ClientError as error:
                if error_code(error) == "BucketNotEmpty":
                    return False
                if error_code(error) != "NoSuchBucket":
                    raise
        return True
