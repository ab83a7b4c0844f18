"""The API actions that only read: stacks, events, resources, templates, change sets."""

from __future__ import annotations

from typing import Any

from .api import ApiRequest, action, page
from .errors import ValidationError, stack_not_found
from .state import STORE, Stack
from .template import Template
from .views import (
    change_set_summary,
    change_set_view,
    event_view,
    resource_view,
    stack_summary,
    stack_view,
    template_summary,
)


@action
def describe_stacks(request: ApiRequest) -> dict[str, Any]:
    if request.params.get("StackName"):
        stacks = [request.stack()]
    else:
        stacks = [s for s in STORE.in_region(request.region) if s.status != "DELETE_COMPLETE"]
        stacks.reverse()
    with STORE.lock:
        views = [stack_view(stack) for stack in stacks]
    shown, token = page(views, request.params.get("NextToken"))
    return {"Stacks": shown, "NextToken": token}


@action
def list_stacks(request: ApiRequest) -> dict[str, Any]:
    wanted = set(request.params.get("StackStatusFilter") or [])
    stacks = [
        s for s in reversed(STORE.in_region(request.region)) if not wanted or s.status in wanted
    ]
    with STORE.lock:
        summaries = [stack_summary(stack) for stack in stacks]
    shown, token = page(summaries, request.params.get("NextToken"))
    return {"StackSummaries": shown, "NextToken": token}


@action
def describe_stack_events(request: ApiRequest) -> dict[str, Any]:
    stack = request.stack()
    with STORE.lock:
        events = [event_view(stack, event) for event in reversed(stack.events)]
    shown, token = page(events, request.params.get("NextToken"))
    return {"StackEvents": shown, "NextToken": token}


def _resources(stack: Stack) -> list[dict[str, Any]]:
    with STORE.lock:
        return [resource_view(stack, resource) for resource in stack.resources.values()]


@action
def describe_stack_resources(request: ApiRequest) -> dict[str, Any]:
    physical_id = request.params.get("PhysicalResourceId")
    if request.params.get("StackName"):
        stack = request.stack()
    elif physical_id:
        stack = _stack_holding(request, str(physical_id))
    else:
        raise ValidationError("Either StackName or PhysicalResourceId must be specified.")
    logical_id = request.params.get("LogicalResourceId")
    resources = [
        view
        for view in _resources(stack)
        if logical_id in (None, view["LogicalResourceId"])
        and physical_id in (None, view["PhysicalResourceId"])
    ]
    return {"StackResources": resources}


def _stack_holding(request: ApiRequest, physical_id: str) -> Stack:
    for stack in reversed(STORE.in_region(request.region)):
        with STORE.lock:
            if any(r.physical_id == physical_id for r in stack.resources.values()):
                return stack
    raise stack_not_found(physical_id)


@action
def describe_stack_resource(request: ApiRequest) -> dict[str, Any]:
    stack = request.stack()
    logical_id = str(request.params.get("LogicalResourceId"))
    for view in _resources(stack):
        if view["LogicalResourceId"] == logical_id:
            return {"StackResourceDetail": view}
    raise ValidationError(f"Resource {logical_id} does not exist for stack {stack.name}")


@action
def list_stack_resources(request: ApiRequest) -> dict[str, Any]:
    shown, token = page(_resources(request.stack()), request.params.get("NextToken"))
    return {"StackResourceSummaries": shown, "NextToken": token}


@action
def get_template(request: ApiRequest) -> dict[str, Any]:
    if request.params.get("ChangeSetName"):
        _, change_set = request.change_set()
        template = change_set.configuration.template
    else:
        template = request.stack().configuration.template
    return {"TemplateBody": template.body, "StagesAvailable": ["Original", "Processed"]}


@action
def get_template_summary(request: ApiRequest) -> dict[str, Any]:
    template: Template
    if "TemplateBody" in request.params or "TemplateURL" in request.params:
        template = request.template()
    elif request.params.get("StackName"):
        template = request.stack().configuration.template
    else:
        raise ValidationError("Either StackName or TemplateBody or TemplateURL must be specified.")
    return template_summary(template)


@action
def validate_template(request: ApiRequest) -> dict[str, Any]:
    summary = template_summary(request.template())
    parameters = [
        {key: value for key, value in parameter.items() if key not in ("ParameterType",)}
        for parameter in summary.pop("Parameters")
    ]
    return {
        "Parameters": parameters,
        "Description": summary.get("Description"),
        "Capabilities": summary.get("Capabilities"),
        "CapabilitiesReason": summary.get("CapabilitiesReason"),
        "DeclaredTransforms": summary.get("DeclaredTransforms"),
    }


@action
def describe_change_set(request: ApiRequest) -> dict[str, Any]:
    stack, change_set = request.change_set()
    with STORE.lock:
        return change_set_view(stack, change_set)


@action
def list_change_sets(request: ApiRequest) -> dict[str, Any]:
    stack = request.stack()
    with STORE.lock:
        summaries = [change_set_summary(stack, c) for c in stack.change_sets.values()]
    return {"Summaries": summaries}


@action
def list_exports(request: ApiRequest) -> dict[str, Any]:
    exports = [
        {"ExportingStackId": stack.id, "Name": output["ExportName"], "Value": output["OutputValue"]}
        for stack in STORE.in_region(request.region)
        if stack.status != "DELETE_COMPLETE"
        for output in stack.outputs
        if "ExportName" in output
    ]
    return {"Exports": exports}
