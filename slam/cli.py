"""slam's command line: parse, dispatch to a command, map errors to exit codes.

Exit codes: 0 success, 1 a failure the user can fix, 2 a usage error, 130 Ctrl-C,
141 the output closed before slam finished writing it (``slam template | head -1``),
as for a Unix tool that SIGPIPE stops. The global options go before or after the
command's name. The commands live in :mod:`slam.commands`, one module each. Heavy
libraries (boto3, doit, Jinja2) are imported only by the commands that use them, and
the plugins only once a command is named, so ``slam --help`` and ``slam --version``
start fast.
"""

from __future__ import annotations

import argparse
import os
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


EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a tool SIGPIPE stopped
GLOBAL_DEFAULTS = {"config_file": "slam.yaml", "region": None, "profile": None, "debug": False}


def add_global_options(
    parser: argparse.ArgumentParser, *, version: bool = True, after_command: bool = False
) -> None:
    """The options every command takes, before its name (``slam -c x.yaml build``) or,
    with ``after_command``, after it (``slam build -c x.yaml``), where they stay out of
    the command's help: ``slam --help`` documents them."""

    def add(*flags: str, help: str, **options: Any) -> None:
        if after_command:  # not set unless given: a value given before the command stays
            options.update(default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        else:
            options.update(default=GLOBAL_DEFAULTS[flags[0].lstrip("-").replace("-", "_")])
            options["help"] = help
        parser.add_argument(*flags, **options)

    add("--config-file", "-c", help="The slam configuration file. Defaults to slam.yaml.")
    if version:
        parser.add_argument("--version", action="version", version=f"slam {__version__}")
    add(
        "--region",
        help="AWS region, for the commands that call AWS (default: from your AWS configuration).",
    )
    add("--profile", help="AWS credentials profile, for the commands that call AWS.")
    add("--debug", action="store_true", help="Show full output and tracebacks on errors.")


def build_parser(plugins: Sequence[Plugin[Any]] = ()) -> argparse.ArgumentParser:
    """The argument parser; ``plugins`` add their options to the commands that take them."""
    parser = argparse.ArgumentParser(
        prog="slam",
        description="Deploy Python functions and WSGI apps to AWS Lambda and API Gateway.",
        epilog="-c, --region, --profile and --debug go before or after the command's name.",
    )
    add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    subparsers.required = True
    for name in COMMANDS:
        command = load_command(name)
        subparser = subparsers.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(subparser, plugins)
        add_global_options(subparser, version=False, after_command=True)
        subparser.set_defaults(run=command.run)
    return parser


class _Unparsed(Exception):
    """The global options do not parse; the full parser will say why."""


class _GlobalOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Unparsed(message)


def parse_global_options(argv: Sequence[str]) -> argparse.Namespace:
    """The global options, wherever they are, and the command's name (the first word
    that is not an option's), read before the plugins that the full parser needs are
    loaded."""
    parser = _GlobalOptionsParser(add_help=False, allow_abbrev=False)
    add_global_options(parser, version=False)
    try:
        options, others = parser.parse_known_args(argv)
    except _Unparsed:
        return argparse.Namespace(**GLOBAL_DEFAULTS, command=None)
    options.command = next((word for word in others if not word.startswith("-")), None)
    return options


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
        return _reporting_errors(argv, early)
    except BrokenPipeError:  # whoever read slam's output stopped reading: nothing to add
        _discard_output()
        return EXIT_OUTPUT_CLOSED


def _reporting_errors(argv: list[str], early: argparse.Namespace) -> int:
    try:
        code = _run(argv, named_command=early.command in COMMANDS)
        sys.stdout.flush()  # a closed pipe shows here, while slam can still say nothing
        return code
    except KeyboardInterrupt:
        print("slam: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SlamError as error:
        if early.debug:
            traceback.print_exc()
        report(error, sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        raise
    except Exception as error:  # a bug in slam: say so in one line unless debugging
        if early.debug:
            traceback.print_exc()
        print(f"slam: error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        if not early.debug:
            print("hint: re-run with --debug to see where it happened", file=sys.stderr)
        return EXIT_FAILURE


def _discard_output() -> None:
    """Point the standard streams at the null device: Python flushes them at exit, and
    would report the closed pipe there."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(null, stream.fileno())
        except (OSError, ValueError):  # not a file (a test's capture): nothing to flush
            continue
    os.close(null)


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
