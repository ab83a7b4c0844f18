"""What slam reads off a template before deploying it: its hash, recorded as a stack
output, the capabilities it needs, and the resources CloudFormation keeps on removal."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..remote import Stack

# Recorded as an output, not a tag: CloudFormation copies stack tags onto every resource
# (a changed tag would touch them all), while outputs cost nothing and DescribeStacks
# returns them with the parameters, so one call answers "anything to do?".
TEMPLATE_HASH_OUTPUT = "SlamTemplateSha256"
# Above this size CloudFormation takes a template only through TemplateURL (from S3).
TEMPLATE_BODY_LIMIT = 51_200

IAM_PREFIX = "AWS::IAM::"
# An IAM resource with one of these properties has a name of the user's choosing.
IAM_NAME_PROPERTIES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}
MACRO = "AWS::CloudFormation::Macro"
NESTED_STACK = "AWS::CloudFormation::Stack"
RETAINING_POLICIES = frozenset({"Retain", "RetainExceptOnCreate"})


def template_sha256(template: Mapping[str, Any]) -> str:
    """The hex SHA-256 of a template, leaving out the output that records it.

    Hashes canonical JSON (sorted keys, no spaces), so the same template always gives
    the same hash, whichever way it was written.
    """
    body = dict(template)
    outputs = {
        key: value
        for key, value in (template.get("Outputs") or {}).items()
        if key != TEMPLATE_HASH_OUTPUT
    }
    body.pop("Outputs", None)
    if outputs:
        body["Outputs"] = outputs
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def with_template_hash(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``template`` whose output ``SlamTemplateSha256`` holds its hash."""
    digest = template_sha256(template)
    outputs = {
        key: value
        for key, value in (template.get("Outputs") or {}).items()
        if key != TEMPLATE_HASH_OUTPUT
    }
    outputs[TEMPLATE_HASH_OUTPUT] = {
        "Description": "The SHA-256 of this template without this output, for slam.",
        "Value": digest,
    }
    return {**template, "Outputs": outputs}


def deployed_template_sha256(stack: Stack) -> str | None:
    """The hash of the template the stack runs, as slam recorded it (None if it did not)."""
    return stack.outputs.get(TEMPLATE_HASH_OUTPUT)


def required_capabilities(template: Mapping[str, Any]) -> tuple[str, ...]:
    """The capabilities CloudFormation must be given to deploy ``template``.

    ``CAPABILITY_IAM`` for IAM resources, ``CAPABILITY_NAMED_IAM`` (which covers them
    too) when one has a chosen name, ``CAPABILITY_AUTO_EXPAND`` for transforms and
    macros. A nested stack may hold anything, so it asks for both of the latter.
    """
    resources = [
        resource
        for resource in (template.get("Resources") or {}).values()
        if isinstance(resource, Mapping)
    ]
    types = {str(resource.get("Type", "")) for resource in resources}
    named = NESTED_STACK in types or any(_has_chosen_name(resource) for resource in resources)
    capabilities = []
    if named:
        capabilities.append("CAPABILITY_NAMED_IAM")
    elif any(kind.startswith(IAM_PREFIX) for kind in types):
        capabilities.append("CAPABILITY_IAM")
    if "Transform" in template or types & {MACRO, NESTED_STACK} or _has_transform(template):
        capabilities.append("CAPABILITY_AUTO_EXPAND")
    return tuple(capabilities)


def _has_chosen_name(resource: Mapping[str, Any]) -> bool:
    name = IAM_NAME_PROPERTIES.get(str(resource.get("Type", "")))
    return name is not None and name in (resource.get("Properties") or {})


def _has_transform(value: Any) -> bool:
    """Whether ``Fn::Transform`` (a macro applied to a snippet) appears anywhere."""
    if isinstance(value, Mapping):
        return "Fn::Transform" in value or any(map(_has_transform, value.values()))
    if isinstance(value, list):
        return any(map(_has_transform, value))
    return False


def retained_resources(template: Mapping[str, Any]) -> frozenset[str]:
    """The logical IDs CloudFormation keeps when they leave the template (DeletionPolicy)."""
    return frozenset(
        logical_id
        for logical_id, resource in (template.get("Resources") or {}).items()
        if isinstance(resource, Mapping) and resource.get("DeletionPolicy") in RETAINING_POLICIES
    )
