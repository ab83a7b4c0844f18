"""``slam delete``: remove a deployment from AWS, asking first when it would lose data.

In order: the stack (and everything it owns but its retained log group), waiting for it;
unless ``--no-logs``, the log groups: the function's (the stack retains it, so that
``--no-logs`` can keep it) and API Gateway's execution logs (not the stack's); slam's
objects in the bucket (under ``<name>/``); the bucket, if nothing else is in it.
Standard output holds the seed's three lines; the rest (what is about to change, stack
events, what was kept) goes to standard error. A destructive command, so a CLI command
and never a doit task.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, SlamError
from . import Command, Invocation

if TYPE_CHECKING:
    from ..aws import AwsClient
    from ..config import Config
    from ..plugins import Plugin
    from ..remote import Stack, StackResource

TABLE_TYPE = "AWS::DynamoDB::Table"
DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
DELETE_COMPLETE = "DELETE_COMPLETE"
DELETE_FAILED = "DELETE_FAILED"
YES = ("y", "yes")


@dataclass(frozen=True)
class Leftovers:
    """What the stack does not own, read from it before it goes: the function's name (its
    log group), the REST API's ID (its stages' execution log groups) and the bucket."""

    function_name: str | None
    api_id: str | None
    bucket: str


def leftovers(config: Config, stack: Stack) -> Leftovers:
    from ..stack import BUCKET_PARAMETER
    from ..stack.deployed import API_ID_OUTPUT
    from ..stack.status import FUNCTION_NAME_OUTPUT

    return Leftovers(
        stack.outputs.get(FUNCTION_NAME_OUTPUT) or None,
        stack.outputs.get(API_ID_OUTPUT) or None,
        stack.parameters.get(BUCKET_PARAMETER) or config.aws.s3_bucket,
    )


@dataclass(frozen=True)
class Tables:
    """The stack's DynamoDB tables: those its deletion deletes, and those CloudFormation
    keeps (``retain: true``, a ``Retain`` deletion policy)."""

    deleted: tuple[str, ...]
    kept: tuple[str, ...]


def stack_tables(resources: Sequence[StackResource], retained: frozenset[str]) -> Tables:
    """The stack's tables, by name, sorted, split by what deleting the stack does to them."""
    tables = sorted(
        (resource.physical_id, resource.logical_id in retained)
        for resource in resources
        if resource.resource_type == TABLE_TYPE and resource.physical_id
    )
    return Tables(
        tuple(name for name, kept in tables if not kept),
        tuple(name for name, kept in tables if kept),
    )


def data_loss_lines(name: str, tables: Sequence[str]) -> list[str]:
    return [
        f"These DynamoDB tables of {name} hold items, which deleting it deletes for good:",
        *(f"  {table}" for table in tables),
    ]


def unconfirmed_error(name: str, tables: Sequence[str]) -> SlamError:
    """Why a run that cannot ask refuses to delete tables that hold items."""
    return SlamError(
        f"not deleting {name}: its DynamoDB tables {', '.join(tables)} hold items, "
        "and there is no terminal to ask for confirmation",
        "back them up if you need them, then run `slam delete --yes`",
    )


def confirmed(stdin: TextIO, stderr: TextIO) -> bool:
    """Ask on the terminal whether to go on: only y or yes (any case) is yes."""
    stderr.write("Delete them? [y/N] ")
    stderr.flush()
    return stdin.readline().strip().lower() in YES


def deletion_running(stack: Stack) -> bool:
    """Whether a deletion of the stack is running already (slam then follows it); a stack
    busy with another operation is a SlamError, since CloudFormation would refuse."""
    from ..stack import is_busy

    if stack.status == DELETE_IN_PROGRESS:
        return True
    if is_busy(stack.status):
        raise SlamError(
            f"stack {stack.name} is busy ({stack.status}), so it cannot be deleted now",
            "wait for the operation to finish (`slam status`), then run `slam delete` again",
        )
    return False


def about_to_change_line(stack: Stack, account: str, arn: str) -> str:
    return (
        f"About to delete stack {stack.name} in account {account} ({arn}), region {stack.region}."
    )


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument(
        "--no-logs",
        action="store_true",
        help="Do not delete logs: keep the function's log group and API Gateway's execution logs.",
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="Do not ask for confirmation when DynamoDB tables hold items.",
    )


