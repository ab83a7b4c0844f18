"""A stage's DynamoDB tables, for ``slam serve``: in a local AWS this process starts.

    tables = StageTables("tasks-api-dev-tables")
    tables.apply({"DevTasksTable": {...}})    # the template's resources, as they are
    tables.endpoint_url                        # what the workers' AWS_ENDPOINT_URL names
    tables.stop()                              # the tables and their items are gone

The tables are the resources of a stack of their own on the local AWS, made by its
CloudFormation from the template's own ``AWS::DynamoDB::Table`` resources: they get
the keys, indexes and billing a deployment gives them, and a change in slam.yaml
updates them as a deployment would (a new index keeps the items; a new key replaces
the table). The local AWS starts with the first table, so a project without tables
never needs it (nor moto).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from ..errors import SlamError
from .server import DUMMY_CREDENTIALS, LocalAWS, require_moto

POLL_SECONDS = 0.02
WAIT_SECONDS = 60.0


class StageTables:
    """The tables of one stage, as the resources of one stack on a local AWS."""

    def __init__(self, stack_name: str, region: str = "us-east-1") -> None:
        self.stack_name = stack_name
        self.region = region
        self._aws: LocalAWS | None = None
        self._client: Any = None
        self._applied: str | None = None

    @property
    def endpoint_url(self) -> str:
        """The local AWS's URL, once a table needed it; "" until then."""
        return self._aws.url if self._aws is not None else ""

    def apply(self, tables: Mapping[str, Any]) -> None:
        """Create, update or delete the tables until they are ``tables``; SlamError on failure.

        A failed change leaves the tables as they were, as a stack's rollback does.
        """
        template = json.dumps(
            {"AWSTemplateFormatVersion": "2010-09-09", "Resources": dict(tables)}, sort_keys=True
        )
        if template == self._applied or (not tables and self._applied is None):
            return
        client = self._cloudformation()
        if not tables:
            client.delete_stack(StackName=self.stack_name)
            self._wait(client)
            self._applied = None
            return
        if self._applied is not None:
            client.update_stack(StackName=self.stack_name, TemplateBody=template)
            self._check(client, self._wait(client))
        else:
            client.create_stack(StackName=self.stack_name, TemplateBody=template)
            status = self._wait(client)
            if status != "CREATE_COMPLETE":  # a failed stack cannot be updated: start again
                reason = self._failure(client)
                client.delete_stack(StackName=self.stack_name)
                self._wait(client)
                self._check(client, status, reason)
        self._applied = template

    def stop(self) -> None:
        if self._aws is not None:
            self._aws.stop()
            self._aws = None
            self._client = None
            self._applied = None

    def _cloudformation(self) -> Any:
        if self._client is None:
            require_moto()
            import boto3
            from botocore.config import Config

            self._aws = LocalAWS(region=self.region).start()
            session = boto3.session.Session(
                aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                region_name=self.region,
            )
            self._client = session.client(
                "cloudformation",
                endpoint_url=self._aws.url,
                config=Config(retries={"max_attempts": 1}),
            )
        return self._client

    def _wait(self, client: Any) -> str:
        """The stack's status once its operation ends (``DELETE_COMPLETE`` once it is gone)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                stacks = client.describe_stacks(StackName=self.stack_name)["Stacks"]
            except client.exceptions.ClientError:  # deleted stacks are not found by name
                return "DELETE_COMPLETE"
            status = str(stacks[0]["StackStatus"]) if stacks else "DELETE_COMPLETE"
            if not status.endswith("_IN_PROGRESS"):
                return status
            time.sleep(POLL_SECONDS)
        raise SlamError("the stage's DynamoDB tables took over a minute to change")

    def _check(self, client: Any, status: str, reason: str | None = None) -> None:
        if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            raise SlamError(
                f"the stage's DynamoDB tables could not be made: {reason or self._failure(client)}",
                "correct dynamodb_tables in slam.yaml, or restart slam serve to make the"
                " tables afresh, without their items",
            )

    def _failure(self, client: Any) -> str:
        events = client.describe_stack_events(StackName=self.stack_name)["StackEvents"]
        reasons = [
            f"{event['LogicalResourceId']}: {event.get('ResourceStatusReason', '')}"
            for event in reversed(events)
            if str(event.get("ResourceStatus", "")).endswith("_FAILED")
        ]
        return reasons[0] if reasons else "unknown reason"
