"""AWS::S3::Bucket, AWS::S3::BucketPolicy and AWS::Logs::LogGroup."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .base import (
    Provider,
    Provisioned,
    ResourceFailure,
    ResourceRequest,
    changed,
    handler_failure,
    named_conflict,
    tags_dict,
)


class Bucket(Provider):
    type_name = "AWS::S3::Bucket"
    properties = frozenset(
        {"AccelerateConfiguration", "AccessControl", "AnalyticsConfigurations", "BucketEncryption"}
        | {"BucketName", "CorsConfiguration", "IntelligentTieringConfigurations"}
        | {"InventoryConfigurations", "LifecycleConfiguration", "LoggingConfiguration"}
        | {"MetadataConfiguration", "MetadataTableConfiguration", "MetricsConfigurations"}
        | {"NotificationConfiguration", "ObjectLockConfiguration", "ObjectLockEnabled"}
        | {"OwnershipControls", "PublicAccessBlockConfiguration", "ReplicationConfiguration"}
        | {"Tags", "VersioningConfiguration", "WebsiteConfiguration", "AbacStatus"}
    )
    emulated = frozenset(
        {"BucketName", "BucketEncryption", "CorsConfiguration", "OwnershipControls"}
        | {"PublicAccessBlockConfiguration", "Tags", "VersioningConfiguration"}
    )
    unemulated = properties - emulated
    create_only = frozenset({"BucketName", "ObjectLockEnabled"})
    name_property = "BucketName"
    attributes = frozenset(
        {"Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"}
    )

    def create(self, request: ResourceRequest) -> Provisioned:
        from botocore.exceptions import ClientError

        name = str(request.properties.get("BucketName") or request.generated_name(63, True))
        s3 = request.stack.clients.client("s3", request.stack.region)
        try:
            s3.head_bucket(Bucket=name)
        except ClientError:
            pass
        else:
            raise handler_failure(f"{name} already exists", "AlreadyExists")
        location = {}
        if request.stack.region != "us-east-1":
            location["CreateBucketConfiguration"] = {"LocationConstraint": request.stack.region}
        request.call("s3", "create_bucket", Bucket=name, **location)
        try:
            _configure(request, name)
        except ResourceFailure:
            request.call("s3", "delete_bucket", Bucket=name)
            raise
        return Provisioned(name, _bucket_attributes(name, request.stack.region))

    def update(self, request: ResourceRequest) -> Provisioned:
        name = str(request.physical_id)
        request.call("s3", "head_bucket", Bucket=name)
        _configure(request, name)
        return Provisioned(name, _bucket_attributes(name, request.stack.region))

    def delete(self, request: ResourceRequest) -> None:
        request.call("s3", "delete_bucket", Bucket=request.physical_id)


def _bucket_attributes(name: str, region: str) -> dict[str, str]:
    return {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
    }


def _cors(value: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
    rules = [
        {renamed.get(key, key): item for key, item in rule.items()}
        for rule in value.get("CorsRules") or []
    ]
    return {"CORSConfiguration": {"CORSRules": rules}}


def _encryption(value: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {"ServerSideEncryptionByDefault": "ApplyServerSideEncryptionByDefault"}
    rules = [
        {renamed.get(key, key): item for key, item in rule.items()}
        for rule in value.get("ServerSideEncryptionConfiguration") or []
    ]
    return {"ServerSideEncryptionConfiguration": {"Rules": rules}}


# property: (put method, its arguments from the property's value, delete method)
BUCKET_SETTINGS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], str | None]] = {
    "VersioningConfiguration": (
        "put_bucket_versioning",
        lambda value: {"VersioningConfiguration": {"Status": value["Status"]}},
        None,
    ),
    "Tags": (
        "put_bucket_tagging",
        lambda value: {"Tagging": {"TagSet": list(value)}},
        "delete_bucket_tagging",
    ),
    "BucketEncryption": ("put_bucket_encryption", _encryption, "delete_bucket_encryption"),
    "PublicAccessBlockConfiguration": (
        "put_public_access_block",
        lambda value: {"PublicAccessBlockConfiguration": dict(value)},
        "delete_public_access_block",
    ),
    "OwnershipControls": (
        "put_bucket_ownership_controls",
        lambda value: {"OwnershipControls": dict(value)},
        "delete_bucket_ownership_controls",
    ),
    "CorsConfiguration": ("put_bucket_cors", _cors, "delete_bucket_cors"),
}


def _configure(request: ResourceRequest, name: str) -> None:
    for key, (put, arguments, remove) in BUCKET_SETTINGS.items():
        if not changed(request, key):
            continue
        value = request.properties.get(key)
        if value:
            request.call("s3", put, Bucket=name, **arguments(value))
        elif remove is not None:
            request.call("s3", remove, Bucket=name)
        else:
            status = {"VersioningConfiguration": {"Status": "Suspended"}}
            request.call("s3", put, Bucket=name, **status)


class BucketPolicy(Provider):
    type_name = "AWS::S3::BucketPolicy"
    properties = frozenset({"Bucket", "PolicyDocument"})
    required = properties
    create_only = frozenset({"Bucket"})

    def create(self, request: ResourceRequest) -> Provisioned:
        return self.update(request)

    def update(self, request: ResourceRequest) -> Provisioned:
        document = request.properties["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        bucket = str(request.properties["Bucket"])
        request.call("s3", "put_bucket_policy", Bucket=bucket, Policy=text)
        return Provisioned(bucket)

    def delete(self, request: ResourceRequest) -> None:
        request.call("s3", "delete_bucket_policy", Bucket=request.properties["Bucket"])


class LogGroup(Provider):
    type_name = "AWS::Logs::LogGroup"
    properties = frozenset(
        {"DataProtectionPolicy", "FieldIndexPolicies", "KmsKeyId", "LogGroupClass"}
        | {"LogGroupName", "RetentionInDays", "Tags", "ResourcePolicyDocument"}
        | {"DeletionProtectionEnabled", "BearerTokenAuthenticationEnabled"}
    )
    unemulated = frozenset(
        {"DataProtectionPolicy", "FieldIndexPolicies", "ResourcePolicyDocument"}
        | {"DeletionProtectionEnabled", "BearerTokenAuthenticationEnabled"}
    )
    create_only = frozenset({"LogGroupName", "LogGroupClass"})
    name_property = "LogGroupName"
    attributes = frozenset({"Arn"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        name = str(props.get("LogGroupName") or request.generated_name(512))
        params: dict[str, Any] = {}
        for key, api in (("KmsKeyId", "kmsKeyId"), ("LogGroupClass", "logGroupClass")):
            if key in props:
                params[api] = props[key]
        if props.get("Tags"):
            params["tags"] = tags_dict(props["Tags"])
        with named_conflict(self.type_name, name):
            request.call("logs", "create_log_group", logGroupName=name, **params)
        _retention(request, name)
        return Provisioned(name, self._attributes(request, name))

    def update(self, request: ResourceRequest) -> Provisioned:
        name = str(request.physical_id)
        groups = request.call("logs", "describe_log_groups", logGroupNamePrefix=name)["logGroups"]
        if not any(group["logGroupName"] == name for group in groups):
            raise handler_failure(
                f"Resource of type '{self.type_name}' with identifier '{name}' was not found.",
                "NotFound",
            )
        if changed(request, "RetentionInDays"):
            _retention(request, name)
        if changed(request, "Tags"):
            old = tags_dict(request.previous.get("Tags"))
            new = tags_dict(request.properties.get("Tags"))
            if set(old) - set(new):
                request.call(
                    "logs", "untag_log_group", logGroupName=name, tags=sorted(set(old) - set(new))
                )
            if new:
                request.call("logs", "tag_log_group", logGroupName=name, tags=new)
        return Provisioned(name, self._attributes(request, name))

    def delete(self, request: ResourceRequest) -> None:
        request.call("logs", "delete_log_group", logGroupName=request.physical_id)

    def _attributes(self, request: ResourceRequest, name: str) -> dict[str, str]:
        stack = request.stack
        return {"Arn": f"arn:aws:logs:{stack.region}:{stack.account}:log-group:{name}:*"}


def _retention(request: ResourceRequest, name: str) -> None:
    days = request.properties.get("RetentionInDays")
    if days is not None:
        request.call("logs", "put_retention_policy", logGroupName=name, retentionInDays=days)
    elif "RetentionInDays" in request.previous:
        request.call("logs", "delete_retention_policy", logGroupName=name)
