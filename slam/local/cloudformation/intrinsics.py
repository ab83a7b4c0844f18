"""CloudFormation's intrinsic functions: what a value refers to, and what it resolves to.

A :class:`Scope` answers ``Ref``, ``Fn::GetAtt`` and conditions; :func:`resolve`
does the rest (``Fn::Sub`` in both forms, ``Fn::Join``, ``Fn::Select``,
``Fn::Split``, ``Fn::If``, ``Fn::FindInMap``, ``Fn::Base64``, ``Fn::GetAZs``,
``Fn::ImportValue`` and ``AWS::NoValue``). :func:`references` lists the names a
value depends on, for ordering resources.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
NO_VALUE = "AWS::NoValue"


class Scope(Protocol):
    """What a template's intrinsic functions can see."""

    def ref(self, name: str) -> Any: ...

    def attribute(self, logical_id: str, name: str) -> Any: ...

    def condition(self, name: str) -> bool: ...

    def mapping(self, name: str) -> Mapping[str, Any]: ...

    def export(self, name: str) -> Any: ...

    @property
    def region(self) -> str: ...


class IntrinsicError(Exception):
    """A function used wrongly, or a name it cannot resolve."""


class _Removed:
    """The value of ``Ref: AWS::NoValue``: the property disappears."""


REMOVED = _Removed()


def resolve(value: Any, scope: Scope) -> Any:
    """``value`` with every intrinsic function replaced by what it stands for."""
    resolved = _resolve(value, scope)
    return None if resolved is REMOVED else resolved


def _resolve(value: Any, scope: Scope) -> Any:
    if isinstance(value, list):
        items = [_resolve(item, scope) for item in value]
        return [item for item in items if item is not REMOVED]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, argument),) = value.items()
        function = FUNCTIONS.get(key)
        if function is not None:
            return function(argument, scope)
    entries = {key: _resolve(item, scope) for key, item in value.items()}
    return {key: item for key, item in entries.items() if item is not REMOVED}


def _ref(argument: Any, scope: Scope) -> Any:
    if argument == NO_VALUE:
        return REMOVED
    if not isinstance(argument, str):
        raise IntrinsicError("Template error: every Ref object must have a single String value.")
    return scope.ref(argument)


def _get_att(argument: Any, scope: Scope) -> Any:
    if isinstance(argument, str):
        argument = argument.split(".", 1)
    if not isinstance(argument, list) or len(argument) != 2:
        raise IntrinsicError(
            "Template error: every Fn::GetAtt object requires two non-empty parameters"
        )
    name = _resolve(argument[1], scope)
    return scope.attribute(str(argument[0]), str(name))


def _sub(argument: Any, scope: Scope) -> str:
    variables: Mapping[str, Any] = {}
    if isinstance(argument, list) and len(argument) == 2:
        text, raw = argument
        variables = {key: _resolve(item, scope) for key, item in (raw or {}).items()}
    else:
        text = argument
    if not isinstance(text, str):
        raise IntrinsicError(
            "Template error: One or more Fn::Sub intrinsic functions don't "
            "specify expected arguments. Specify a string as first argument, "
            "and an optional second argument to specify a mapping of values "
            "to replace in the string"
        )

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            return as_text(variables[name])
        if "." in name and not name.startswith("AWS::"):
            logical_id, attribute = name.split(".", 1)
            return as_text(scope.attribute(logical_id, attribute))
        return as_text(scope.ref(name))

    return SUB_VARIABLE.sub(replace, text)


