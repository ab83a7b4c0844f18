"""Parameter values and the scope a stack's intrinsic functions resolve in."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import ValidationError
from .intrinsics import IntrinsicError, as_text, resolve
from .providers import StackContext
from .state import StackResource
from .template import Template

LIST_TYPES = ("CommaDelimitedList", "List<")
PSEUDO_PARAMETERS = frozenset(
    {"AWS::AccountId", "AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::Partition"}
    | {"AWS::URLSuffix", "AWS::NotificationARNs", "AWS::NoValue"}
)
# Stands in, during a change set's preview, for what a resource will only know once created.
UNKNOWN = "\x00unresolved:{}\x00"


def resolve_parameters(
    template: Template,
    given: Sequence[Mapping[str, Any]],
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each template parameter's value: given, previous (UsePreviousValue) or default."""
    declared = template.parameters
    unknown = [str(p["ParameterKey"]) for p in given if p.get("ParameterKey") not in declared]
    if unknown:
        raise ValidationError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    values: dict[str, str] = {}
    for parameter in given:
        key = str(parameter["ParameterKey"])
        if parameter.get("UsePreviousValue"):
            if previous is None or key not in previous:
                raise ValidationError(
                    f"Invalid input for parameter key {key}. Cannot specify usePreviousValue "
                    "as true for a parameter key not in the previous template"
                )
            values[key] = previous[key]
        elif "ParameterValue" in parameter:
            values[key] = str(parameter["ParameterValue"])
    for key, declaration in declared.items():
        if key not in values and isinstance(declaration, Mapping) and "Default" in declaration:
            values[key] = as_text(declaration["Default"])
    missing = [key for key in declared if key not in values]
    if missing:
        raise ValidationError(f"Parameters: [{', '.join(missing)}] must have values")
    for key, value in values.items():
        check_parameter(key, value, declared[key] or {})
    return values


def check_parameter(key: str, value: str, declaration: Mapping[str, Any]) -> None:
    """Refuse a value its declaration does not allow, with AWS's messages."""
    allowed = declaration.get("AllowedValues")
    if allowed is not None and value not in [as_text(item) for item in allowed]:
        raise ValidationError(f"Parameter '{key}' must be one of AllowedValues")
    pattern = declaration.get("AllowedPattern")
    if pattern is not None and not re.fullmatch(str(pattern), value):
        raise ValidationError(f"Parameter '{key}' must match pattern {pattern}")
    if "MinLength" in declaration and len(value) < int(declaration["MinLength"]):
        raise ValidationError(
            f"Parameter '{key}' must contain at least {declaration['MinLength']} characters"
        )
    if "MaxLength" in declaration and len(value) > int(declaration["MaxLength"]):
        raise ValidationError(
            f"Parameter '{key}' must contain at most {declaration['MaxLength']} characters"
        )
    if declaration.get("Type") == "Number":
        _check_number(key, value, declaration)


def _check_number(key: str, value: str, declaration: Mapping[str, Any]) -> None:
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(f"Parameter '{key}' must be a number") from None
    if "MinValue" in declaration and number < float(declaration["MinValue"]):
        raise ValidationError(
            f"Parameter '{key}' must be a number not less than {declaration['MinValue']}"
        )
    if "MaxValue" in declaration and number > float(declaration["MaxValue"]):
        raise ValidationError(
            f"Parameter '{key}' must be a number not greater than {declaration['MaxValue']}"
        )


class StackScope:
    """What a stack's intrinsic functions see: parameters, pseudo parameters, resources."""

    def __init__(
        self,
        stack: StackContext,
        template: Template,
        parameters: Mapping[str, str],
        resources: Mapping[str, StackResource],
        exports: Callable[[str], Any] | None = None,
        preview: bool = False,
    ) -> None:
        self.stack = stack
        self.template = template
        self.parameters = parameters
        self.resources = resources
        self.exports = exports
        self.preview = preview
        # Resources a preview treats as not known yet: to be replaced.
        self.unknown: set[str] = set()
        self._conditions: dict[str, bool] = {}
        self._evaluating: set[str] = set()

    @property
    def region(self) -> str:
        return self.stack.region

    def ref(self, name: str) -> Any:
        pseudo = self._pseudo(name)
        if pseudo is not None:
            return pseudo
        if name in self.parameters:
            return self._parameter(name)
        resource = self.resources.get(name)
        if resource is not None and resource.physical_id is not None and name not in self.unknown:
            return resource.physical_id
        if self.preview and name in self.template.resources:
            return UNKNOWN.format(name)
        raise IntrinsicError(f"Template format error: Unresolved resource dependencies [{name}]")

    def _pseudo(self, name: str) -> Any:
        return {
            "AWS::AccountId": self.stack.account,
            "AWS::Region": self.stack.region,
            "AWS::StackName": self.stack.name,
            "AWS::StackId": self.stack.id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
        }.get(name)

    def _parameter(self, name: str) -> Any:
        value = self.parameters[name]
        kind = str((self.template.parameters.get(name) or {}).get("Type", "String"))
        if kind.startswith(LIST_TYPES):
            return [item.strip() for item in value.split(",")] if value else []
        return value

    def attribute(self, logical_id: str, name: str) -> Any:
        resource = self.resources.get(logical_id)
        if resource is None or resource.physical_id is None or logical_id in self.unknown:
            if self.preview and logical_id in self.template.resources:
                return UNKNOWN.format(f"{logical_id}.{name}")
            raise IntrinsicError(
                f"Template format error: Unresolved resource dependencies [{logical_id}]"
            )
        try:
            return resource.attributes[name]
        except KeyError:
            raise IntrinsicError(
                f"Template error: resource {logical_id} does not support attribute type "
                f"{name} in Fn::GetAtt"
            ) from None

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            expression = self.template.conditions.get(name)
            if expression is None or name in self._evaluating:
                raise IntrinsicError(
                    f"Template format error: Unresolved condition dependency {name}"
                )
            self._evaluating.add(name)
            try:
                self._conditions[name] = bool(resolve(expression, self))
            finally:
                self._evaluating.discard(name)
        return self._conditions[name]

    def mapping(self, name: str) -> Mapping[str, Any]:
        return self.template.mappings.get(name) or {}

    def export(self, name: str) -> Any:
        value = self.exports(name) if self.exports else None
        if value is None:
            raise IntrinsicError(f"No export named {name} found.")
        return value

    def active(self, logical_id: str) -> bool:
        """Whether the resource's Condition (if any) lets it exist."""
        condition = (self.template.resources.get(logical_id) or {}).get("Condition")
        return condition is None or self.condition(str(condition))
