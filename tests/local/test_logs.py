"""CloudWatch Logs on the local AWS: FilterLogEvents reads streams as it does on AWS."""

from __future__ import annotations

import time
import uuid

import pytest
from botocore.exceptions import ClientError

from .conftest import Clients

STREAMS = ("2024/05/01/[1]aaa", "2024/05/01/[$LATEST]bbb", "2024/05/02/[1]ccc")


@pytest.fixture(scope="module")
def group(client: Clients) -> str:
    """A log group with three events in each of STREAMS, written one stream after another."""
    logs = client("logs")
    name = f"/aws/lambda/logs-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=name)
    start = int(time.time() * 1000) - 60_000
    for offset, stream in enumerate(STREAMS):
        logs.create_log_stream(logGroupName=name, logStreamName=stream)
        events = [
            {"timestamp": start + 10 * second + offset, "message": f"{stream} {second}"}
            for second in range(3)
        ]
        logs.put_log_events(logGroupName=name, logStreamName=stream, logEvents=events)
    return name


def messages(client: Clients, group: str, **filters: object) -> list[str]:
    pages = (
        client("logs").get_paginator("filter_log_events").paginate(logGroupName=group, **filters)
    )
    return [event["message"] for page in pages for event in page["events"]]


def test_events_come_in_time_order_across_streams(client: Clients, group: str):
    assert messages(client, group) == [
        f"{stream} {second}" for second in range(3) for stream in STREAMS
    ]


def test_a_stream_name_prefix_keeps_those_streams(client: Clients, group: str):
    assert messages(client, group, logStreamNamePrefix="2024/05/01/[1]") == [
        f"2024/05/01/[1]aaa {second}" for second in range(3)
    ]
    assert messages(client, group, logStreamNamePrefix="2024/05/01/") == [
        f"{stream} {second}" for second in range(3) for stream in STREAMS[:2]
    ]
    assert messages(client, group, logStreamNamePrefix="2023/") == []


def test_a_limit_pages_through_every_event(client: Clients, group: str):
    logs = client("logs")
    first = logs.filter_log_events(logGroupName=group, limit=4)
    assert len(first["events"]) == 4
    second = logs.filter_log_events(logGroupName=group, limit=4, nextToken=first["nextToken"])
    assert [e["message"] for e in second["events"]] == [
        f"{stream} {second}" for second in range(3) for stream in STREAMS
    ][4:8]
    paged = messages(client, group, PaginationConfig={"PageSize": 2})
    assert paged == messages(client, group)


def test_names_and_a_prefix_together_are_refused(client: Clients, group: str):
    with pytest.raises(ClientError) as refused:
        client("logs").filter_log_events(
            logGroupName=group, logStreamNames=[STREAMS[0]], logStreamNamePrefix="2024/"
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_a_prefix_in_a_group_that_does_not_exist(client: Clients):
    with pytest.raises(client("logs").exceptions.ResourceNotFoundException):
        client("logs").filter_log_events(logGroupName="/no/such/group", logStreamNamePrefix="a")
