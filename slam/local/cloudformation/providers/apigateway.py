"""AWS::ApiGateway::RestApi, Resource, Method, Deployment, Stage and Account."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .base import Provider, Provisioned, ResourceFailure, ResourceRequest, changed, tags_dict

# MethodSettings keys and the paths UpdateStage patches them at.
METHOD_SETTING_PATHS = {
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled",
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
    "CacheDataEncrypted": "caching/dataEncrypted",
}
STAGE_FIELDS = {
    "DeploymentId": "deploymentId",
    "Description": "description",
    "CacheClusterEnabled": "cacheClusterEnabled",
    "CacheClusterSize": "cacheClusterSize",
    "TracingEnabled": "tracingEnabled",
}
REST_API_FIELDS = {
    "Name": "name",
    "Description": "description",
    "ApiKeySourceType": "apiKeySource",
    "MinimumCompressionSize": "minimumCompressionSize",
    "DisableExecuteApiEndpoint": "disableExecuteApiEndpoint",
}


def _camel(value: Any) -> Any:
    """CloudFormation's ``PascalCase`` keys as API Gateway's ``camelCase`` ones."""
    if isinstance(value, Mapping):
        return {key[:1].lower() + key[1:]: item for key, item in value.items()}
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class RestApi(Provider):
    type_name = "AWS::ApiGateway::RestApi"
    properties = frozenset(
        {*REST_API_FIELDS, "BinaryMediaTypes", "Body", "BodyS3Location", "CloneFrom"}
        | {"EndpointConfiguration", "FailOnWarnings", "Mode", "Parameters", "Policy", "Tags"}
    )
    unemulated = frozenset({"Body", "BodyS3Location", "CloneFrom", "Mode", "Parameters"})
    attributes = frozenset({"RestApiId", "RootResourceId"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        params = {api: props[name] for name, api in REST_API_FIELDS.items() if name in props}
        if "EndpointConfiguration" in props:
            params["endpointConfiguration"] = _camel(props["EndpointConfiguration"])
        if "Policy" in props:
            params["policy"] = _policy_text(props["Policy"])
        if props.get("Tags"):
            params["tags"] = tags_dict(props["Tags"])
        api = request.call("apigateway", "create_rest_api", **params)
        _set_binary_media_types(request, api["id"], props.get("BinaryMediaTypes") or [])
        return Provisioned(api["id"], _api_attributes(api))

    def update(self, request: ResourceRequest) -> Provisioned:
        api_id = str(request.physical_id)
        operations = [
            {"op": "replace", "path": f"/{api}", "value": _text(request.properties.get(name, ""))}
            for name, api in REST_API_FIELDS.items()
            if changed(request, name)
        ]
        if changed(request, "Policy"):
            policy = request.properties.get("Policy")
            value = _policy_text(policy) if policy else ""
            operations.append({"op": "replace", "path": "/policy", "value": value})
        api = request.call("apigateway", "get_rest_api", restApiId=api_id)
        if operations:
            api = request.call(
                "apigateway", "update_rest_api", restApiId=api_id, patchOperations=operations
            )
        if changed(request, "BinaryMediaTypes"):
            _set_binary_media_types(
                request, api_id, request.properties.get("BinaryMediaTypes") or []
            )
        return Provisioned(api_id, _api_attributes(api))

    def delete(self, request: ResourceRequest) -> None:
        # moto answers a 500 for an API that no longer exists; ask first.
        request.call("apigateway", "get_rest_api", restApiId=request.physical_id)
        request.call("apigateway", "delete_rest_api", restApiId=request.physical_id)


def _api_attributes(api: Mapping[str, Any]) -> dict[str, Any]:
    return {"RestApiId": api["id"], "RootResourceId": api["rootResourceId"]}


def _policy_text(policy: Any) -> str:
    return policy if isinstance(policy, str) else json.dumps(policy)


def _moto_rest_api(request: ResourceRequest, api_id: str) -> Any:
    """The REST API's model in moto's API Gateway backend (checked against moto 5.2.5),
    for what moto's API cannot change: see the callers."""
    from moto.apigateway.models import apigateway_backends

    backend = apigateway_backends[request.stack.account][request.stack.region]
    return backend.get_rest_api(api_id)


def _set_binary_media_types(request: ResourceRequest, api_id: str, types: list[str]) -> None:
    # moto 5.2.5's CreateRestApi ignores binaryMediaTypes, and its UpdateRestApi misreads
    # AWS's "/binaryMediaTypes/<type>" patch paths.
    _moto_rest_api(request, api_id).binaryMediaTypes = [str(kind) for kind in types]


