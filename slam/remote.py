"""What slam reads from AWS, as frozen values, and the settings that say which AWS to ask.

:mod:`slam.aws` makes the calls and returns these values; the deploy logic in
:mod:`slam.stack` takes them and decides. This module imports no boto3, so that logic,
its tests and the doit task loader can build and read these values without paying for
boto3's import. Each ``from_response`` reads one item of a boto3 response as AWS
documents it; optional fields AWS may leave out become ``None`` or empty.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CallerIdentity:
    """Who the credentials belong to: the account that slam is about to change."""

    account: str
    arn: str


class BucketState(enum.Enum):
    """Whether a bucket exists, and whose it is, as ``HeadBucket`` with an expected owner says."""

    MINE = "mine"
    MISSING = "missing"
    # Another account owns it; AWS answers the same when you may not read your own bucket.
    NOT_MINE = "not mine"


@dataclass(frozen=True)
class Bucket:
    """A bucket's state and, when it is yours, the region it lives in."""

    name: str
    state: BucketState
    region: str | None = None


@dataclass(frozen=True)
class StoredObject:
    """An object in a bucket."""

    key: str
    size: int
    last_modified: datetime.datetime


@dataclass(frozen=True)
class Stack:
    """One stack, as ``DescribeStacks`` reports it. ``outputs`` and ``parameters`` map
    keys to values."""

    stack_id: str
    name: str
    status: str
    status_reason: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_response(cls, stack: Mapping[str, Any]) -> Stack:
        return cls(
            stack_id=stack["StackId"],
            name=stack["StackName"],
            status=stack["StackStatus"],
            status_reason=stack.get("StackStatusReason"),
            parameters={
                parameter["ParameterKey"]: parameter.get("ParameterValue", "")
                for parameter in stack.get("Parameters", ())
            },
            outputs={
                output["OutputKey"]: output.get("OutputValue", "")
                for output in stack.get("Outputs", ())
            },
        )

    @property
    def region(self) -> str:
        """The region from the stack's ARN: ``arn:aws:cloudformation:REGION:ACCOUNT:stack/...``."""
        return self.stack_id.split(":")[3]

    @property
    def account(self) -> str:
        return self.stack_id.split(":")[4]


@dataclass(frozen=True)
class ChangeSetRequest:
    """What a change set should do: one of ``template_body`` / ``template_url`` (the
    latter for templates over CloudFormation's 51,200-byte body limit), the parameters
    (``None`` keeps the value the stack holds: ``UsePreviousValue``) and the capabilities
    the template needs. ``change_set_type`` is ``CREATE`` for a new stack, else ``UPDATE``.
    ``client_token`` makes a retried request idempotent."""

    stack_name: str
    change_set_name: str
    change_set_type: str
    parameters: Mapping[str, str | None]
    capabilities: tuple[str, ...] = ()
    template_body: str | None = None
    template_url: str | None = None
    client_token: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ChangeDetail:
    """Why a resource changes: which attribute (``Properties``, ``Metadata``...), which
    property, and whether the change recreates it (``Never``, ``Conditionally``, ``Always``)."""

    attribute: str | None
    name: str | None
    requires_recreation: str | None

    @classmethod
    def from_response(cls, detail: Mapping[str, Any]) -> ChangeDetail:
        target = detail.get("Target", {})
        return cls(target.get("Attribute"), target.get("Name"), target.get("RequiresRecreation"))


@dataclass(frozen=True)
class ResourceChange:
    """One resource a change set adds, modifies or removes.

    ``action`` is ``Add``, ``Modify``, ``Remove``, ``Import`` or ``Dynamic``;
    ``replacement`` is ``True``, ``False`` or ``Conditional`` (AWS's strings) for a
    modification; ``policy_action`` is what happens to a removed or replaced resource
    (``Delete``, ``Retain``, ``ReplaceAndDelete``...), when AWS says it.
    """

    action: str
    logical_id: str
    resource_type: str
    physical_id: str | None = None
    replacement: str | None = None
    policy_action: str | None = None
    details: tuple[ChangeDetail, ...] = ()

    @classmethod
    def from_response(cls, change: Mapping[str, Any]) -> ResourceChange:
        resource = change["ResourceChange"]
        return cls(
            action=resource["Action"],
            logical_id=resource["LogicalResourceId"],
            resource_type=resource.get("ResourceType", ""),
            physical_id=resource.get("PhysicalResourceId") or None,
            replacement=resource.get("Replacement"),
            policy_action=resource.get("PolicyAction"),
            details=tuple(map(ChangeDetail.from_response, resource.get("Details", ()))),
        )


