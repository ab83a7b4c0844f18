"""``slam status [--json]``: the deployment as its stack describes it (one DescribeStacks)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_FAILURE, EXIT_OK
from . import Command, Invocation

if TYPE_CHECKING:
    from ..config import Config
    from ..plugins import Plugin
    from ..remote import Stack

SETTLED = ("CREATE_COMPLETE", "UPDATE_COMPLETE")


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="Print the status as JSON, with the stack's status, for scripts.",
    )


def run(invocation: Invocation) -> int:
    from ..aws import AwsClient

    config = invocation.load_config()
    stack = AwsClient(invocation.aws).stacks.describe_stack(config.name)
    if invocation.options.json:
        return print_json(config, stack)
    return print_status(config, stack)


def print_status(config: Config, stack: Stack | None) -> int:
    """The seed's block on stdout (exit 0), or the not-deployed line (exit 1); a stack
    that is not settled gets a note on stderr."""
    from ..stack import is_deployed, not_deployed_line, status_block

    if stack is not None and stack.status not in SETTLED:
        reason = f": {stack.status_reason}" if stack.status_reason else ""
        print(f"Note: stack {stack.name} is {stack.status}{reason}", file=sys.stderr)
    if stack is None or not is_deployed(stack):
        print(not_deployed_line(config.name))
        return EXIT_FAILURE
    print("\n".join(status_block(config, stack)))
    return EXIT_OK


def print_json(config: Config, stack: Stack | None) -> int:
    from ..stack import deployment_status, is_deployed, not_deployed_json, status_json

    if stack is None or not is_deployed(stack):
        print(json.dumps(not_deployed_json(config.name, stack), indent=2))
        return EXIT_FAILURE
    facts = status_json(deployment_status(config, stack))
    facts["plugin_lines"] = [
        line for plugin in config.plugins for line in plugin.status_lines(config, stack.outputs)
    ]
    print(json.dumps(facts, indent=2))
    return EXIT_OK


COMMAND = Command("Show deployment status for the project.", run, add_arguments)
