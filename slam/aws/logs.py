"""CloudWatch Logs: reading and deleting log groups, and API Gateway's logging role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from ..remote import LogEvent
from .errors import error_code, translated_errors
from .session import Service, pages


class Logs(Service):
    service = "logs"

    def log_events(
        self, group: str, start: int, end: int | None = None, stream_prefixes: Sequence[str] = ()
    ) -> list[LogEvent]:
        """The events of ``group`` from ``start`` to ``end`` (ms since the epoch), in time
        order, from the streams whose names start with one of ``stream_prefixes`` (all
        streams when empty). A group that does not exist yet has no events."""
        paginator = self.client.get_paginator("filter_log_events")
        window: dict[str, Any] = {"logGroupName": group, "startTime": start}
        if end is not None:
            window["endTime"] = end
        # FilterLogEvents takes one prefix; an event found twice counts once
        events: dict[tuple[str, str], LogEvent] = {}
        with self.failures(f"log group {group}"):
            try:
                for prefix in stream_prefixes or [""]:
                    streams = {"logStreamNamePrefix": prefix} if prefix else {}
                    for item in pages(paginator, "events", **window, **streams):
                        event = LogEvent.from_response(item)
                        # checked here too: some emulators ignore the prefix
                        if event.stream.startswith(prefix):
                            events[event.stream, event.event_id] = event
            except ClientError as error:
                if error_code(error) == "ResourceNotFoundException":
                    return []
                raise
        return sorted(events.values(), key=lambda event: (event.timestamp, event.event_id))

    def log_groups(self, prefix: str) -> list[str]:
        """The names of the log groups that start with ``prefix``."""
        paginator = self.client.get_paginator("describe_log_groups")
        with self.failures(f"log groups {prefix}*"):
            groups = list(pages(paginator, "logGroups", logGroupNamePrefix=prefix))
        return [group["logGroupName"] for group in groups]

    def delete_log_group(self, group: str) -> bool:
        """Delete a log group: False when there was none."""
        with self.failures(f"log group {group}"):
            try:
                self.client.delete_log_group(logGroupName=group)
            except ClientError as error:
                if error_code(error) == "ResourceNotFoundException":
                    return False
                raise
        return True

    def api_gateway_role(self) -> str | None:
        """The role ARN API Gateway writes execution logs with, in this account and region."""
        region = self._session.region
        with translated_errors("apigateway", f"API Gateway's settings in {region}"):
            answer = self._session.client("apigateway").get_account()
        return answer.get("cloudwatchRoleArn") or None