def run(invocation: Invocation) -> int:
    from ..aws import AwsClient

    config = invocation.load_config()
    aws = AwsClient(invocation.aws)
    stack = aws.stacks.describe_stack(config.name)
    if stack is None or stack.status == DELETE_COMPLETE:
        return delete_leftover_files(aws, config)
    resuming = deletion_running(stack)
    identity = aws.caller_identity()
    print(about_to_change_line(stack, identity.account, identity.arn), file=sys.stderr)
    if not resuming and not allowed_to_lose_data(aws, stack, invocation.options.yes):
        print("Nothing was deleted.", file=sys.stderr)
        return EXIT_FAILURE
    kept = leftovers(config, stack)
    print(f"Deleting {config.name}...", flush=True)
    try:
        delete_stack(aws, stack, resuming)
    except KeyboardInterrupt:
        print(
            f"\nStopped waiting: CloudFormation carries on deleting stack {stack.name}. "
            "Run `slam delete` again to wait for it, then delete the logs and files.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if not invocation.options.no_logs:
        print("Deleting logs...", flush=True)
        delete_logs(aws, kept)
    print("Deleting files...", flush=True)
    delete_files(aws, kept, config.name)
    return EXIT_OK


def delete_leftover_files(aws: AwsClient, config: Config) -> int:
    """With no stack: the files a deletion interrupted after its stack went (or a deploy
    that failed before creating it) left in the bucket. With none, the project has not
    been deployed: a SlamError."""
    from ..stack import not_deployed_line

    bucket, prefix = config.aws.s3_bucket, f"{config.name}/"
    if not aws.s3.list_objects(bucket, prefix):
        raise SlamError(
            not_deployed_line(config.name),
            f"no stack {config.name} in {aws.region}: check --region and --profile",
        )
    identity = aws.caller_identity()
    print(
        f"{config.name} has no stack; about to delete the files it left in s3://{bucket}/{prefix} "
        f"in account {identity.account} ({identity.arn}), region {aws.region}.",
        file=sys.stderr,
    )
    print("Deleting files...", flush=True)
    delete_files(aws, Leftovers(None, None, bucket), config.name)
    return EXIT_OK


def allowed_to_lose_data(aws: AwsClient, stack: Stack, yes: bool) -> bool:
    """Whether to go on: yes when no table that the deletion deletes holds items, when
    ``--yes`` says so, or when the user answers yes. Without a terminal to ask on, a
    SlamError. Tables CloudFormation keeps are named, not checked."""
    from ..stack import retained_resources

    resources = aws.stacks.stack_resources(stack.stack_id)
    if not any(resource.resource_type == TABLE_TYPE for resource in resources):
        return True
    tables = stack_tables(resources, retained_resources(aws.stacks.stack_template(stack.stack_id)))
    for table in tables.kept:
        print(f"Keeping table {table}: CloudFormation retains it (retain: true).", file=sys.stderr)
    at_risk = [table for table in tables.deleted if aws.tables.holds_items(table)]
    if not at_risk or yes:
        return True
    if not sys.stdin.isatty():
        raise unconfirmed_error(stack.name, at_risk)
    print(*data_loss_lines(stack.name, at_risk), sep="\n", file=sys.stderr)
    return confirmed(sys.stdin, sys.stderr)


def delete_stack(aws: AwsClient, stack: Stack, resuming: bool) -> None:
    """Delete the stack (or follow the deletion already running) until it is gone,
    printing its events; a deletion that fails is a SlamError naming what remains."""
    from ..stack import client_token

    if resuming:  # show only what happens from now on
        token = None
        shown = aws.stacks.stack_events(stack.stack_id)
        after = shown[-1].event_id if shown else None
    else:
        token, after = client_token("delete"), None
        aws.stacks.delete_stack(stack.stack_id, token)
    wait_for_deletion(aws, stack, token, after)


def wait_for_deletion(aws: AwsClient, stack: Stack, token: str | None, after: str | None) -> None:
    from ..stack import delete_failed_error, event_line, poll_delays

    for delay in poll_delays():
        current = aws.stacks.describe_stack(stack.stack_id)
        for event in aws.stacks.stack_events(stack.stack_id, after, token):
            print(event_line(event), file=sys.stderr)
            after = event.event_id
        if current is None or current.status == DELETE_COMPLETE:
            return
        if current.status == DELETE_FAILED:
            raise delete_failed_error(current, aws.stacks.stack_resources(stack.stack_id))
        time.sleep(delay)


def delete_logs(aws: AwsClient, kept: Leftovers) -> None:
    """The function's log group, and the execution log groups of every stage of its API."""
    from ..stack.deployed import api_log_groups_prefix, function_log_group

    groups = [function_log_group(kept.function_name)] if kept.function_name else []
    if kept.api_id:
        groups.extend(aws.logs.log_groups(api_log_groups_prefix(kept.api_id)))
    for group in groups:
        if aws.logs.delete_log_group(group):
            print(f"Deleted log group {group}.", file=sys.stderr)


def delete_files(aws: AwsClient, kept: Leftovers, name: str) -> None:
    keys = [stored.key for stored in aws.s3.list_objects(kept.bucket, f"{name}/")]
    if keys:
        aws.s3.delete_objects(kept.bucket, keys)
        print(f"Deleted {len(keys)} file(s) from s3://{kept.bucket}/{name}/.", file=sys.stderr)
    if aws.s3.delete_bucket(kept.bucket):
        print(f"Bucket {kept.bucket} is deleted.", file=sys.stderr)
    else:
        print(f"Kept bucket {kept.bucket}: it holds files that are not {name}'s.", file=sys.stderr)


COMMAND = Command("Delete the project.", run, add_arguments)
