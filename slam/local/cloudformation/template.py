"""Reading a template body: JSON, or YAML with CloudFormation's short-form tags.

:func:`parse_template` checks what CloudFormation checks before touching anything
(sections, resource types, references, circular dependencies) and refuses the
rest with AWS's ``Template format error: ...`` messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import TemplateError

SECTIONS = frozenset(
    {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Rules",
        "Mappings",
        "Conditions",
        "Transform",
        "Resources",
        "Outputs",
        "Hooks",
    }
)
RESOURCE_KEYS = frozenset(
    {
        "Type",
        "Properties",
        "DependsOn",
        "Condition",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "Metadata",
        "CreationPolicy",
        "UpdatePolicy",
    }
)
LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")
FUNCTIONS_WITH_LIST = {"Fn::GetAtt", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If"}


@dataclass(frozen=True)
class Template:
    """A parsed template and the text it came from."""

    body: str
    document: Mapping[str, Any] = field(hash=False)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.document.get(name) or {}
        return value if isinstance(value, Mapping) else {}

    @property
    def parameters(self) -> Mapping[str, Any]:
        return self.section("Parameters")

    @property
    def resources(self) -> Mapping[str, Any]:
        return self.section("Resources")

    @property
    def outputs(self) -> Mapping[str, Any]:
        return self.section("Outputs")

    @property
    def conditions(self) -> Mapping[str, Any]:
        return self.section("Conditions")

    @property
    def mappings(self) -> Mapping[str, Any]:
        return self.section("Mappings")

    @property
    def description(self) -> str | None:
        value = self.document.get("Description")
        return None if value is None else str(value)

    @property
    def transforms(self) -> list[str]:
        value = self.document.get("Transform")
        if value is None:
            return []
        return [str(item) for item in value] if isinstance(value, list) else [str(value)]


class _Loader(yaml.SafeLoader):
    """YAML as CloudFormation reads it: short-form tags, and dates left as strings."""


def _short_form(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref" or suffix == "Condition":
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _short_form)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_body(body: str) -> Any:
    """The document a template body holds, JSON or YAML."""
    if body.lstrip().startswith("{"):
        try:
            return json.loads(body)
        except json.JSONDecodeError as error:
            raise TemplateError(
                f"JSON not well-formed. (line {error.lineno},  column {error.colno})"
            ) from None
    try:
        return yaml.load(body, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise TemplateError(f"YAML not well-formed.{where}") from None


def parse_template(body: str) -> Template:
    """The template in ``body``, with its structure checked as CloudFormation does."""
    document = load_body(body)
    if not isinstance(document, dict):
        raise TemplateError("unsupported structure.")
    unknown = sorted(key for key in document if key not in SECTIONS)
    if unknown:
        raise TemplateError(f"Invalid template property or properties [{', '.join(unknown)}]")
    template = Template(body, document)
    _check_resources(template)
    return template


def _check_resources(template: Template) -> None:
    resources = template.document.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        raise TemplateError("At least one Resources member must be defined.")
    for logical_id, resource in resources.items():
        if not LOGICAL_ID.fullmatch(logical_id):
            raise TemplateError(f"Resource name {logical_id} is non alphanumeric.")
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            raise TemplateError(
                f"[/Resources/{logical_id}] Every Resources object must contain a Type member."
            )
        extra = sorted(key for key in resource if key not in RESOURCE_KEYS)
        if extra:
            raise TemplateError(f"Invalid template resource property '{extra[0]}'")
    shared = sorted(set(resources) & set(template.parameters))
    if shared:
        raise TemplateError(f"Parameters and Resources share the logical IDs [{', '.join(shared)}]")
