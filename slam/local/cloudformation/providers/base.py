"""What every resource provider shares: its request, its result, its failures, its AWS calls.

Providers act through the services' own APIs, called over HTTP on the local AWS
itself, as CloudFormation calls them on AWS: a resource fails with the error the
service gives, and every correction the local AWS makes to a service applies.
"""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, ClassVar

SUFFIX_ALPHABET = string.ascii_uppercase + string.digits
#: The user agent of the calls CloudFormation makes for a stack, as AWS's logs show it: they
#: are made with the credentials of whoever changes the stack.
CLOUDFORMATION_USER_AGENT = "cloudformation.amazonaws.com"
# The names AWS's resource handlers print in their messages, by boto3 service name.
SERVICE_NAMES = {
    "lambda": "Lambda",
    "s3": "S3",
    "dynamodb": "DynamoDb",
    "iam": "Iam",
    "apigateway": "ApiGateway",
    "logs": "CloudWatchLogs",
    "sts": "Sts",
}
HANDLER_CODES = {
    "ResourceNotFoundException": "NotFound",
    "NoSuchEntity": "NotFound",
    "NotFoundException": "NotFound",
    "NoSuchBucket": "NotFound",
    "ResourceConflictException": "AlreadyExists",
    "ResourceInUseException": "AlreadyExists",
    "EntityAlreadyExists": "AlreadyExists",
    "ResourceAlreadyExistsException": "AlreadyExists",
    "ConflictException": "AlreadyExists",
    "InvalidParameterValueException": "InvalidRequest",
    "ValidationException": "InvalidRequest",
    "BadRequestException": "InvalidRequest",
    "MalformedPolicyDocument": "InvalidRequest",
}


class ResourceFailure(Exception):
    """A resource that could not be provisioned, with the reason its event shows."""

    def __init__(self, reason: str, code: str = "GeneralServiceException") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class NotFound(ResourceFailure):
    """The resource is gone: deleting it is done, updating it fails."""


def handler_failure(message: str, code: str) -> ResourceFailure:
    """A failure worded as AWS's resource handlers word theirs."""
    reason = (
        f'Resource handler returned message: "{message}" '
        f"(RequestToken: {uuid.uuid4()}, HandlerErrorCode: {code})"
    )
    return NotFound(reason, code) if code == "NotFound" else ResourceFailure(reason, code)


@contextmanager
def named_conflict(type_name: str, name: str) -> Iterator[None]:
    """Reword a service's "already exists" as CloudFormation's resource handlers word it."""
    try:
        yield
    except ResourceFailure as failure:
        if failure.code != "AlreadyExists":
            raise
        raise handler_failure(
            f"Resource of type '{type_name}' with identifier '{name}' already exists.",
            "AlreadyExists",
        ) from None


def service_failure(service: str, error: Any) -> ResourceFailure:
    """The failure for a service's error answer (a botocore ``ClientError``)."""
    details = error.response.get("Error", {})
    metadata = error.response.get("ResponseMetadata", {})
    code = str(details.get("Code", "InternalFailure"))
    message = (
        f"{details.get('Message') or code} (Service: {SERVICE_NAMES.get(service, service)}, "
        f"Status Code: {metadata.get('HTTPStatusCode', 400)}, "
        f"Request ID: {metadata.get('RequestId', uuid.uuid4())})"
    )
    return handler_failure(message, HANDLER_CODES.get(code, "GeneralServiceException"))


class Clients:
    """boto3 clients for the local AWS at ``endpoint``, one per service and region."""

    def __init__(self, endpoint: str, access_key: str = "testing") -> None:
        self.endpoint = endpoint
        self.access_key = access_key
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = Lock()

    def client(self, service: str, region: str) -> Any:
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                self._clients[key] = self._make(service, region)
            return self._clients[key]

    def _make(self, service: str, region: str) -> Any:
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id=self.access_key,
            aws_secret_access_key="testing",
            region_name=region,
        )
        config = Config(
            retries={"total_max_attempts": 1},
            s3={"addressing_style": "path"},
            user_agent=CLOUDFORMATION_USER_AGENT,
        )
        return session.client(service, endpoint_url=self.endpoint, config=config)


@dataclass(frozen=True)
class StackContext:
    """The stack a resource belongs to, as its providers need it."""

    name: str
    id: str
    region: str
    account: str
    clients: Clients = field(repr=False)


