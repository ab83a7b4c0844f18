"""AWS::IAM::Role, Policy and ManagedPolicy, through IAM's API.

A role's ``ManagedPolicyArns`` are attached for real, so a policy that does not
exist fails the role as it does on AWS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from .base import (
    NotFound,
    Provider,
    Provisioned,
    ResourceFailure,
    ResourceRequest,
    changed,
    named_conflict,
)

ENTITIES = (("Roles", "Role"), ("Users", "User"), ("Groups", "Group"))


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _inline_policies(props: Mapping[str, Any]) -> dict[str, Any]:
    return {str(p["PolicyName"]): p["PolicyDocument"] for p in props.get("Policies") or []}


class Role(Provider):
    type_name = "AWS::IAM::Role"
    properties = frozenset(
        {"AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration"}
        | {"Path", "PermissionsBoundary", "Policies", "RoleName", "Tags"}
    )
    required = frozenset({"AssumeRolePolicyDocument"})
    create_only = frozenset({"Path", "RoleName"})
    name_property = "RoleName"
    attributes = frozenset({"Arn", "RoleId"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        params = {
            name: props[name]
            for name in ("Description", "MaxSessionDuration", "Path", "PermissionsBoundary", "Tags")
            if name in props
        }
        name = str(props.get("RoleName") or request.generated_name())
        with named_conflict(self.type_name, name):
            role = request.call(
                "iam",
                "create_role",
                RoleName=name,
                AssumeRolePolicyDocument=_document(props["AssumeRolePolicyDocument"]),
                **params,
            )["Role"]
        try:
            self._attach(request, name, [], props.get("ManagedPolicyArns") or [])
            self._put_inline(request, name, {}, _inline_policies(props))
        except ResourceFailure:
            self.delete(
                ResourceRequest(request.logical_id, request.type, props, request.stack, name)
            )
            raise
        return Provisioned(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def update(self, request: ResourceRequest) -> Provisioned:
        name = str(request.physical_id)
        props, previous = request.properties, request.previous
        role = request.call("iam", "get_role", RoleName=name)["Role"]
        if changed(request, "AssumeRolePolicyDocument"):
            document = _document(props["AssumeRolePolicyDocument"])
            request.call("iam", "update_assume_role_policy", RoleName=name, PolicyDocument=document)
        if changed(request, "Description", "MaxSessionDuration"):
            settings = {"Description": props.get("Description", "")}
            settings["MaxSessionDuration"] = props.get("MaxSessionDuration", 3600)
            request.call("iam", "update_role", RoleName=name, **settings)
        self._update_boundary(request, name)
        self._attach(
            request,
            name,
            previous.get("ManagedPolicyArns") or [],
            props.get("ManagedPolicyArns") or [],
        )
        self._put_inline(request, name, _inline_policies(previous), _inline_policies(props))
        return Provisioned(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def delete(self, request: ResourceRequest) -> None:
        name = request.physical_id
        attached = request.call("iam", "list_attached_role_policies", RoleName=name)
        for policy in attached["AttachedPolicies"]:
            request.call("iam", "detach_role_policy", RoleName=name, PolicyArn=policy["PolicyArn"])
        for policy in request.call("iam", "list_role_policies", RoleName=name)["PolicyNames"]:
            request.call("iam", "delete_role_policy", RoleName=name, PolicyName=policy)
        request.call("iam", "delete_role", RoleName=name)

    def _attach(self, request: ResourceRequest, name: str, old: list[Any], new: list[Any]) -> None:
        for arn in old:
            if arn not in new:
                request.call("iam", "detach_role_policy", RoleName=name, PolicyArn=arn)
        for arn in new:
            if arn not in old:
                request.call("iam", "attach_role_policy", RoleName=name, PolicyArn=arn)

    def _put_inline(
        self, request: ResourceRequest, name: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        for policy in old:
            if policy not in new:
                request.call("iam", "delete_role_policy", RoleName=name, PolicyName=policy)
        for policy, document in new.items():
            if old.get(policy) != document:
                request.call(
                    "iam",
                    "put_role_policy",
                    RoleName=name,
                    PolicyName=policy,
                    PolicyDocument=_document(document),
                )

    def _update_boundary(self, request: ResourceRequest, name: str) -> None:
        if not changed(request, "PermissionsBoundary"):
            return
        boundary = request.properties.get("PermissionsBoundary")
        if boundary:
            request.call(
                "iam", "put_role_permissions_boundary", RoleName=name, PermissionsBoundary=boundary
            )
        else:
            request.call("iam", "delete_role_permissions_boundary", RoleName=name)


class Policy(Provider):
    type_name = "AWS::IAM::Policy"
    properties = frozenset({"PolicyDocument", "PolicyName", "Groups", "Roles", "Users"})
    required = frozenset({"PolicyDocument", "PolicyName"})

    def create(self, request: ResourceRequest) -> Provisioned:
        _put_policy(request, request.properties)
        return Provisioned(request.short_name())

    def update(self, request: ResourceRequest) -> Provisioned:
        old, new = request.previous, request.properties
        if old.get("PolicyName") != new.get("PolicyName"):
            _delete_policy(request, old, _members(old))
        else:
            _delete_policy(request, old, _members(old) - _members(new))
        _put_policy(request, new)
        return Provisioned(str(request.physical_id))

    def delete(self, request: ResourceRequest) -> None:
        _delete_policy(request, request.properties, _members(request.properties))


def _members(props: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(kind, str(name)) for key, kind in ENTITIES for name in props.get(key) or []}


def _put_policy(request: ResourceRequest, props: Mapping[str, Any]) -> None:
    document = _document(props["PolicyDocument"])
    for kind, name in sorted(_members(props)):
        request.call(
            "iam",
            f"put_{kind.lower()}_policy",
            **{f"{kind}Name": name},
            PolicyName=props["PolicyName"],
            PolicyDocument=document,
        )


def _delete_policy(
    request: ResourceRequest, props: Mapping[str, Any], members: set[tuple[str, str]]
) -> None:
    for kind, name in sorted(members):
        with suppress(NotFound):
            request.call(
                "iam",
                f"delete_{kind.lower()}_policy",
                **{f"{kind}Name": name},
                PolicyName=props["PolicyName"],
            )


class ManagedPolicy(Provider):
    type_name = "AWS::IAM::ManagedPolicy"
    properties = frozenset(
        {"Description", "Groups", "ManagedPolicyName", "Path", "PolicyDocument", "Roles", "Users"}
    )
    required = frozenset({"PolicyDocument"})
    create_only = frozenset({"Description", "ManagedPolicyName", "Path"})
    name_property = "ManagedPolicyName"
    attributes = frozenset({"PolicyArn", "PolicyId", "DefaultVersionId"})

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        params = {name: props[name] for name in ("Description", "Path") if name in props}
        policy = request.call(
            "iam",
            "create_policy",
            PolicyName=props.get("ManagedPolicyName") or request.generated_name(128),
            PolicyDocument=_document(props["PolicyDocument"]),
            **params,
        )["Policy"]
        arn = policy["Arn"]
        try:
            _attach_policy(request, arn, set(), _members(props))
        except ResourceFailure:
            self.delete(
                ResourceRequest(request.logical_id, request.type, props, request.stack, arn)
            )
            raise
        return Provisioned(arn, _policy_attributes(policy))

    def update(self, request: ResourceRequest) -> Provisioned:
        arn = str(request.physical_id)
        if changed(request, "PolicyDocument"):
            versions = request.call("iam", "list_policy_versions", PolicyArn=arn)["Versions"]
            old = [v["VersionId"] for v in versions if not v["IsDefaultVersion"]]
            if len(versions) >= 5:
                request.call("iam", "delete_policy_version", PolicyArn=arn, VersionId=old[-1])
            request.call(
                "iam",
                "create_policy_version",
                PolicyArn=arn,
                SetAsDefault=True,
                PolicyDocument=_document(request.properties["PolicyDocument"]),
            )
        _attach_policy(request, arn, _members(request.previous), _members(request.properties))
        policy = request.call("iam", "get_policy", PolicyArn=arn)["Policy"]
        return Provisioned(arn, _policy_attributes(policy))

    def delete(self, request: ResourceRequest) -> None:
        arn = str(request.physical_id)
        entities = request.call("iam", "list_entities_for_policy", PolicyArn=arn)
        attached = {
            (kind, str(entity[f"{kind}Name"]))
            for key, kind in ENTITIES
            for entity in entities.get(f"Policy{key}", [])
        }
        _attach_policy(request, arn, attached, set())
        for version in request.call("iam", "list_policy_versions", PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                request.call(
                    "iam", "delete_policy_version", PolicyArn=arn, VersionId=version["VersionId"]
                )
        request.call("iam", "delete_policy", PolicyArn=arn)


def _policy_attributes(policy: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "PolicyArn": policy["Arn"],
        "PolicyId": policy["PolicyId"],
        "DefaultVersionId": policy.get("DefaultVersionId", "v1"),
    }


def _attach_policy(
    request: ResourceRequest, arn: str, old: set[tuple[str, str]], new: set[tuple[str, str]]
) -> None:
    for kind, name in sorted(old - new):
        with suppress(NotFound):
            request.call(
                "iam", f"detach_{kind.lower()}_policy", **{f"{kind}Name": name}, PolicyArn=arn
            )
    for kind, name in sorted(new - old):
        request.call("iam", f"attach_{kind.lower()}_policy", **{f"{kind}Name": name}, PolicyArn=arn)