@dataclass(frozen=True)
class ChangeSet:
    """A change set: its status (``CREATE_PENDING``... ``CREATE_COMPLETE`` or ``FAILED``),
    whether it can run (``execution_status`` ``AVAILABLE``) and its resource changes."""

    change_set_id: str
    name: str
    stack_id: str
    stack_name: str
    status: str
    execution_status: str | None = None
    status_reason: str | None = None
    changes: tuple[ResourceChange, ...] = ()

    @classmethod
    def from_pages(cls, pages: list[Mapping[str, Any]]) -> ChangeSet:
        """The change set from every page of ``DescribeChangeSet`` (changes come in pages)."""
        first = pages[0]
        return cls(
            change_set_id=first["ChangeSetId"],
            name=first["ChangeSetName"],
            stack_id=first["StackId"],
            stack_name=first["StackName"],
            status=first["Status"],
            execution_status=first.get("ExecutionStatus"),
            status_reason=first.get("StatusReason"),
            changes=tuple(
                ResourceChange.from_response(change)
                for page in pages
                for change in page.get("Changes", ())
                if "ResourceChange" in change
            ),
        )


@dataclass(frozen=True)
class StackEvent:
    """One line of a stack's history. ``client_token`` is the ``ClientRequestToken`` of
    the operation that caused it, which tells slam's operations from others'."""

    event_id: str
    timestamp: datetime.datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str | None = None
    physical_id: str | None = None
    client_token: str | None = None

    @classmethod
    def from_response(cls, event: Mapping[str, Any]) -> StackEvent:
        return cls(
            event_id=event["EventId"],
            timestamp=event["Timestamp"],
            logical_id=event.get("LogicalResourceId", ""),
            resource_type=event.get("ResourceType", ""),
            status=event.get("ResourceStatus", ""),
            reason=event.get("ResourceStatusReason") or None,
            physical_id=event.get("PhysicalResourceId") or None,
            client_token=event.get("ClientRequestToken") or None,
        )


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack and its status."""

    logical_id: str
    resource_type: str
    status: str
    physical_id: str | None = None
    reason: str | None = None

    @classmethod
    def from_response(cls, resource: Mapping[str, Any]) -> StackResource:
        return cls(
            logical_id=resource["LogicalResourceId"],
            resource_type=resource["ResourceType"],
            status=resource["ResourceStatus"],
            physical_id=resource.get("PhysicalResourceId") or None,
            reason=resource.get("ResourceStatusReason") or None,
        )


@dataclass(frozen=True)
class FunctionVersion:
    """A Lambda function's version (``$LATEST`` or a number) and its code's SHA-256 (base64,
    as Lambda reports it). ``state`` and ``last_update_status`` say whether it is ready."""

    function_name: str
    version: str
    code_sha256: str
    state: str | None = None
    last_update_status: str | None = None

    @classmethod
    def from_response(cls, configuration: Mapping[str, Any]) -> FunctionVersion:
        return cls(
            function_name=configuration["FunctionName"],
            version=configuration["Version"],
            code_sha256=configuration["CodeSha256"],
            state=configuration.get("State"),
            last_update_status=configuration.get("LastUpdateStatus"),
        )


class InvocationType(enum.Enum):
    """How ``Invoke`` runs the function: wait for its result, queue it, or only check access."""

    SYNC = "RequestResponse"
    ASYNC = "Event"
    DRY_RUN = "DryRun"


@dataclass(frozen=True)
class Invocation:
    """What ``Invoke`` answered. ``function_error`` is set when the function raised; then
    ``payload`` holds Lambda's error document (errorMessage, errorType, stackTrace)."""

    status_code: int
    payload: bytes = b""
    function_error: str | None = None
    executed_version: str | None = None
    log_tail: str | None = None


@dataclass(frozen=True)
class LogEvent:
    """One log line. ``timestamp`` is in milliseconds since the epoch, as CloudWatch gives it."""

    timestamp: int
    message: str
    stream: str
    event_id: str

    @classmethod
    def from_response(cls, event: Mapping[str, Any]) -> LogEvent:
        return cls(
            timestamp=event["timestamp"],
            message=event["message"],
            stream=event.get("logStreamName", ""),
            event_id=event["eventId"],
        )