def as_text(value: Any) -> str:
    """A value as CloudFormation writes it into a string: lists joined by commas."""
    if isinstance(value, list):
        return ",".join(as_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _join(argument: Any, scope: Scope) -> str:
    if not isinstance(argument, list) or len(argument) != 2:
        raise IntrinsicError(
            "Template error: every Fn::Join object requires two parameters, "
            "(1) a string delimiter and (2) a list of strings to be joined "
            "or a function that returns a list of strings (such as Fn::GetAZs) "
            "to be joined."
        )
    delimiter, items = argument
    values = _resolve(items, scope)
    if not isinstance(values, list):
        raise IntrinsicError("Template error: Fn::Join requires a list of strings")
    return str(delimiter).join(as_text(item) for item in values)


def _select(argument: Any, scope: Scope) -> Any:
    index, items = _resolve(argument, scope)
    values = items if isinstance(items, list) else str(items).split(",")
    position = int(index)
    if not 0 <= position < len(values):
        raise IntrinsicError(
            f"Template error: Fn::Select cannot select nonexistent value at index {position}"
        )
    return values[position]


def _split(argument: Any, scope: Scope) -> list[str]:
    delimiter, text = _resolve(argument, scope)
    return str(text).split(str(delimiter))


def _if(argument: Any, scope: Scope) -> Any:
    if not isinstance(argument, list) or len(argument) != 3:
        raise IntrinsicError("Template error: Fn::If requires a list argument with three elements")
    name, when_true, when_false = argument
    return _resolve(when_true if scope.condition(str(name)) else when_false, scope)


def _find_in_map(argument: Any, scope: Scope) -> Any:
    name, top, second = (as_text(item) for item in _resolve(argument, scope)[:3])
    try:
        return scope.mapping(name)[top][second]
    except (KeyError, TypeError):
        raise IntrinsicError(
            f"Template error: Unable to get mapping for {name}::{top}::{second}"
        ) from None


def _base64(argument: Any, scope: Scope) -> str:
    return base64.b64encode(as_text(_resolve(argument, scope)).encode()).decode()


def _get_azs(argument: Any, scope: Scope) -> list[str]:
    region = as_text(_resolve(argument, scope)) or scope.region
    return [f"{region}{zone}" for zone in "abc"]


def _import_value(argument: Any, scope: Scope) -> Any:
    return scope.export(as_text(_resolve(argument, scope)))


def _condition_function(argument: Any, scope: Scope) -> bool:
    return scope.condition(str(argument))


def _equals(argument: Any, scope: Scope) -> bool:
    left, right = _resolve(argument, scope)
    return as_text(left) == as_text(right)


def _and(argument: Any, scope: Scope) -> bool:
    return all(_truth(item, scope) for item in argument)


def _or(argument: Any, scope: Scope) -> bool:
    return any(_truth(item, scope) for item in argument)


def _not(argument: Any, scope: Scope) -> bool:
    return not _truth(argument[0], scope)


def _truth(value: Any, scope: Scope) -> bool:
    return bool(_resolve(value, scope))


FUNCTIONS: dict[str, Callable[[Any, Scope], Any]] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::FindInMap": _find_in_map,
    "Fn::Base64": _base64,
    "Fn::GetAZs": _get_azs,
    "Fn::ImportValue": _import_value,
    "Condition": _condition_function,
    "Fn::Equals": _equals,
    "Fn::And": _and,
    "Fn::Or": _or,
    "Fn::Not": _not,
}


def references(value: Any, condition: Callable[[str], bool] | None = None) -> set[str]:
    """The names ``value`` refers to through Ref, Fn::GetAtt and Fn::Sub.

    With ``condition``, only the branch of each ``Fn::If`` that it selects counts.
    """
    found: set[str] = set()
    _collect(value, found, condition)
    return found


def _collect(value: Any, found: set[str], condition: Callable[[str], bool] | None) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, found, condition)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((key, argument),) = value.items()
        if _collect_function(key, argument, found, condition):
            return
    for item in value.values():
        _collect(item, found, condition)


def _collect_function(
    key: str, argument: Any, found: set[str], condition: Callable[[str], bool] | None
) -> bool:
    if key == "Ref" and isinstance(argument, str):
        found.add(argument)
    elif key == "Fn::GetAtt":
        target = argument.split(".", 1)[0] if isinstance(argument, str) else argument[0]
        found.add(str(target))
    elif key == "Fn::Sub":
        found.update(_sub_references(argument))
        if isinstance(argument, list) and len(argument) == 2:
            _collect(argument[1], found, condition)
    elif key == "Fn::If" and condition is not None and isinstance(argument, list):
        branch = argument[1] if condition(str(argument[0])) else argument[2]
        _collect(branch, found, condition)
    else:
        return False
    return True


def _sub_references(argument: Any) -> set[str]:
    if isinstance(argument, list) and len(argument) == 2:
        text, variables = argument
        local = set(variables or {})
    else:
        text, local = argument, set()
    if not isinstance(text, str):
        return set()
    names = set()
    for match in SUB_VARIABLE.finditer(text):
        name = match.group(1)
        if name.startswith("!"):
            continue
        base = name if name.startswith("AWS::") else name.split(".", 1)[0]
        if base not in local:
            names.add(base)
    return names
