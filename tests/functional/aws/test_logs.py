"""CloudWatch Logs on moto: events in time order from chosen streams, groups, deletion;
API Gateway's logging role."""

from __future__ import annotations

import json
import time

from slam.aws import AwsClient
from slam.remote import LogEvent

GROUP = "/aws/lambda/fizzbuzz-Function-1CUMOX2834PA0"
BASE = int(time.time() * 1000) - 60_000  # a minute ago: CloudWatch refuses old events


def write(aws: AwsClient, stream: str, *events: tuple[int, str]) -> None:
    """Log events at BASE + the given milliseconds."""
    logs = aws.logs.client
    logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": BASE + when, "message": text} for when, text in events],
    )


def test_events_of_chosen_streams_come_in_time_order(aws: AwsClient):
    aws.logs.client.create_log_group(logGroupName=GROUP)
    write(aws, "2025/03/01/[$LATEST]aaa", (1_000, "latest one"), (4_000, "latest two"))
    write(aws, "2025/03/02/[$LATEST]bbb", (3_000, "latest three"))
    write(aws, "2025/03/01/[2]ccc", (2_000, "version two"))
    prefixes = ["2025/03/01/[$LATEST]", "2025/03/02/[$LATEST]"]
    events = aws.logs.log_events(GROUP, BASE, BASE + 10_000, prefixes)
    assert [(event.timestamp - BASE, event.message, event.stream) for event in events] == [
        (1_000, "latest one", "2025/03/01/[$LATEST]aaa"),
        (3_000, "latest three", "2025/03/02/[$LATEST]bbb"),
        (4_000, "latest two", "2025/03/01/[$LATEST]aaa"),
    ]
    assert all(isinstance(event, LogEvent) and event.event_id for event in events)
    window = aws.logs.log_events(GROUP, BASE + 1_500, BASE + 3_500)
    assert [event.message for event in window] == ["version two", "latest three"]


def test_a_log_group_that_does_not_exist_yet_has_no_events(aws: AwsClient):
    assert aws.logs.log_events(GROUP, 0) == []


def test_log_groups_are_found_by_prefix_and_deleted(aws: AwsClient):
    for group in (GROUP, "/aws/lambda/other", "API-Gateway-Execution-Logs_abc123/dev"):
        aws.logs.client.create_log_group(logGroupName=group)
    assert aws.logs.log_groups("/aws/lambda/fizzbuzz-") == [GROUP]
    assert aws.logs.delete_log_group(GROUP) is True
    assert aws.logs.delete_log_group(GROUP) is False
    assert aws.logs.log_groups("/aws/lambda/") == ["/aws/lambda/other"]


def test_api_gateway_logging_role(aws: AwsClient):
    assert aws.logs.api_gateway_role() is None
    iam = aws.session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName="api-logs", AssumeRolePolicyDocument=json.dumps(trust))
    arn = role["Role"]["Arn"]
    aws.session.client("apigateway").update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}]
    )
    assert aws.logs.api_gateway_role() == arn
