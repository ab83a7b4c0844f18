"""The order resources are processed in: dependencies, waves, and the reverse for deletion."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import ValidationError
from .intrinsics import references

Dependencies = dict[str, set[str]]


def depends_on(resource: Mapping[str, Any]) -> set[str]:
    value = resource.get("DependsOn") or []
    return {value} if isinstance(value, str) else {str(item) for item in value}


def dependencies(
    resources: Mapping[str, Any],
    active: Iterable[str],
    condition: Callable[[str], bool] | None = None,
) -> Dependencies:
    """For each active resource, the active resources it refers to or depends on."""
    names = set(active)
    graph: Dependencies = {}
    for logical_id in resources:
        if logical_id not in names:
            continue
        resource = resources[logical_id]
        found = references(resource.get("Properties") or {}, condition) | depends_on(resource)
        graph[logical_id] = {name for name in found if name in names and name != logical_id}
    return graph


def waves(graph: Dependencies) -> list[list[str]]:
    """Groups of resources that can be processed together, dependencies first.

    Within a wave, resources keep the template's order. A cycle is CloudFormation's
    ``Circular dependency between resources`` error.
    """
    done: set[str] = set()
    result: list[list[str]] = []
    remaining = [name for name in graph]
    while remaining:
        wave = [name for name in remaining if graph[name] <= done]
        if not wave:
            raise ValidationError(
                f"Circular dependency between resources: [{', '.join(sorted(remaining))}]"
            )
        result.append(wave)
        done.update(wave)
        remaining = [name for name in remaining if name not in done]
    return result


def reverse_waves(graph: Dependencies) -> list[list[str]]:
    """The waves for deletion: dependents before what they depend on."""
    dependents: Dependencies = {name: set() for name in graph}
    for name, needs in graph.items():
        for need in needs:
            dependents[need].add(name)
    return [list(reversed(wave)) for wave in waves(dependents)]
