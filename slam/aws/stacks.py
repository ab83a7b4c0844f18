"""CloudFormation: the stack, its change sets, events and resources."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from ..errors import SlamError
from ..remote import ChangeSet, ChangeSetRequest, Stack, StackEvent, StackResource
from ..stack.changes import means_no_changes
from .errors import error_code, error_message
from .session import Service, pages

STACK_MISSING = "does not exist"  # ValidationError: Stack with id NAME does not exist


class Stacks(Service):
    service = "cloudformation"

    def describe_stack(self, name: str) -> Stack | None:
        """The stack ``name`` (or stack ID), or None when there is none. One call."""
        with self.failures(f"stack {name}"):
            try:
                answer = self.client.describe_stacks(StackName=name)
            except ClientError as error:
                if error_code(error) == "ValidationError" and STACK_MISSING in error_message(error):
                    return None
                raise
        return Stack.from_response(answer["Stacks"][0])

    def stack_template(self, name: str) -> dict[str, Any]:
        """The template the stack runs, as a dict (slam deploys JSON templates)."""
        with self.failures(f"stack {name}"):
            answer = self.client.get_template(StackName=name, TemplateStage="Original")
        body = answer["TemplateBody"]
        if isinstance(body, str):  # boto3 parses JSON bodies itself; some endpoints do not
            try:
                body = json.loads(body)
            except ValueError:
                raise SlamError(
                    f"stack {name} runs a template that is not JSON, so slam did not deploy it",
                    "check that the name in slam.yaml is the stack slam deploys",
                ) from None
        return dict(body)

    def create_change_set(self, request: ChangeSetRequest) -> str | None:
        """Start creating a change set: its ID, or None when AWS says nothing would change."""
        optional = {
            "TemplateBody": request.template_body,
            "TemplateURL": request.template_url,
            "ClientToken": request.client_token,
            "Description": request.description,
        }
        with self.failures(f"stack {request.stack_name}"):
            try:
                answer = self.client.create_change_set(
                    StackName=request.stack_name,
                    ChangeSetName=request.change_set_name,
                    ChangeSetType=request.change_set_type,
                    Parameters=parameter_list(request.parameters),
                    Capabilities=list(request.capabilities),
                    **{key: value for key, value in optional.items() if value is not None},
                )
            except ClientError as error:
                if means_no_changes(error_message(error)):
                    return None
                raise
        return str(answer["Id"])

    def describe_change_set(self, stack_name: str, change_set: str) -> ChangeSet:
        """The change set with all its changes, read page by page."""
        params = {"StackName": stack_name, "ChangeSetName": change_set}
        found: list[Mapping[str, Any]] = []
        with self.failures(f"change set {change_set} of stack {stack_name}"):
            while not found or found[-1].get("NextToken"):
                token = {"NextToken": found[-1]["NextToken"]} if found else {}
                found.append(self.client.describe_change_set(**params, **token))
        return ChangeSet.from_pages(found)

    def execute_change_set(self, stack_name: str, change_set: str, client_token: str) -> None:
        """Run the change set; the stack events it causes carry ``client_token``."""
        with self.failures(f"change set {change_set} of stack {stack_name}"):
            self.client.execute_change_set(
                StackName=stack_name, ChangeSetName=change_set, ClientRequestToken=client_token
            )

    def delete_change_set(self, stack_name: str, change_set: str) -> None:
        with self.failures(f"change set {change_set} of stack {stack_name}"):
            try:
                self.client.delete_change_set(StackName=stack_name, ChangeSetName=change_set)
            except ClientError as error:
                if error_code(error) != "ChangeSetNotFound":
                    raise

    def update_stack(
        self,
        stack_name: str,
        parameters: Mapping[str, str | None],
        capabilities: Sequence[str],
        client_token: str,
    ) -> bool:
        """Change only parameters, keeping the template: False when nothing would change."""
        with self.failures(f"stack {stack_name}"):
            try:
                self.client.update_stack(
                    StackName=stack_name,
                    UsePreviousTemplate=True,
                    Parameters=parameter_list(parameters),
                    Capabilities=list(capabilities),
                    ClientRequestToken=client_token,
                )
            except ClientError as error:
                if means_no_changes(error_message(error)):
                    return False
                raise
        return True

    def continue_update_rollback(self, stack_name: str, client_token: str) -> None:
        with self.failures(f"stack {stack_name}"):
            self.client.continue_update_rollback(
                StackName=stack_name, ClientRequestToken=client_token
            )

    def delete_stack(self, stack_name: str, client_token: str, retain: Sequence[str] = ()) -> None:
        """Start deleting the stack. ``retain`` names the resources of a DELETE_FAILED
        stack to leave behind (CloudFormation accepts it only then)."""
        extra = {"RetainResources": list(retain)} if retain else {}
        with self.failures(f"stack {stack_name}"):
            self.client.delete_stack(StackName=stack_name, ClientRequestToken=client_token, **extra)

    def stack_events(
        self, stack_name: str, after: str | None = None, client_token: str | None = None
    ) -> list[StackEvent]:
        """The stack's latest events, oldest first.

        AWS lists events newest first, page by page; reading stops before the event
        whose ID is ``after`` (the last one already shown) and, with ``client_token``,
        before the first event of another operation. With neither, all are read.
        """
        paginator = self.client.get_paginator("describe_stack_events")
        events: list[StackEvent] = []
        with self.failures(f"stack {stack_name}"):
            for item in pages(paginator, "StackEvents", StackName=stack_name):
                event = StackEvent.from_response(item)
                if event.event_id == after or (
                    client_token is not None and event.client_token != client_token
                ):
                    break
                events.append(event)
        return events[::-1]

    def newest_event(self, stack_name: str) -> StackEvent | None:
        """The stack's latest event (one call): where the next operation's events start,
        and, by its client token, who started the operation in progress."""
        with self.failures(f"stack {stack_name}"):
            answer = self.client.describe_stack_events(StackName=stack_name)
        events = answer.get("StackEvents") or []
        return StackEvent.from_response(events[0]) if events else None

    def stack_resources(self, stack_name: str) -> list[StackResource]:
        paginator = self.client.get_paginator("list_stack_resources")
        with self.failures(f"stack {stack_name}"):
            items = list(pages(paginator, "StackResourceSummaries", StackName=stack_name))
        return [StackResource.from_response(item) for item in items]


def parameter_list(values: Mapping[str, str | None]) -> list[dict[str, Any]]:
    """CloudFormation's parameter list; None keeps the stack's value (UsePreviousValue)."""
    return [
        {"ParameterKey": key, "UsePreviousValue": True}
        if value is None
        else {"ParameterKey": key, "ParameterValue": value}
        for key, value in values.items()
    ]
