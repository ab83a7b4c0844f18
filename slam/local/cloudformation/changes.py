"""A change set's ``Changes``: what executing it would add, modify (or replace) and remove.

Each modified resource lists the top-level properties that change, with whether
the change recreates the resource (``Always`` / ``Conditionally`` / ``Never``, from
its provider), whether the new value is known now (``Static``) or only once a
resource it refers to exists (``Dynamic``), and what caused it: the template itself
(``DirectModification``), a parameter (``ParameterReference``) or another resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine import provider_for
from .graph import dependencies, waves
from .intrinsics import IntrinsicError, references, resolve
from .providers import StackContext
from .scope import UNKNOWN, StackScope
from .state import Configuration, StackResource

UNKNOWN_MARK = UNKNOWN.split("{")[0]


def describe_changes(
    resources: Mapping[str, StackResource],
    previous: Configuration | None,
    target: Configuration,
    context: StackContext,
) -> list[dict[str, Any]]:
    """The changes from a stack's ``resources`` to ``target``, as DescribeChangeSet shows them."""
    current = {
        name: resource
        for name, resource in resources.items()
        if resource.status not in ("DELETE_COMPLETE", "DELETE_SKIPPED")
    }
    scope = StackScope(context, target.template, target.parameters, current, preview=True)
    active = [name for name in target.template.resources if scope.active(name)]
    if previous is None:  # a CREATE change set: everything is new
        definitions = target.template.resources
        return [_change("Add", name, str(definitions[name]["Type"]), None) for name in active]
    graph = dependencies(target.template.resources, active, scope.condition)
    found: dict[str, dict[str, Any]] = {}
    for name in (name for wave in waves(graph) for name in wave):
        definition = target.template.resources[name]
        if name not in current:
            found[name] = _change("Add", name, str(definition["Type"]), None)
            continue
        change = _modification(current[name], definition, scope, previous, target)
        if change is not None:
            found[name] = change
            if change["ResourceChange"]["Replacement"] != "False":
                scope.unknown.add(name)
    changes = [found[name] for name in active if name in found]
    for name, resource in current.items():
        if name not in active:
            policy = _policy(previous, name)
            changes.append(_change("Remove", name, resource.type, resource.physical_id, policy))
    return changes


def _change(
    action: str, name: str, kind: str, physical_id: str | None, policy: str | None = None
) -> dict[str, Any]:
    change: dict[str, Any] = {"Action": action, "LogicalResourceId": name, "ResourceType": kind}
    if physical_id is not None:
        change["PhysicalResourceId"] = physical_id
    if policy is not None:
        change["PolicyAction"] = policy
    change.setdefault("Scope", [])
    change.setdefault("Details", [])
    return {"Type": "Resource", "ResourceChange": change}


def _policy(previous: Configuration, name: str) -> str:
    definition = previous.template.resources.get(name) or {}
    retained = definition.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate")
    return "Retain" if retained else "Delete"


def _modification(
    resource: StackResource,
    definition: Mapping[str, Any],
    scope: StackScope,
    previous: Configuration,
    target: Configuration,
) -> dict[str, Any] | None:
    try:
        properties = resolve(definition.get("Properties") or {}, scope) or {}
    except IntrinsicError:
        properties = {}
    if properties == resource.properties:
        return None
    provider = provider_for(resource.type)
    raw_before = _raw_properties(previous, resource.logical_id)
    raw_after = definition.get("Properties") or {}
    details = []
    for key in sorted(set(resource.properties) | set(properties)):
        before, after = resource.properties.get(key), properties.get(key)
        if before == after:
            continue
        recreation = provider.recreation(key, resource.properties, properties)
        causes = _causes(raw_before.get(key), raw_after.get(key), previous, target)
        dynamic = _unknown(after)
        details += [
            _detail(key, recreation, "Dynamic" if dynamic else "Static", source, entity)
            for source, entity in causes
        ]
    change = _change("Modify", resource.logical_id, resource.type, resource.physical_id)
    body = change["ResourceChange"]
    body["Details"] = details
    body["Scope"] = sorted({detail["Target"]["Attribute"] for detail in details})
    body["Replacement"] = _replacement(details)
    if body["Replacement"] != "False":
        body["PolicyAction"] = _replace_policy(definition)
    return change


def _unknown(value: Any) -> bool:
    """Whether ``value`` holds something only known once a resource is created."""
    if isinstance(value, str):
        return UNKNOWN_MARK in value
    if isinstance(value, dict):
        return any(_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_unknown(item) for item in value)
    return False


def _raw_properties(configuration: Configuration, name: str) -> Mapping[str, Any]:
    return (configuration.template.resources.get(name) or {}).get("Properties") or {}


def _causes(
    before: Any, after: Any, previous: Configuration, target: Configuration
) -> list[tuple[str, str | None]]:
    """Why a property's value changes: edited in the template, or what it refers to."""
    if before != after:
        return [("DirectModification", None)]
    causes: list[tuple[str, str | None]] = []
    for name in sorted(references(after)):
        if name in target.parameters:
            if previous.parameters.get(name) != target.parameters[name]:
                causes.append(("ParameterReference", name))
        elif name in target.template.resources:
            causes.append(("ResourceReference", name))
    return causes or [("DirectModification", None)]


def _detail(
    key: str, recreation: str, evaluation: str, source: str, entity: str | None
) -> dict[str, Any]:
    attribute = "Tags" if key == "Tags" else "Properties"
    target: dict[str, Any] = {"Attribute": attribute, "RequiresRecreation": recreation}
    if attribute == "Properties":
        target["Name"] = key
    detail: dict[str, Any] = {"Target": target, "Evaluation": evaluation, "ChangeSource": source}
    if entity is not None:
        detail["CausingEntity"] = entity
    return detail


def _replacement(details: list[dict[str, Any]]) -> str:
    recreations = [(d["Target"]["RequiresRecreation"], d["Evaluation"]) for d in details]
    if ("Always", "Static") in recreations:
        return "True"
    if any(recreation != "Never" for recreation, _ in recreations):
        return "Conditional"
    return "False"


def _replace_policy(definition: Mapping[str, Any]) -> str:
    """What happens to the replaced resource: the new template's UpdateReplacePolicy."""
    if definition.get("UpdateReplacePolicy") == "Retain":
        return "ReplaceAndRetain"
    return "ReplaceAndDelete"
