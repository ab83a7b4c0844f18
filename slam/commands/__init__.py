"""slam's commands: one module each, named in :data:`COMMANDS`.

A command module defines ``COMMAND = Command(help, run, add_arguments)``:

- ``add_arguments(parser, plugins)`` adds the command's own options to its parser;
  ``plugins`` are the installed plugins, for a command whose options they extend.
- ``run(invocation)`` does the work, prints what the user sees and returns the exit
  code. A failure the user can fix is a ``SlamError``, which ``slam.cli`` reports.
  ``invocation.load_config()`` reads the project; a command that calls AWS passes
  ``invocation.aws`` (``--region``, ``--profile``) to the AWS layer.

Adding a command is one module here and its name in :data:`COMMANDS`. Keep a command
module's imports light (heavy ones inside ``run``): ``slam --help`` imports them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config
    from ..plugins import Plugin
    from ..settings import AwsOptions

# In the order `slam --help` lists them.
COMMANDS = (
    "init",
    "build",
    "deploy",
    "publish",
    "invoke",
    "delete",
    "status",
    "logs",
    "template",
    "serve",
)


@dataclass(frozen=True)
class Invocation:
    """One run of a command: slam's global options, typed, and the command's own."""

    options: argparse.Namespace  # everything parsed, the command's own options included
    config_file: Path
    debug: bool
    aws: AwsOptions
    plugins: tuple[Plugin[Any], ...]  # the installed plugins, read once

    def load_config(self) -> Config:
        """Load and validate the project's slam.yaml; print its warnings."""
        from ..config import load_config

        config = load_config(self.config_file, self.plugins)
        print_warnings(config)
        return config


def _no_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    """A command with no options of its own."""


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, what it runs, and how it adds its options."""

    help: str
    run: Callable[[Invocation], int]
    add_arguments: Callable[[argparse.ArgumentParser, Sequence[Plugin[Any]]], None] = _no_arguments


def load_command(name: str) -> Command:
    """The ``COMMAND`` of the module ``slam.commands.<name>``."""
    command: Command = importlib.import_module(f"{__name__}.{name}").COMMAND
    return command


def print_warnings(config: Config) -> None:
    for warning in config.warnings:
        print(f"slam: warning: {warning}", file=sys.stderr)
