"""What CloudFormation checks when a template is submitted: types, references, capabilities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import InsufficientCapabilities, TemplateError, ValidationError
from .graph import dependencies, depends_on, waves
from .intrinsics import references
from .providers import provider_for
from .scope import PSEUDO_PARAMETERS
from .template import Template

IAM_NAME_PROPERTIES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}
IAM_TYPES = frozenset(
    {*IAM_NAME_PROPERTIES, "AWS::IAM::Policy", "AWS::IAM::AccessKey"}
    | {"AWS::IAM::UserToGroupAddition"}
)


# What the local AWS does not run, though CloudFormation does: by type, or type prefix.
UNEMULATED_TYPES = {
    "AWS::CloudFormation::Stack": "nested stacks",
    "AWS::CloudFormation::CustomResource": "custom resources",
    "Custom::": "custom resources",
}


def check_template(template: Template) -> None:
    """Refuse a template CloudFormation would refuse before creating anything, and one
    the local AWS cannot run, saying why."""
    _check_emulated(template)
    unknown = sorted(
        {
            str(resource["Type"])
            for resource in template.resources.values()
            if provider_for(str(resource["Type"])) is None
        }
    )
    if unknown:
        raise TemplateError(f"Unrecognized resource types: [{', '.join(unknown)}]")
    _check_conditions(template)
    names = set(template.resources) | set(template.parameters) | PSEUDO_PARAMETERS
    _check_references(template.resources.values(), names, "Resources")
    _check_references(template.outputs.values(), names, "Outputs")
    _check_attributes(template)
    waves(dependencies(template.resources, template.resources))


def _check_emulated(template: Template) -> None:
    types = sorted({str(resource.get("Type", "")) for resource in template.resources.values()})
    for kind in types:
        for name, what in UNEMULATED_TYPES.items():
            if kind == name or (name.endswith("::") and kind.startswith(name)):
                raise ValidationError(f"The local AWS does not run {what}: {kind}")


def _check_conditions(template: Template) -> None:
    entries = (*template.resources.values(), *template.outputs.values())
    used = {entry.get("Condition") for entry in entries if isinstance(entry, Mapping)}
    used |= _conditions_in(list(entries))
    missing = sorted(str(name) for name in used - {None} if name not in template.conditions)
    if missing:
        raise TemplateError(f"Unresolved condition dependency {missing[0]}")


def _conditions_in(value: Any) -> set[Any]:
    """The conditions ``Fn::If`` functions in ``value`` name."""
    found: set[Any] = set()
    if isinstance(value, list):
        for item in value:
            found |= _conditions_in(item)
    elif isinstance(value, dict):
        argument = value.get("Fn::If")
        if len(value) == 1 and isinstance(argument, list) and argument:
            found.add(argument[0])
        for item in value.values():
            found |= _conditions_in(item)
    return found


def _check_references(entries: Iterable[Any], names: set[str], section: str) -> None:
    missing: set[str] = set()
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        missing |= references(entry.get("Properties") or entry.get("Value")) - names
        if section == "Resources":
            missing |= depends_on(entry) - names
    if missing:
        raise TemplateError(
            f"Unresolved resource dependencies [{', '.join(sorted(missing))}] in the "
            f"{section} block of the template"
        )


def _check_attributes(template: Template) -> None:
    for value in (*template.resources.values(), *template.outputs.values()):
        for logical_id, name in _get_atts(value):
            resource = template.resources.get(logical_id) or {}
            provider = provider_for(str(resource.get("Type", "")))
            if provider is not None and provider.attributes and name not in provider.attributes:
                raise ValidationError(
                    f"Template error: resource {logical_id} does not support attribute type "
                    f"{name} in Fn::GetAtt"
                )


def _get_atts(value: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            found += _get_atts(item)
    elif isinstance(value, dict):
        argument = value.get("Fn::GetAtt")
        if len(value) == 1 and isinstance(argument, (list, str)):
            parts = argument.split(".", 1) if isinstance(argument, str) else argument
            if len(parts) == 2 and isinstance(parts[1], str):
                found.append((str(parts[0]), parts[1]))
        for item in value.values():
            found += _get_atts(item)
    return found


def required_capabilities(template: Template) -> tuple[list[str], list[str]]:
    """The capabilities a template needs, and the resource types that need them."""
    if template.transforms:
        return ["CAPABILITY_AUTO_EXPAND"], []
    iam = [r for r in template.resources.values() if str(r.get("Type")) in IAM_TYPES]
    named = [
        resource
        for resource in iam
        if IAM_NAME_PROPERTIES.get(str(resource["Type"])) in (resource.get("Properties") or {})
    ]
    types = sorted({str(resource["Type"]) for resource in iam})
    if named:
        return ["CAPABILITY_NAMED_IAM"], types
    if iam:
        return ["CAPABILITY_IAM"], types
    return [], []


def check_capabilities(template: Template, given: Iterable[str]) -> None:
    """InsufficientCapabilitiesException, as AWS words it, unless ``given`` suffices."""
    needed, _ = required_capabilities(template)
    granted = set(given)
    if "CAPABILITY_NAMED_IAM" in granted:
        granted.add("CAPABILITY_IAM")
    missing = [capability for capability in needed if capability not in granted]
    if missing:
        raise InsufficientCapabilities(f"Requires capabilities : [{', '.join(missing)}]")
    if template.transforms:
        raise ValidationError(
            f"The local AWS does not run template transforms: {', '.join(template.transforms)}"
        )