@dataclass(frozen=True)
class ResourceRequest:
    """One resource to create, update or delete."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    stack: StackContext
    physical_id: str | None = None
    previous: Mapping[str, Any] = field(default_factory=dict)
    handle: Any = None

    def call(self, service: str, method: str, **params: Any) -> Any:
        """Call ``service``'s ``method``; the service's error becomes a ResourceFailure."""
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

        client = self.stack.clients.client(service, self.stack.region)
        operation = client.meta.service_model.operation_model(
            client.meta.method_to_api_mapping[method]
        )
        try:
            return getattr(client, method)(**coerce(params, operation.input_shape))
        except ClientError as error:
            raise service_failure(service, error) from None
        except ParamValidationError as error:
            raise ResourceFailure(
                f"Properties validation failed for resource {self.logical_id} with message: "
                f"{error.kwargs.get('report', error)}",
                "InvalidRequest",
            ) from None
        except BotoCoreError as error:  # the local AWS answered nothing a client can read
            raise handler_failure(str(error), "ServiceInternalError") from None

    def generated_name(self, limit: int = 64, lowercase: bool = False) -> str:
        """A name as CloudFormation makes one: ``<stack>-<logical id>-<12 random>``."""
        suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(12))
        prefix = f"{self.stack.name}-{self.logical_id}"[: limit - len(suffix) - 1]
        name = f"{prefix}-{suffix}"
        return name.lower() if lowercase else name

    def short_name(self) -> str:
        """An ID for resources AWS names ``<stack[:5]>-<logical id[:5]>-<12 random>``."""
        suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(12))
        return f"{self.stack.name[:5]}-{self.logical_id[:5]}-{suffix}"


@dataclass(frozen=True)
class Provisioned:
    """What a created or updated resource is known by: its physical ID and attributes."""

    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    handle: Any = None


class Provider:
    """How one resource type is created, updated and deleted, and what it accepts."""

    type_name: ClassVar[str] = ""
    # Every top-level property AWS accepts for the type; empty: not checked.
    properties: ClassVar[frozenset[str]] = frozenset()
    required: ClassVar[frozenset[str]] = frozenset()
    # Properties AWS accepts that the local AWS does not emulate.
    unemulated: ClassVar[frozenset[str]] = frozenset()
    # Properties whose change replaces the resource ("Update requires: Replacement").
    create_only: ClassVar[frozenset[str]] = frozenset()
    # Properties whose change may replace it, depending on the change.
    conditional: ClassVar[frozenset[str]] = frozenset()
    # The property that names the resource, if the user may choose the name.
    name_property: ClassVar[str | None] = None
    attributes: ClassVar[frozenset[str]] = frozenset()

    def check(self, request: ResourceRequest) -> None:
        """Refuse properties AWS would refuse, before calling any service."""
        for name in request.properties:
            if self.properties and name not in self.properties:
                raise ResourceFailure(f"Encountered unsupported property {name}")
            if name in self.unemulated:
                raise ResourceFailure(
                    f"Property {name} of {self.type_name} is not emulated by the local AWS"
                )
        missing = sorted(self.required - set(request.properties))
        if missing:
            raise ResourceFailure(
                f"Properties validation failed for resource {request.logical_id} with "
                f"message: #: required key [{missing[0]}] not found",
                "InvalidRequest",
            )

    def replacement(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        """Whether changing ``old`` properties to ``new`` replaces the resource."""
        return any(old.get(name) != new.get(name) for name in self.create_only)

    def recreation(self, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
        """What changing property ``name`` does, as a change set's RequiresRecreation."""
        if name in self.create_only:
            return "Always"
        if name in self.conditional:
            return "Conditionally"
        return "Never"

    def create(self, request: ResourceRequest) -> Provisioned:
        raise NotImplementedError

    @property
    def updatable(self) -> bool:
        """Whether the type can be updated in place (else every change replaces it)."""
        return type(self).update is not Provider.update

    def update(self, request: ResourceRequest) -> Provisioned:
        raise NotImplementedError(f"{self.type_name} resources are never updated in place")

    def delete(self, request: ResourceRequest) -> None:
        raise NotImplementedError


def changed(request: ResourceRequest, *names: str) -> bool:
    """Whether any of ``names`` differs between the previous and the new properties."""
    return any(request.previous.get(name) != request.properties.get(name) for name in names)


def tags_dict(tags: Any) -> dict[str, str]:
    """CloudFormation's ``[{Key, Value}]`` tags as a mapping."""
    return {str(tag["Key"]): str(tag["Value"]) for tag in tags or []}


def coerce(value: Any, shape: Any) -> Any:
    """``value`` with template strings turned into the types ``shape`` asks for."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {key: coerce(item, members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, Mapping):
        return {key: coerce(item, shape.value) for key, item in value.items()}
    return _coerce_scalar(value, kind)


def _coerce_scalar(value: Any, kind: str) -> Any:
    converters: dict[str, Any] = {
        "integer": int,
        "long": int,
        "float": float,
        "double": float,
        "boolean": lambda text: str(text).lower() == "true",
        "blob": lambda text: text.encode(),
        "string": lambda text: text,
    }
    if isinstance(value, str) and kind in converters:
        try:
            return converters[kind](value)
        except ValueError:
            return value
    if kind == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "string" and isinstance(value, (int, float)):
        return str(value)
    return value
