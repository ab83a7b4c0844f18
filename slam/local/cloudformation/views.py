"""Stacks, resources, events and change sets as CloudFormation's API shows them."""

from __future__ import annotations

import json
from typing import Any

from .checks import required_capabilities
from .state import ChangeSet, Configuration, Stack, StackEvent, StackResource
from .template import Template

NO_ECHO_MASK = "****"


def parameters_view(configuration: Configuration) -> list[dict[str, str]]:
    declared = configuration.template.parameters
    return [
        {
            "ParameterKey": key,
            "ParameterValue": NO_ECHO_MASK
            if str((declared.get(key) or {}).get("NoEcho", "")).lower() == "true"
            else value,
        }
        for key, value in configuration.parameters.items()
    ]


def tags_view(configuration: Configuration) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in configuration.tags]


def stack_view(stack: Stack) -> dict[str, Any]:
    configuration = stack.configuration
    view: dict[str, Any] = {
        "StackId": stack.id,
        "StackName": stack.name,
        "Description": configuration.template.description,
        "Parameters": parameters_view(configuration),
        "CreationTime": stack.created,
        "LastUpdatedTime": stack.updated,
        "DeletionTime": stack.deleted,
        "StackStatus": stack.status,
        "StackStatusReason": stack.reason,
        "DisableRollback": stack.disable_rollback,
        "NotificationARNs": list(configuration.notification_arns),
        "TimeoutInMinutes": stack.timeout,
        "Capabilities": list(configuration.capabilities),
        "Outputs": list(stack.outputs),
        "RoleARN": configuration.role_arn,
        "Tags": tags_view(configuration),
        "EnableTerminationProtection": stack.termination_protection,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
        "RollbackConfiguration": {},
    }
    if stack.operation is not None:
        view["ChangeSetId"] = stack.operation
    return view


def stack_summary(stack: Stack) -> dict[str, Any]:
    return {
        "StackId": stack.id,
        "StackName": stack.name,
        "TemplateDescription": stack.configuration.template.description,
        "CreationTime": stack.created,
        "LastUpdatedTime": stack.updated,
        "DeletionTime": stack.deleted,
        "StackStatus": stack.status,
        "StackStatusReason": stack.reason,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }


def event_view(stack: Stack, event: StackEvent) -> dict[str, Any]:
    return {
        "StackId": stack.id,
        "EventId": event.id,
        "StackName": stack.name,
        "LogicalResourceId": event.logical_id,
        "PhysicalResourceId": event.physical_id or "",
        "ResourceType": event.type,
        "Timestamp": event.timestamp,
        "ResourceStatus": event.status,
        "ResourceStatusReason": event.reason,
        "ResourceProperties": event.properties,
        "ClientRequestToken": event.token,
    }


def resource_view(stack: Stack, resource: StackResource) -> dict[str, Any]:
    """A resource as DescribeStackResources, DescribeStackResource and ListStackResources
    show it; each operation's output shape keeps the fields it knows."""
    return {
        "StackName": stack.name,
        "StackId": stack.id,
        "LogicalResourceId": resource.logical_id,
        "PhysicalResourceId": resource.physical_id or "",
        "ResourceType": resource.type,
        "Timestamp": resource.updated,
        "LastUpdatedTimestamp": resource.updated,
        "ResourceStatus": resource.status,
        "ResourceStatusReason": resource.reason,
        "Metadata": json.dumps(
            (stack.configuration.template.resources.get(resource.logical_id) or {}).get("Metadata")
            or {}
        ),
        "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
    }


def change_set_view(stack: Stack, change_set: ChangeSet) -> dict[str, Any]:
    configuration = change_set.configuration
    return {
        "ChangeSetName": change_set.name,
        "ChangeSetId": change_set.id,
        "StackId": stack.id,
        "StackName": stack.name,
        "Description": change_set.description,
        "Parameters": parameters_view(configuration),
        "CreationTime": change_set.created,
        "ExecutionStatus": change_set.execution_status,
        "Status": change_set.status,
        "StatusReason": change_set.reason,
        "NotificationARNs": list(configuration.notification_arns),
        "Capabilities": list(configuration.capabilities),
        "Tags": tags_view(configuration),
        "Changes": list(change_set.changes),
        "IncludeNestedStacks": False,
        "RollbackConfiguration": {},
    }


def change_set_summary(stack: Stack, change_set: ChangeSet) -> dict[str, Any]:
    return {
        "StackId": stack.id,
        "StackName": stack.name,
        "ChangeSetId": change_set.id,
        "ChangeSetName": change_set.name,
        "ExecutionStatus": change_set.execution_status,
        "Status": change_set.status,
        "StatusReason": change_set.reason,
        "CreationTime": change_set.created,
        "Description": change_set.description,
        "IncludeNestedStacks": False,
    }


def template_summary(template: Template) -> dict[str, Any]:
    """What GetTemplateSummary and ValidateTemplate say about a template."""
    capabilities, types = required_capabilities(template)
    summary: dict[str, Any] = {
        "Parameters": [
            _parameter_declaration(key, value) for key, value in template.parameters.items()
        ],
        "Description": template.description,
        "ResourceTypes": sorted({str(r["Type"]) for r in template.resources.values()}),
        "Version": template.document.get("AWSTemplateFormatVersion"),
        "DeclaredTransforms": template.transforms,
    }
    if "Metadata" in template.document:
        summary["Metadata"] = json.dumps(template.document["Metadata"])
    if capabilities:
        summary["Capabilities"] = capabilities
        summary["CapabilitiesReason"] = (
            f"The following resource(s) require capabilities: [{', '.join(types)}]"
            if types
            else "The template contains transforms."
        )
    return summary


def _parameter_declaration(key: str, declaration: Any) -> dict[str, Any]:
    declaration = declaration or {}
    view: dict[str, Any] = {
        "ParameterKey": key,
        "ParameterType": str(declaration.get("Type", "String")),
        "NoEcho": str(declaration.get("NoEcho", "false")).lower() == "true",
        "Description": declaration.get("Description"),
        "ParameterConstraints": {
            "AllowedValues": [str(value) for value in declaration.get("AllowedValues") or []]
        },
    }
    if "Default" in declaration:
        default = declaration["Default"]
        view["DefaultValue"] = (
            ",".join(map(str, default)) if isinstance(default, list) else str(default)
        )
    return view
