"""``slam invoke``: call the deployed function on a stage with keyword arguments.

``name=value`` passes a string and ``name:=json`` any JSON value. The function gets them
as ``fn(**kwargs)`` from slam's runtime, which recognises the event ``{"kwargs": {...}}``
(see ``slam/runtime/function.py``). A string result prints as it is, anything else as
JSON; an exception in the function prints its traceback, as Python would, and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_FAILURE, EXIT_OK, UsageError
from . import Command, Invocation

if TYPE_CHECKING:
    from ..plugins import Plugin

ARGUMENTS_HELP = (
    "Input arguments for the function. Use arg=value for strings, "
    "or arg:=value for integer, booleans or JSON structures."
)


def invoke_argument(text: str) -> tuple[str, Any]:
    """argparse type for one argument: ``name=value`` (a string) or ``name:=json``."""
    name, equals, value = text.partition("=")
    is_json = name.endswith(":")
    name = name.removesuffix(":")
    if not equals or not name:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not name=value (a string) or name:=value (a JSON value)"
        )
    if not is_json:
        return name, value
    try:
        return name, json.loads(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the value after := is not JSON ({getattr(error, 'msg', error)}); "
            f"for a string, write {name}={value}"
        ) from None


def invoke_payload(arguments: Sequence[tuple[str, Any]]) -> bytes:
    """The event slam's runtime calls the function with: ``{"kwargs": {name: value}}``.
    A name given twice is a usage error."""
    kwargs: dict[str, Any] = {}
    for name, value in arguments:
        if name in kwargs:
            raise UsageError(f"argument args: {name!r} is given twice", "give each argument once")
        kwargs[name] = value
    return json.dumps({"kwargs": kwargs}).encode()


def result_text(payload: bytes) -> str:
    """The function's result as printed: a string as it is, any other value as JSON."""
    try:
        value = json.loads(payload)
    except ValueError:  # not JSON: print what Lambda sent
        return payload.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def remote_traceback(payload: bytes) -> str:
    """The traceback of a function error, as Python prints one, from Lambda's error
    document (``errorType``, ``errorMessage``, ``stackTrace``)."""
    try:
        document = json.loads(payload)
    except ValueError:
        document = None
    if not isinstance(document, Mapping):
        return payload.decode("utf-8", "replace")
    lines = []
    frames = document.get("stackTrace") or []
    if frames:
        lines.append("Traceback (most recent call last):")
        lines.extend(_frame_text(frame).rstrip("\n") for frame in frames)
    error_type = document.get("errorType") or "Error"
    message = document.get("errorMessage")
    lines.append(f"{error_type}: {message}" if message else str(error_type))
    return "\n".join(lines)


def _frame_text(frame: Any) -> str:
    """One frame: Python's runtimes send the text ``traceback.format_list`` makes; older
    ones sent ``[file, line, function, code]``."""
    if isinstance(frame, list) and len(frame) == 4:
        return "".join(traceback.format_list([tuple(frame)]))
    return str(frame)


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument(
        "--stage", help="Stage of the invoked function. Defaults to the development stage"
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--async",
        dest="asynchronous",
        action="store_true",
        help="Invoke the function but don't wait for it to return.",
    )
    how.add_argument(
        "--dry-run", action="store_true", help="Just check that the function can be invoked."
    )
    parser.add_argument("args", nargs="*", type=invoke_argument, help=ARGUMENTS_HELP)


def run(invocation: Invocation) -> int:
    from ..aws import AwsClient
    from ..remote import InvocationType
    from ..stack.deployed import chosen_stage, deployed_stage

    options = invocation.options
    config = invocation.load_config()
    names = chosen_stage(config, options.stage)
    payload = invoke_payload(options.args)
    aws = AwsClient(invocation.aws)
    stack = aws.stacks.describe_stack(config.name)
    stage = deployed_stage(config, stack, names, aws.region)
    target = f"{config.name}:{stage.name} (function {stage.function_name})"
    if options.dry_run:
        aws.functions.invoke(stage.function_name, stage.name, payload, InvocationType.DRY_RUN)
        print(f"Dry run: {target} can be invoked; it did not run.")
        return EXIT_OK
    if options.asynchronous:
        aws.functions.invoke(stage.function_name, stage.name, payload, InvocationType.ASYNC)
        print(
            f"Invoked {target} without waiting: "
            f"its output goes to its logs (`slam logs --stage {stage.name}`)."
        )
        return EXIT_OK
    answer = aws.functions.invoke(stage.function_name, stage.name, payload)
    if answer.function_error:
        print(remote_traceback(answer.payload), file=sys.stderr)
        return EXIT_FAILURE
    print(result_text(answer.payload))
    return EXIT_OK


COMMAND = Command("Invoke the lambda function.", run, add_arguments)
