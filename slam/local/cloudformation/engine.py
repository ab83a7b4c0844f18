"""Processing a stack's resources: the forward pass of a create or update, and deletion.

Resources are processed in waves: every resource whose dependencies are done
starts (its ``*_IN_PROGRESS`` event), then each is provisioned in template order.
When one fails, the others of its wave that have not finished are cancelled
("Resource creation cancelled"), as on AWS where they run side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .graph import Dependencies, dependencies, reverse_waves, waves
from .intrinsics import IntrinsicError, as_text, resolve
from .providers import NotFound, Provider, ResourceFailure, ResourceRequest, StackContext
from .providers import provider_for as find_provider
from .scope import StackScope
from .state import STORE, Configuration, Stack, StackResource

REPLACING = "Requested update requires the creation of a new physical resource; hence creating one."


def provider_for(type_name: str) -> Provider:
    provider = find_provider(type_name)
    if provider is None:  # templates are checked when submitted
        raise ResourceFailure(f"Unrecognized resource type {type_name}")
    return provider


@dataclass
class Step:
    """One resource's part in a forward pass."""

    logical_id: str
    kind: str  # "create", "update" or "replace"
    properties: dict[str, Any]
    resource: StackResource
    error: str | None = None


@dataclass
class Progress:
    """What a forward pass did, for the cleanup after it or the rollback of it."""

    failed: list[str] = field(default_factory=list)
    create_failed: bool = False
    created: list[StackResource] = field(default_factory=list)
    revert: dict[str, StackResource] = field(default_factory=dict)
    restore: dict[str, StackResource] = field(default_factory=dict)
    replacements: list[StackResource] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    error: str | None = None


