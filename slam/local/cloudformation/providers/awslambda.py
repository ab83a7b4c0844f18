"""AWS::Lambda::Function, Version, Alias and Permission, through Lambda's API."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Mapping
from typing import Any

from .base import (
    Provider,
    Provisioned,
    ResourceRequest,
    changed,
    handler_failure,
    named_conflict,
    tags_dict,
)

# Function properties passed to CreateFunction under the same name.
FUNCTION_SETTINGS = (
    "Architectures",
    "CodeSigningConfigArn",
    "DeadLetterConfig",
    "Description",
    "Environment",
    "EphemeralStorage",
    "FileSystemConfigs",
    "FunctionName",
    "Handler",
    "ImageConfig",
    "KmsKeyArn",
    "Layers",
    "LoggingConfig",
    "MemorySize",
    "PackageType",
    "Role",
    "Runtime",
    "SnapStart",
    "Timeout",
    "TracingConfig",
    "VpcConfig",
)
# What UpdateFunctionConfiguration sets when a property leaves the template.
CONFIGURATION_DEFAULTS: Mapping[str, Any] = {
    "Description": "",
    "Environment": {"Variables": {}},
    "Timeout": 3,
    "MemorySize": 128,
    "Layers": [],
    "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []},
    "DeadLetterConfig": {},
    "TracingConfig": {"Mode": "PassThrough"},
    "EphemeralStorage": {"Size": 512},
    "KmsKeyArn": "",
    "FileSystemConfigs": [],
}
UPDATABLE = ("Handler", "Role", "Runtime", "ImageConfig", "LoggingConfig", "SnapStart")
CODE_FILE = {"python": "index.py", "nodejs": "index.js"}


class Function(Provider):
    type_name = "AWS::Lambda::Function"
    properties = frozenset(
        {*FUNCTION_SETTINGS, "Code", "Tags", "ReservedConcurrentExecutions", "RecursiveLoop"}
        | {"RuntimeManagementConfig"}
    )
    required = frozenset({"Code", "Role"})
    unemulated = frozenset({"RecursiveLoop", "RuntimeManagementConfig"})
    create_only = frozenset({"FunctionName"})
    name_property = "FunctionName"
    attributes = frozenset({"Arn", "SnapStartResponse"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        params = {name: props[name] for name in FUNCTION_SETTINGS if name in props}
        params.setdefault("FunctionName", request.generated_name())
        params["Code"] = _code(request)
        if props.get("Tags"):
            params["Tags"] = tags_dict(props["Tags"])
        with named_conflict(self.type_name, str(params["FunctionName"])):
            function = request.call("lambda", "create_function", **params)
        if "ReservedConcurrentExecutions" in props:
            request.call(
                "lambda",
                "put_function_concurrency",
                FunctionName=function["FunctionName"],
                ReservedConcurrentExecutions=props["ReservedConcurrentExecutions"],
            )
        return Provisioned(function["FunctionName"], {"Arn": function["FunctionArn"]})

    def update(self, request: ResourceRequest) -> Provisioned:
        name = str(request.physical_id)
        function = request.call("lambda", "get_function", FunctionName=name)["Configuration"]
        configuration = _configuration_changes(request)
        if configuration:
            request.call(
                "lambda", "update_function_configuration", FunctionName=name, **configuration
            )
        if changed(request, "Code", "Architectures"):
            code = _code(request)
            if "Architectures" in request.properties:
                code["Architectures"] = request.properties["Architectures"]
            request.call("lambda", "update_function_code", FunctionName=name, **code)
        if changed(request, "Tags"):
            _retag(request, function["FunctionArn"])
        if changed(request, "ReservedConcurrentExecutions"):
            _concurrency(request, name)
        return Provisioned(name, {"Arn": function["FunctionArn"]})

    def delete(self, request: ResourceRequest) -> None:
        request.call("lambda", "delete_function", FunctionName=request.physical_id)


def _code(request: ResourceRequest) -> dict[str, Any]:
    code = dict(request.properties.get("Code") or {})
    if "ZipFile" in code:
        return {"ZipFile": _inline_zip(str(code["ZipFile"]), request.properties)}
    if "S3Bucket" in code:
        _check_object(request, code)
    return {
        key: code[key]
        for key in ("S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri")
        if key in code
    }


def _inline_zip(source: str, props: Mapping[str, Any]) -> bytes:
    runtime = str(props.get("Runtime", "python"))
    name = next((file for prefix, file in CODE_FILE.items() if runtime.startswith(prefix)), "index")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), source)
    return buffer.getvalue()


def _check_object(request: ResourceRequest, code: Mapping[str, Any]) -> None:
    """Fail as Lambda does for a package that is not in S3 (moto would use empty code)."""
    from botocore.exceptions import ClientError

    s3 = request.stack.clients.client("s3", request.stack.region)
    try:
        s3.head_bucket(Bucket=code["S3Bucket"])
    except ClientError:
        raise _lambda_error(
            "Error occurred while GetObject. S3 Error Code: NoSuchBucket. "
            "S3 Error Message: The specified bucket does not exist"
        ) from None
    version = {"VersionId": code["S3ObjectVersion"]} if code.get("S3ObjectVersion") else {}
    try:
        s3.head_object(Bucket=code["S3Bucket"], Key=str(code.get("S3Key")), **version)
    except ClientError:
        raise _lambda_error(
            "Error occurred while GetObject. S3 Error Code: NoSuchKey. "
            "S3 Error Message: The specified key does not exist."
        ) from None


def _lambda_error(message: str) -> Exception:
    return handler_failure(
        f"{message} (Service: Lambda, Status Code: 400, Request ID: {uuid.uuid4()})",
        "InvalidRequest",
    )


def _configuration_changes(request: ResourceRequest) -> dict[str, Any]:
    props = request.properties
    updates: dict[str, Any] = {}
    for name in (*CONFIGURATION_DEFAULTS, *UPDATABLE):
        if changed(request, name):
            if name in props:
                updates[name] = props[name]
            elif name in CONFIGURATION_DEFAULTS:
                updates[name] = CONFIGURATION_DEFAULTS[name]
    return updates


def _retag(request: ResourceRequest, arn: str) -> None:
    old = tags_dict(request.previous.get("Tags"))
    new = tags_dict(request.properties.get("Tags"))
    removed = sorted(set(old) - set(new))
    if removed:
        request.call("lambda", "untag_resource", Resource=arn, TagKeys=removed)
    if new:
        request.call("lambda", "tag_resource", Resource=arn, Tags=new)


def _concurrency(request: ResourceRequest, name: str) -> None:
    value = request.properties.get("ReservedConcurrentExecutions")
    if value is None:
        request.call("lambda", "delete_function_concurrency", FunctionName=name)
    else:
        request.call(
            "lambda",
            "put_function_concurrency",
            FunctionName=name,
            ReservedConcurrentExecutions=value,
        )


class Version(Provider):
    type_name = "AWS::Lambda::Version"
    properties = frozenset(
        {"CodeSha256", "Description", "FunctionName", "ProvisionedConcurrencyConfig"}
        | {"RuntimePolicy", "FunctionScalingConfig"}
    )
    required = frozenset({"FunctionName"})
    unemulated = frozenset(
        {"ProvisionedConcurrencyConfig", "RuntimePolicy", "FunctionScalingConfig"}
    )
    # A version never changes: any change publishes a new one.
    create_only = frozenset({"CodeSha256", "Description", "FunctionName"})
    attributes = frozenset({"Version", "FunctionArn"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        params = {key: props[key] for key in ("CodeSha256", "Description") if key in props}
        version = request.call(
            "lambda", "publish_version", FunctionName=props["FunctionName"], **params
        )
        arn = version["FunctionArn"]
        return Provisioned(
            arn, {"Version": version["Version"], "FunctionArn": arn.rsplit(":", 1)[0]}
        )

    def delete(self, request: ResourceRequest) -> None:
        name, version = str(request.physical_id).rsplit(":", 1)
        request.call("lambda", "delete_function", FunctionName=name, Qualifier=version)


class Alias(Provider):
    type_name = "AWS::Lambda::Alias"
    properties = frozenset(
        {"FunctionName", "FunctionVersion", "Name", "Description", "RoutingConfig"}
        | {"ProvisionedConcurrencyConfig"}
    )
    required = frozenset({"FunctionName", "FunctionVersion", "Name"})
    unemulated = frozenset({"ProvisionedConcurrencyConfig"})
    create_only = frozenset({"FunctionName", "Name"})
    attributes = frozenset({"AliasArn"})

    def create(self, request: ResourceRequest) -> Provisioned:
        alias = request.call("lambda", "create_alias", **_alias_params(request.properties))
        return Provisioned(alias["AliasArn"], {"AliasArn": alias["AliasArn"]})

    def update(self, request: ResourceRequest) -> Provisioned:
        params = _alias_params(request.properties)
        params.setdefault("Description", "")
        params.setdefault("RoutingConfig", {"AdditionalVersionWeights": {}})
        alias = request.call("lambda", "update_alias", **params)
        return Provisioned(alias["AliasArn"], {"AliasArn": alias["AliasArn"]})

    def delete(self, request: ResourceRequest) -> None:
        props = request.properties
        request.call(
            "lambda", "delete_alias", FunctionName=props["FunctionName"], Name=props["Name"]
        )


def _alias_params(props: Mapping[str, Any]) -> dict[str, Any]:
    names = ("FunctionName", "FunctionVersion", "Name", "Description")
    params = {name: props[name] for name in names if name in props}
    if "RoutingConfig" in props:
        # CloudFormation lists the weights; Lambda's API maps version to weight.
        weights = props["RoutingConfig"].get("AdditionalVersionWeights") or []
        params["RoutingConfig"] = {
            "AdditionalVersionWeights": {
                str(item["FunctionVersion"]): float(item["FunctionWeight"]) for item in weights
            }
        }
    return params


class Permission(Provider):
    type_name = "AWS::Lambda::Permission"
    properties = frozenset(
        {"Action", "EventSourceToken", "FunctionName", "FunctionUrlAuthType", "Principal"}
        | {"PrincipalOrgID", "SourceAccount", "SourceArn", "InvokedViaFunctionUrl"}
    )
    required = frozenset({"Action", "FunctionName", "Principal"})
    create_only = properties

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        statement = request.generated_name(limit=100)
        names = ("Action", "EventSourceToken", "FunctionUrlAuthType", "Principal")
        params = {name: props[name] for name in names if name in props}
        for name in ("PrincipalOrgID", "SourceAccount", "SourceArn"):
            if name in props:
                params[name] = props[name]
        request.call(
            "lambda",
            "add_permission",
            StatementId=statement,
            **_function_and_qualifier(props),
            **params,
        )
        return Provisioned(statement)

    def delete(self, request: ResourceRequest) -> None:
        request.call(
            "lambda",
            "remove_permission",
            StatementId=request.physical_id,
            **_function_and_qualifier(request.properties),
        )


def _function_and_qualifier(props: Mapping[str, Any]) -> dict[str, str]:
    """FunctionName and Qualifier from a name or ARN that may end with ``:alias``."""
    name = str(props["FunctionName"])
    parts = name.split(":")
    if name.startswith("arn:") and len(parts) == 8:
        return {"FunctionName": ":".join(parts[:7]), "Qualifier": parts[7]}
    if not name.startswith("arn:") and len(parts) == 2:
        return {"FunctionName": parts[0], "Qualifier": parts[1]}
    return {"FunctionName": name}
