"""slam's command line: parse, load the config, run a command, map errors to exit codes.

Exit codes: 0 success, 1 a failure the user can fix, 2 a usage error, 130 Ctrl-C.
Heavy libraries (boto3, doit, Jinja2) are imported only by the commands that use them,
so ``slam --help`` and ``slam --version`` start fast.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__
from .errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, SlamError

if TYPE_CHECKING:
    from .config import Config
    from .plugins import Plugin


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, how it adds its options, and what it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser, Sequence[Plugin[Any]]], None]
    run: Callable[[argparse.Namespace], int]
    uses_plugins: bool = False


def _init_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    from .commands import init

    init.add_arguments(parser, plugins)


def _run_init(args: argparse.Namespace) -> int:
    from .commands import init
    from .plugins import load_plugins

    config = init.run(args, Path(args.config_file), load_plugins())
    print_warnings(config)
    print(init.DONE.format(file=args.config_file))
    return EXIT_OK


def _template_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "yaml"),
        default="json",
        help="Print the template as JSON (the default) or YAML.",
    )


def _run_template(args: argparse.Namespace) -> int:
    from .cloudformation import to_json, to_yaml
    from .tasks.runner import template

    rendered = template(load_project(args), debug=args.debug)
    sys.stdout.write(to_yaml(rendered) if args.format == "yaml" else to_json(rendered))
    return EXIT_OK


def _build_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument("--rebuild-deps", action="store_true", help="Reinstall all dependencies.")


def _run_build(args: argparse.Namespace) -> int:
    from .tasks.runner import build

    build(load_project(args), rebuild_deps=args.rebuild_deps, debug=args.debug)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "init": Command("Generate a configuration file.", _init_arguments, _run_init, True),
    "build": Command("Build lambda package.", _build_arguments, _run_build),
    "template": Command(
        "Print the default Cloudformation deployment template.",
        _template_arguments,
        _run_template,
    ),
}


def load_project(args: argparse.Namespace) -> Config:
    """Load and validate the slam.yaml named on the command line; print its warnings."""
    from .config import load_config
    from .plugins import load_plugins

    config = load_config(Path(args.config_file), load_plugins())
    print_warnings(config)
    return config


def print_warnings(config: Config) -> None:
    for warning in config.warnings:
        print(f"slam: warning: {warning}", file=sys.stderr)


def build_parser(plugins: Sequence[Plugin[Any]] = ()) -> argparse.ArgumentParser:
    """The argument parser; ``plugins`` add their options to the commands that take them."""
    parser = argparse.ArgumentParser(
        prog="slam",
        description="Deploy Python functions and WSGI apps to AWS Lambda and API Gateway.",
    )
    parser.add_argument(
        "--config-file",
        "-c",
        default="slam.yaml",
        help="The slam configuration file. Defaults to slam.yaml.",
    )
    parser.add_argument("--version", action="version", version=f"slam {__version__}")
    parser.add_argument("--region", help="AWS region (default: from your AWS configuration).")
    parser.add_argument("--profile", help="AWS credentials profile to use.")
    parser.add_argument(
        "--debug", action="store_true", help="Show full output and tracebacks on errors."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    subparsers.required = True
    for name, command in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(subparser, plugins if command.uses_plugins else ())
        subparser.set_defaults(run=command.run)
    return parser


def _needs_plugins(argv: Sequence[str]) -> bool:
    """Whether the command line names a command whose options come from plugins."""
    return any(COMMANDS[arg].uses_plugins for arg in argv if arg in COMMANDS)


def report(error: SlamError, stream: TextIO) -> None:
    for message, hint in error.lines():
        print(f"slam: error: {message}", file=stream)
        if hint:
            print(f"hint: {hint}", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Run slam with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        from .plugins import load_plugins

        parser = build_parser(load_plugins() if _needs_plugins(argv) else ())
        try:
            args = parser.parse_args(argv)
        except SystemExit as stop:  # --help, --version and usage errors; keep main() callable
            return int(stop.code or 0)
        return int(args.run(args))
    except KeyboardInterrupt:
        print("slam: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SlamError as error:
        if debug:
            traceback.print_exc()
        report(error, sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug in slam: say so in one line unless debugging
        if debug:
            traceback.print_exc()
        print(f"slam: error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        print("hint: re-run with --debug to see where it happened", file=sys.stderr)
        return EXIT_FAILURE
