"""slam's command line: parse, dispatch to a command, map errors to exit codes.

Exit codes: 0 success, 1 a failure the user can fix, 2 a usage error, 130 Ctrl-C.
The commands live in :mod:`slam.commands`, one module each. Heavy libraries (boto3,
doit, Jinja2) are imported only by the commands that use them, and the plugins only
once a command is named, so ``slam --help`` and ``slam --version`` start fast.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .commands import COMMANDS, Invocation, load_command
from .errors import EXIT_FAILURE, EXIT_INTERRUPTED, SlamError

if TYPE_CHECKING:
    from .plugins import Plugin


def add_global_options(parser: argparse.ArgumentParser, *, version: bool = True) -> None:
    """The options every command takes, written before the command's name."""
    parser.add_argument(
        "--config-file",
        "-c",
        default="slam.yaml",
        help="The slam configuration file. Defaults to slam.yaml.",
    )
    if version:
        parser.add_argument("--version", action="version", version=f"slam {__version__}")
    parser.add_argument(
        "--region",
        help="AWS region, for the commands that call AWS (default: from your AWS configuration).",
    )
    parser.add_argument(
        "--profile", help="AWS credentials profile, for the commands that call AWS."
    )
    parser.add_argument(
        "--debug", action="store_true", help="Show full output and tracebacks on errors."
    )


def build_parser(plugins: Sequence[Plugin[Any]] = ()) -> argparse.ArgumentParser:
    """The argument parser; ``plugins`` add their options to the commands that take them."""
    parser = argparse.ArgumentParser(
        prog="slam",
        description="Deploy Python functions and WSGI apps to AWS Lambda and API Gateway.",
    )
    add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    subparsers.required = True
    for name in COMMANDS:
        command = load_command(name)
        subparser = subparsers.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(subparser, plugins)
        subparser.set_defaults(run=command.run)
    return parser


class _Unparsed(Exception):
    """The global options do not parse; the full parser will say why."""


class _GlobalOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Unparsed(message)


def parse_global_options(argv: Sequence[str]) -> argparse.Namespace:
    """The global options and the command's name, read as the full parser reads them,
    before the plugins that the full parser needs are loaded."""
    parser = _GlobalOptionsParser(add_help=False)
    add_global_options(parser, version=False)
    parser.add_argument("command", nargs="?")
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    try:
        return parser.parse_known_args(argv)[0]
    except _Unparsed:
        return argparse.Namespace(debug=False, command=None)


def report(error: SlamError, stream: TextIO) -> None:
    for message, hint in error.lines():
        print(f"slam: error: {message}", file=stream)
        if hint:
            print(f"hint: {hint}", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Run slam with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    early = parse_global_options(argv)
    try:
        return _run(argv, named_command=early.command in COMMANDS)
    except KeyboardInterrupt:
        print("slam: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SlamError as error:
        if early.debug:
            traceback.print_exc()
        report(error, sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug in slam: say so in one line unless debugging
        if early.debug:
            traceback.print_exc()
        print(f"slam: error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        print("hint: re-run with --debug to see where it happened", file=sys.stderr)
        return EXIT_FAILURE


def _run(argv: list[str], named_command: bool) -> int:
    from .plugins import load_plugins
    from .settings import AwsOptions

    plugins = load_plugins() if named_command else ()
    try:
        args = build_parser(plugins).parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors; keep main() callable
        return int(stop.code or 0)
    invocation = Invocation(
        options=args,
        config_file=Path(args.config_file),
        debug=args.debug,
        aws=AwsOptions(region=args.region, profile=args.profile),
        plugins=plugins,
    )
    return int(args.run(invocation))
