"""What a slam stack's template deploys, read to serve one stage on this machine.

The template the ``template`` step writes (``.slam/build/template.json``) is the one
truth: ``slam serve`` serves the REST API and stage it declares, runs the function it
declares, and creates the stage's DynamoDB tables with the properties it gives them.

    deployment = Deployment(template, Place("123456789012", "us-east-1", "tasks-api"))
    api, stage = deployment.stage_api("dev")      # None: the stage has no REST API
    function = deployment.function(code_dir)      # a FunctionVersion of $LATEST
    tables = deployment.stage_tables("dev")       # {logical ID: AWS::DynamoDB::Table}

Intrinsic functions are resolved as CloudFormation would, with physical IDs made up
once per project: the same project always gets the same API ID and resource IDs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .cloudformation.intrinsics import IntrinsicError, resolve
from .functions import FunctionVersion
from .restapi import DEFAULT_TIMEOUT_MS, Integration, Resource, RestApi, Stage

FUNCTION = "Function"  # the logical ID of slam's function in every template
REST_API = "AWS::ApiGateway::RestApi"
ROOT_RESOURCE = "RootResourceId"


@dataclass(frozen=True)
class Place:
    """Where the deployment is made up to live: account, region and the project's name."""

    account: str
    region: str
    name: str

    def physical_id(self, logical_id: str, size: int) -> str:
        """A made-up ID, lower-case letters and digits, the same for the same resource."""
        digest = hashlib.sha256(f"{self.name}/{logical_id}".encode()).hexdigest()
        return digest[:size]

    @property
    def function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"


class _Scope:
    """What the template's intrinsic functions see, with made-up physical IDs."""

    def __init__(self, template: Mapping[str, Any], place: Place) -> None:
        self.template = template
        self.place = place
        self.resources: Mapping[str, Any] = template.get("Resources") or {}

    @property
    def region(self) -> str:
        return self.place.region

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::AccountId": self.place.account,
            "AWS::Region": self.place.region,
            "AWS::StackName": self.place.name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        parameters = self.template.get("Parameters") or {}
        if name in parameters:
            return str(parameters[name].get("Default", ""))
        if name not in self.resources:
            raise IntrinsicError(f"unresolved reference {name}")
        return self.physical_id(name)

    def physical_id(self, logical_id: str) -> str:
        kind = self.resources[logical_id].get("Type")
        if logical_id == FUNCTION:
            return self.place.name
        if kind == REST_API:
            return self.place.physical_id(logical_id, 10)
        if kind == "AWS::ApiGateway::Resource":
            return self.place.physical_id(logical_id, 6)
        return logical_id

    def attribute(self, logical_id: str, name: str) -> Any:
        kind = (self.resources.get(logical_id) or {}).get("Type")
        if logical_id == FUNCTION and name == "Arn":
            return self.place.function_arn
        if kind == REST_API and name == ROOT_RESOURCE:
            return self.place.physical_id(f"{logical_id}.{ROOT_RESOURCE}", 6)
        raise IntrinsicError(f"unresolved attribute {logical_id}.{name}")

    def condition(self, name: str) -> bool:
        raise IntrinsicError(f"unresolved condition {name}")

    def mapping(self, name: str) -> Mapping[str, Any]:
        mapping: Mapping[str, Any] = (self.template.get("Mappings") or {})[name]
        return mapping

    def export(self, name: str) -> Any:
        raise IntrinsicError(f"unresolved import {name}")

    def properties(self, logical_id: str) -> dict[str, Any]:
        """A resource's properties, resolved; those that cannot be are left out."""
        properties = self.resources[logical_id].get("Properties")
        resolved = {}
        for name, value in (properties if isinstance(properties, dict) else {}).items():
            try:
                resolved[name] = resolve(value, self)
            except (IntrinsicError, KeyError, TypeError, ValueError):
                continue  # a role's ARN, say: nothing serve needs
        return resolved


