"""What the local CloudFormation remembers: stacks, their resources, events and change sets."""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .template import Template

STACK_TYPE = "AWS::CloudFormation::Stack"
UPDATABLE = frozenset(
    {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
    | {"IMPORT_ROLLBACK_COMPLETE", "UPDATE_FAILED"}
)


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class Configuration:
    """What a stack is asked to be: template, parameter values, capabilities and tags."""

    template: Template
    parameters: Mapping[str, str]
    capabilities: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    notification_arns: tuple[str, ...] = ()
    role_arn: str | None = None

    def same_as(self, other: Configuration) -> bool:
        """Whether an update from ``other`` to this would change nothing."""
        return (
            self.template.document == other.template.document
            and dict(self.parameters) == dict(other.parameters)
            and self.tags == other.tags
        )


@dataclass
class StackResource:
    """One resource of a stack, as DescribeStackResources shows it."""

    logical_id: str
    type: str
    status: str
    physical_id: str | None = None
    reason: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    handle: Any = None
    updated: datetime.datetime = field(default_factory=now)

    def copy(self) -> StackResource:
        return StackResource(
            self.logical_id,
            self.type,
            self.status,
            self.physical_id,
            self.reason,
            dict(self.properties),
            self.attributes,
            self.handle,
            self.updated,
        )


@dataclass(frozen=True)
class StackEvent:
    id: str
    logical_id: str
    physical_id: str | None
    type: str
    status: str
    reason: str | None
    timestamp: datetime.datetime
    properties: str | None
    token: str | None


@dataclass
class ChangeSet:
    id: str
    name: str
    kind: str
    configuration: Configuration
    description: str | None
    created: datetime.datetime = field(default_factory=now)
    status: str = "CREATE_PENDING"
    execution_status: str = "UNAVAILABLE"
    reason: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RollbackPlan:
    """What undoing a failed update still has to do, kept while rollback is stuck."""

    previous: Configuration
    outputs: list[dict[str, str]]
    # Resources updated in place, by their state before the update.
    revert: dict[str, StackResource]
    # Resources to put back as they are (replaced, or never touched).
    restore: dict[str, StackResource]
    # Resources the update created, to delete.
    discard: list[StackResource]
    # Resources whose rollback failed: only these may be skipped by ContinueUpdateRollback.
    failed: set[str] = field(default_factory=set)


@dataclass
class Stack:
    id: str
    name: str
    region: str
    account: str
    configuration: Configuration
    status: str
    reason: str | None = None
    disable_rollback: bool = False
    termination_protection: bool = False
    timeout: int | None = None
    created: datetime.datetime = field(default_factory=now)
    updated: datetime.datetime | None = None
    deleted: datetime.datetime | None = None
    resources: dict[str, StackResource] = field(default_factory=dict)
    outputs: list[dict[str, str]] = field(default_factory=list)
    events: list[StackEvent] = field(default_factory=list)
    change_sets: dict[str, ChangeSet] = field(default_factory=dict)
    rollback: RollbackPlan | None = None
    token: str | None = None
    operation: str | None = None

    def record(
        self,
        resource: StackResource | None,
        status: str,
        reason: str | None = None,
    ) -> None:
        """Add an event for ``resource`` (None: the stack itself) in ``status``."""
        physical_id: str | None
        properties: str | None
        if resource is None:
            logical_id, physical_id, kind, properties = self.name, self.id, STACK_TYPE, None
        else:
            logical_id, physical_id, kind = resource.logical_id, resource.physical_id, resource.type
            properties = json.dumps(resource.properties, default=str)
            resource.status, resource.reason, resource.updated = status, reason, now()
        # Strictly increasing, so "newest first" is never ambiguous.
        last = self.events[-1].timestamp if self.events else EPOCH
        stamp = max(now(), last + datetime.timedelta(microseconds=1000))
        event_id = str(uuid.uuid4())
        if resource is not None:
            event_id = f"{logical_id}-{status}-{stamp.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}"
        self.events.append(
            StackEvent(
                event_id,
                logical_id,
                physical_id,
                kind,
                status,
                reason,
                stamp,
                properties,
                self.token,
            )
        )

    def set_status(self, status: str, reason: str | None = None) -> None:
        self.status, self.reason = status, reason
        self.record(None, status, reason)


class Store:
    """Every stack of this process, and the threads running their operations."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.stacks: list[Stack] = []
        self._workers: list[threading.Thread] = []

    def find(self, region: str, name_or_id: str) -> Stack | None:
        """The stack with this ID (even deleted), or the live stack with this name."""
        with self.lock:
            for stack in reversed(self.stacks):
                if stack.id == name_or_id:
                    return stack
                if (
                    stack.name == name_or_id
                    and stack.region == region
                    and stack.status != "DELETE_COMPLETE"
                ):
                    return stack
        return None

    def in_region(self, region: str) -> list[Stack]:
        with self.lock:
            return [stack for stack in self.stacks if stack.region == region]

    def export(self, region: str, name: str) -> str | None:
        """The value a live stack of ``region`` exports as ``name``."""
        with self.lock:
            for stack in self.stacks:
                if stack.region != region or stack.status == "DELETE_COMPLETE":
                    continue
                for output in stack.outputs:
                    if output.get("ExportName") == name:
                        return output["OutputValue"]
        return None

    def add(self, stack: Stack) -> None:
        with self.lock:
            self.stacks.append(stack)

    def run(self, operation: Callable[[], None]) -> None:
        """Run ``operation`` in its own thread, as AWS runs stack operations."""
        worker = threading.Thread(target=operation, name="cloudformation-operation", daemon=True)
        with self.lock:
            self._workers = [thread for thread in self._workers if thread.is_alive()]
            self._workers.append(worker)
        worker.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Let the running operations finish."""
        with self.lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(timeout)

    def reset(self) -> None:
        self.wait()
        with self.lock:
            self.stacks.clear()


STORE = Store()