class Run:
    """One stack operation's work on resources, in the operation's worker thread."""

    def __init__(self, stack: Stack, context: StackContext) -> None:
        self.stack = stack
        self.context = context

    def scope(self, configuration: Configuration, preview: bool = False) -> StackScope:
        return StackScope(
            self.context,
            configuration.template,
            configuration.parameters,
            self.stack.resources,
            lambda name: STORE.export(self.stack.region, name),
            preview,
        )

    def mark(self, resource: StackResource, status: str, reason: str | None = None) -> None:
        with STORE.lock:
            self.stack.record(resource, status, reason)

    def request(self, resource: StackResource, **changes: Any) -> ResourceRequest:
        arguments: dict[str, Any] = {
            "logical_id": resource.logical_id,
            "type": resource.type,
            "properties": resource.properties,
            "stack": self.context,
            "physical_id": resource.physical_id,
            "handle": resource.handle,
        }
        arguments.update(changes)
        return ResourceRequest(**arguments)

    # The forward pass ---------------------------------------------------------------

    def forward(self, configuration: Configuration, progress: Progress) -> bool:
        """Create or update every active resource of ``configuration``; False on failure."""
        scope = self.scope(configuration)
        resources = configuration.template.resources
        try:
            progress.active = [name for name in resources if scope.active(name)]
            graph = dependencies(resources, progress.active, scope.condition)
        except IntrinsicError as error:
            progress.error = str(error)
            return False
        for wave in waves(graph):
            steps = [step for name in wave if (step := self.plan(name, scope)) is not None]
            for step in steps:
                self.begin(step, progress)
            for index, step in enumerate(steps):
                if not self.apply(step, progress):
                    self.cancel(steps[index + 1 :], progress)
                    return False
        return True

    def plan(self, logical_id: str, scope: StackScope) -> Step | None:
        definition = scope.template.resources[logical_id]
        current = self.stack.resources.get(logical_id)
        error = None
        try:
            properties = resolve(definition.get("Properties") or {}, scope) or {}
        except IntrinsicError as failure:
            properties, error = {}, str(failure)
        if current is None or current.physical_id is None:
            created = StackResource(logical_id, str(definition["Type"]), "", properties=properties)
            return Step(logical_id, "create", properties, created, error)
        unsettled = current.status.endswith("_FAILED")  # left so by an update not rolled back
        if error is None and properties == current.properties and not unsettled:
            return None
        provider = provider_for(current.type)
        if not provider.replacement(current.properties, properties):
            return Step(logical_id, "update", properties, current, error)
        error = error or _name_clash(provider, current.properties, properties)
        return Step(logical_id, "replace", properties, current, error)

    def begin(self, step: Step, progress: Progress) -> None:
        if step.kind == "create":
            with STORE.lock:
                self.stack.resources[step.logical_id] = step.resource
            progress.created.append(step.resource)
            self.mark(step.resource, "CREATE_IN_PROGRESS")
        elif step.kind == "update":
            self.mark(step.resource, "UPDATE_IN_PROGRESS")
        else:
            self.mark(step.resource, "UPDATE_IN_PROGRESS", REPLACING)

    def apply(self, step: Step, progress: Progress) -> bool:
        provider = provider_for(step.resource.type)
        refusal = step.error or self._refusal(provider, step)
        if refusal is not None:
            self._refuse(step, refusal, progress)
            return False
        try:
            if step.kind == "create":
                self._create(provider, step)
            elif step.kind == "update":
                progress.revert[step.logical_id] = step.resource.copy()
                self._update(provider, step)
            else:
                progress.restore[step.logical_id] = step.resource
                progress.replacements.append(self._replace(provider, step))
        except ResourceFailure as failure:
            self._fail(step, failure.reason, progress)
            return False
        return True

    def _refusal(self, provider: Provider, step: Step) -> str | None:
        """Why the step cannot even start; None if it can."""
        try:
            provider.check(self.request(step.resource, properties=step.properties))
        except ResourceFailure as failure:
            return failure.reason
        if step.kind == "update" and not provider.updatable:
            return f"The local AWS cannot update {provider.type_name} resources in place"
        return None

    def _create(self, provider: Provider, step: Step) -> None:
        result = provider.create(self.request(step.resource))
        resource = step.resource
        resource.physical_id, resource.attributes, resource.handle = (
            result.physical_id,
            result.attributes,
            result.handle,
        )
        self.mark(resource, "CREATE_COMPLETE")

    def _update(self, provider: Provider, step: Step) -> None:
        resource = step.resource
        result = provider.update(
            self.request(resource, properties=step.properties, previous=resource.properties)
        )
        resource.properties = step.properties
        resource.physical_id, resource.attributes = result.physical_id, result.attributes
        resource.handle = result.handle if result.handle is not None else resource.handle
        self.mark(resource, "UPDATE_COMPLETE")

    def _replace(self, provider: Provider, step: Step) -> StackResource:
        old = step.resource
        new = StackResource(old.logical_id, old.type, old.status, properties=step.properties)
        result = provider.create(self.request(new))
        new.physical_id, new.attributes, new.handle = (
            result.physical_id,
            result.attributes,
            result.handle,
        )
        with STORE.lock:
            self.stack.resources[old.logical_id] = new
        self.mark(new, "UPDATE_COMPLETE")
        return new

    def _refuse(self, step: Step, reason: str, progress: Progress) -> None:
        """A step that failed before touching anything: nothing to undo."""
        progress.failed.append(step.logical_id)
        if step.kind == "create":
            progress.create_failed = True
            self.mark(step.resource, "CREATE_FAILED", reason)
            return
        progress.restore[step.logical_id] = step.resource
        self.mark(step.resource, "UPDATE_FAILED", reason)

    def _fail(self, step: Step, reason: str, progress: Progress) -> None:
        """A step that failed in the service: an update may be half done."""
        if step.kind == "update":
            progress.revert.setdefault(step.logical_id, step.resource.copy())
            # Rolling back starts from what the update asked for.
            step.resource.properties = step.properties
        self._refuse(step, reason, progress)
        if step.kind == "update":
            del progress.restore[step.logical_id]

    def cancel(self, steps: Iterable[Step], progress: Progress) -> None:
        for step in steps:
            progress.failed.append(step.logical_id)
            if step.kind == "create":
                self.mark(step.resource, "CREATE_FAILED", "Resource creation cancelled")
            else:
                progress.restore[step.logical_id] = step.resource
                self.mark(step.resource, "UPDATE_FAILED", "Resource update cancelled")

    # Outputs ------------------------------------------------------------------------

    def outputs(self, configuration: Configuration) -> list[dict[str, str]]:
        """The template's outputs, resolved; IntrinsicError if one cannot be."""
        scope = self.scope(configuration)
        result = []
        for key, output in configuration.template.outputs.items():
            condition = output.get("Condition")
            if condition is not None and not scope.condition(str(condition)):
                continue
            entry = {"OutputKey": key, "OutputValue": as_text(resolve(output.get("Value"), scope))}
            if "Description" in output:
                entry["Description"] = str(output["Description"])
            export = (output.get("Export") or {}).get("Name")
            if export is not None:
                entry["ExportName"] = as_text(resolve(export, scope))
            result.append(entry)
        return result

    # Deletion -----------------------------------------------------------------------

    def delete(
        self,
        resources: Mapping[str, StackResource],
        graph: Dependencies,
        retain: set[str],
    ) -> list[str]:
        """Delete ``resources``, dependents first; the logical IDs that failed to delete.

        A resource some failed resource depends on is left alone, as AWS leaves it.
        """
        kept: set[str] = set()
        failed: list[str] = []
        for wave in reverse_waves(graph):
            for name in wave:
                if any(name in graph[other] for other in kept if other in graph):
                    kept.add(name)
                    continue
                if not self.delete_one(resources[name], name in retain):
                    kept.add(name)
                    failed.append(name)
        return failed

    def delete_one(self, resource: StackResource, retain: bool) -> bool:
        """Delete one resource; False if the service refused."""
        if retain:
            self.mark(resource, "DELETE_SKIPPED")
            return True
        if resource.physical_id is None:
            self.mark(resource, "DELETE_COMPLETE")
            return True
        self.mark(resource, "DELETE_IN_PROGRESS")
        try:
            provider_for(resource.type).delete(self.request(resource))
        except NotFound:
            pass
        except ResourceFailure as failure:
            self.mark(resource, "DELETE_FAILED", failure.reason)
            return False
        self.mark(resource, "DELETE_COMPLETE")
        return True

    def graph_of(
        self, resources: Mapping[str, StackResource], template: Mapping[str, Any]
    ) -> Dependencies:
        """Dependencies between ``resources``, read from ``template``'s definitions."""
        definitions = {
            name: template.get(name) or {"Type": resource.type}
            for name, resource in resources.items()
        }
        return dependencies(definitions, definitions)


def _name_clash(provider: Provider, old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """Why a replacement cannot happen: the new resource would take the old one's name."""
    name = provider.name_property
    if name is None or new.get(name) is None or new.get(name) != old.get(name):
        return None
    return (
        "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        f"Rename {new[name]} and update the stack again."
    )