class Deployment:
    """The resources a template declares, as ``slam serve`` runs them."""

    def __init__(self, template: Mapping[str, Any], place: Place) -> None:
        self.place = place
        self._scope = _Scope(template, place)

    def _of_type(self, kind: str) -> list[str]:
        return [
            logical_id
            for logical_id, resource in self._scope.resources.items()
            if isinstance(resource, dict) and resource.get("Type") == kind
        ]

    def stage_api(self, stage_name: str) -> tuple[RestApi, Stage] | None:
        """The REST API serving ``stage_name``, and that stage; None if no API has it."""
        for logical_id in self._of_type("AWS::ApiGateway::Stage"):
            properties = self._scope.properties(logical_id)
            if properties.get("StageName") != stage_name:
                continue
            api_id = properties.get("RestApiId")
            api = self._rest_api(str(api_id))
            if api is not None:
                variables = {str(k): str(v) for k, v in (properties.get("Variables") or {}).items()}
                return api, Stage(stage_name, variables)
        return None

    def _rest_api(self, api_id: str) -> RestApi | None:
        found = [i for i in self._of_type(REST_API) if self._scope.physical_id(i) == api_id]
        if not found:
            return None
        properties = self._scope.properties(found[0])
        root = self._scope.attribute(found[0], ROOT_RESOURCE)
        parts = {root: (None, "")}
        for logical_id in self._of_type("AWS::ApiGateway::Resource"):
            resource = self._scope.properties(logical_id)
            if resource.get("RestApiId") == api_id:
                part = str(resource.get("PathPart", ""))
                parts[self._scope.physical_id(logical_id)] = (resource.get("ParentId"), part)
        methods: dict[str, dict[str, Integration | None]] = {key: {} for key in parts}
        for logical_id in self._of_type("AWS::ApiGateway::Method"):
            method = self._scope.properties(logical_id)
            resource_id = str(method.get("ResourceId"))
            if method.get("RestApiId") == api_id and resource_id in methods:
                verb = str(method.get("HttpMethod", "ANY")).upper()
                methods[resource_id][verb] = _integration(method.get("Integration"))
        resources = tuple(
            Resource(resource_id, _path(resource_id, parts), methods[resource_id])
            for resource_id in parts
        )
        media_types = tuple(
            str(media_type).replace("~1", "/")
            for media_type in properties.get("BinaryMediaTypes") or ()
        )
        return RestApi(api_id, self.place.account, self.place.region, resources, media_types)

    def function(self, code_dir: str) -> FunctionVersion:
        """slam's function, as its ``$LATEST`` version runs from ``code_dir``."""
        properties = self._scope.properties(FUNCTION)
        variables = (properties.get("Environment") or {}).get("Variables") or {}
        return FunctionVersion(
            account=self.place.account,
            region=self.place.region,
            name=self.place.name,
            version="$LATEST",
            runtime=str(properties.get("Runtime", "")),
            handler=str(properties.get("Handler", "")),
            timeout=int(properties.get("Timeout", 3)),
            memory=int(properties.get("MemorySize", 128)),
            environment=tuple(sorted((str(k), str(v)) for k, v in variables.items())),
            code_dir=code_dir,
        )

    def stage_tables(self, stage_name: str) -> dict[str, Any]:
        """The DynamoDB tables of one stage (``<stage>.<name>``), as the template declares them."""
        tables = {}
        for logical_id in self._of_type("AWS::DynamoDB::Table"):
            name = self._scope.properties(logical_id).get("TableName")
            if isinstance(name, str) and name.startswith(f"{stage_name}."):
                tables[logical_id] = self._scope.resources[logical_id]
        return tables


def _integration(integration: Any) -> Integration | None:
    if not isinstance(integration, dict):
        return None
    return Integration(
        str(integration.get("Type", "")),
        str(integration.get("Uri", "")),
        int(integration.get("TimeoutInMillis") or DEFAULT_TIMEOUT_MS),
    )


def _path(resource_id: str, parts: Mapping[str, tuple[Any, str]]) -> str:
    """A resource's full path, from its parents' path parts; "/" for the root."""
    names: list[str] = []
    seen: set[str] = set()
    current: Any = resource_id
    while current in parts and current not in seen:
        seen.add(current)
        parent, part = parts[current]
        if part:
            names.append(part)
        current = parent
    return "/" + "/".join(reversed(names))