class Resource(Provider):
    type_name = "AWS::ApiGateway::Resource"
    properties = frozenset({"ParentId", "PathPart", "RestApiId"})
    required = properties
    create_only = properties
    attributes = frozenset({"ResourceId"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        resource = request.call(
            "apigateway",
            "create_resource",
            restApiId=props["RestApiId"],
            parentId=props["ParentId"],
            pathPart=props["PathPart"],
        )
        return Provisioned(resource["id"], {"ResourceId": resource["id"]})

    def delete(self, request: ResourceRequest) -> None:
        request.call(
            "apigateway",
            "delete_resource",
            restApiId=request.properties["RestApiId"],
            resourceId=request.physical_id,
        )


class Method(Provider):
    type_name = "AWS::ApiGateway::Method"
    properties = frozenset(
        {"ApiKeyRequired", "AuthorizationScopes", "AuthorizationType", "AuthorizerId"}
        | {"HttpMethod", "Integration", "MethodResponses", "OperationName", "RequestModels"}
        | {"RequestParameters", "RequestValidatorId", "ResourceId", "RestApiId"}
    )
    required = frozenset({"HttpMethod", "ResourceId", "RestApiId"})
    create_only = frozenset({"HttpMethod", "ResourceId", "RestApiId"})

    def create(self, request: ResourceRequest) -> Provisioned:
        physical_id = request.short_name()
        _put_method(request)
        return Provisioned(physical_id)

    def update(self, request: ResourceRequest) -> Provisioned:
        self.delete(request)
        _put_method(request)
        return Provisioned(str(request.physical_id))

    def delete(self, request: ResourceRequest) -> None:
        request.call("apigateway", "delete_method", **_method_key(request.properties))


def _method_key(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "restApiId": props["RestApiId"],
        "resourceId": props["ResourceId"],
        "httpMethod": props["HttpMethod"],
    }


def _put_method(request: ResourceRequest) -> None:
    props = request.properties
    key = _method_key(props)
    names = ("ApiKeyRequired", "AuthorizationScopes", "AuthorizerId", "OperationName")
    settings = _camel({name: props[name] for name in names if name in props})
    for name in ("RequestModels", "RequestParameters", "RequestValidatorId"):
        if name in props:
            settings[name[:1].lower() + name[1:]] = props[name]
    authorization = props.get("AuthorizationType", "NONE")
    request.call("apigateway", "put_method", authorizationType=authorization, **key, **settings)
    for response in props.get("MethodResponses") or []:
        request.call("apigateway", "put_method_response", **key, **_camel(response))
    integration = dict(props.get("Integration") or {})
    if integration:
        responses = integration.pop("IntegrationResponses", [])
        request.call("apigateway", "put_integration", **key, **_camel(integration))
        for response in responses:
            request.call("apigateway", "put_integration_response", **key, **_camel(response))


class Deployment(Provider):
    type_name = "AWS::ApiGateway::Deployment"
    properties = frozenset(
        {"DeploymentCanarySettings", "Description", "RestApiId", "StageDescription", "StageName"}
    )
    required = frozenset({"RestApiId"})
    unemulated = frozenset({"DeploymentCanarySettings", "StageDescription"})
    create_only = frozenset({"RestApiId", "StageName"})
    attributes = frozenset({"DeploymentId"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        params = {"description": props["Description"]} if "Description" in props else {}
        if "StageName" in props:
            params["stageName"] = props["StageName"]
        deployment = request.call(
            "apigateway", "create_deployment", restApiId=props["RestApiId"], **params
        )
        return Provisioned(deployment["id"], {"DeploymentId": deployment["id"]})

    def update(self, request: ResourceRequest) -> Provisioned:
        deployment_id = str(request.physical_id)
        api_id = str(request.properties["RestApiId"])
        request.call("apigateway", "get_deployment", restApiId=api_id, deploymentId=deployment_id)
        # moto 5.2.5 does not implement UpdateDeployment: set the description on its model.
        deployment = _moto_rest_api(request, api_id).get_deployment(deployment_id)
        deployment.description = str(request.properties.get("Description", ""))
        return Provisioned(deployment_id, {"DeploymentId": deployment_id})

    def delete(self, request: ResourceRequest) -> None:
        api = request.properties["RestApiId"]
        if "StageName" in request.properties:
            request.call(
                "apigateway",
                "delete_stage",
                restApiId=api,
                stageName=request.properties["StageName"],
            )
        request.call(
            "apigateway", "delete_deployment", restApiId=api, deploymentId=request.physical_id
        )


class Stage(Provider):
    type_name = "AWS::ApiGateway::Stage"
    properties = frozenset(
        {*STAGE_FIELDS, "AccessLogSetting", "CanarySetting", "ClientCertificateId"}
        | {"DocumentationVersion", "MethodSettings", "RestApiId", "StageName", "Tags", "Variables"}
    )
    required = frozenset({"RestApiId"})
    unemulated = frozenset({"CanarySetting", "ClientCertificateId", "DocumentationVersion"})
    create_only = frozenset({"RestApiId", "StageName"})
    name_property = "StageName"

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        name = str(props.get("StageName") or request.generated_name(128))
        params = {api: props[key] for key, api in STAGE_FIELDS.items() if key in props}
        if props.get("Variables"):
            params["variables"] = props["Variables"]
        if props.get("Tags"):
            params["tags"] = tags_dict(props["Tags"])
        request.call(
            "apigateway", "create_stage", restApiId=props["RestApiId"], stageName=name, **params
        )
        operations = _settings_operations(props)
        if operations:
            try:
                _patch_stage(request, name, operations)
            except ResourceFailure:
                request.call(
                    "apigateway", "delete_stage", restApiId=props["RestApiId"], stageName=name
                )
                raise
        return Provisioned(name)

    def update(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        operations = [
            {"op": "replace", "path": f"/{api}", "value": _text(props.get(key, ""))}
            for key, api in STAGE_FIELDS.items()
            if changed(request, key)
        ]
        operations += _variable_operations(
            request.previous.get("Variables"), props.get("Variables")
        )
        if changed(request, "MethodSettings", "AccessLogSetting"):
            operations += _settings_operations(props)
        if operations:
            _patch_stage(request, str(request.physical_id), operations)
        return Provisioned(str(request.physical_id))

    def delete(self, request: ResourceRequest) -> None:
        request.call(
            "apigateway",
            "delete_stage",
            restApiId=request.properties["RestApiId"],
            stageName=request.physical_id,
        )


def _patch_stage(request: ResourceRequest, name: str, operations: list[dict[str, str]]) -> None:
    request.call(
        "apigateway",
        "update_stage",
        restApiId=request.properties["RestApiId"],
        stageName=name,
        patchOperations=operations,
    )


def _variable_operations(old: Any, new: Any) -> list[dict[str, str]]:
    old, new = dict(old or {}), dict(new or {})
    operations = [
        {"op": "replace", "path": f"/variables/{key}", "value": _text(value)}
        for key, value in new.items()
        if old.get(key) != value
    ]
    operations += [{"op": "remove", "path": f"/variables/{key}"} for key in old if key not in new]
    return operations


def _settings_operations(props: Mapping[str, Any]) -> list[dict[str, str]]:
    operations = []
    for setting in props.get("MethodSettings") or []:
        path = str(setting.get("ResourcePath", "/*"))
        method = str(setting.get("HttpMethod", "*"))
        target = "*" if path == "/*" else path.replace("/", "~1")
        for key, suffix in METHOD_SETTING_PATHS.items():
            if key in setting:
                operations.append(
                    {
                        "op": "replace",
                        "path": f"/{target}/{method}/{suffix}",
                        "value": _text(setting[key]),
                    }
                )
    access = props.get("AccessLogSetting") or {}
    for key, api in (("DestinationArn", "destinationArn"), ("Format", "format")):
        if key in access:
            operations.append(
                {"op": "replace", "path": f"/accessLogSettings/{api}", "value": access[key]}
            )
    return operations


class Account(Provider):
    type_name = "AWS::ApiGateway::Account"
    properties = frozenset({"CloudWatchRoleArn"})

    def create(self, request: ResourceRequest) -> Provisioned:
        self._apply(request)
        return Provisioned(request.short_name())

    def update(self, request: ResourceRequest) -> Provisioned:
        self._apply(request)
        return Provisioned(str(request.physical_id))

    def delete(self, request: ResourceRequest) -> None:
        """Nothing: as on AWS, the account's settings outlive the stack."""

    def _apply(self, request: ResourceRequest) -> None:
        arn = request.properties.get("CloudWatchRoleArn", "")
        request.call(
            "apigateway",
            "update_account",
            patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}],
        )
