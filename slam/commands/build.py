"""``slam build``: bring the Lambda package up to date, saying what happened."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_OK
from . import Command, Invocation

if TYPE_CHECKING:
    from ..plugins import Plugin


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument("--rebuild-deps", action="store_true", help="Reinstall all dependencies.")


def run(invocation: Invocation) -> int:
    from ..tasks.deps import forget_installed
    from ..tasks.loader import run_steps
    from ..tasks.lock import project_locked
    from ..tasks.package import package_summary, read_manifest
    from ..tasks.project import BuildLayout

    config = invocation.load_config()
    out = sys.stdout  # looked up now: tests and callers may have replaced it
    layout = BuildLayout(config.root)
    with project_locked(config.root):
        print("Building lambda package...", file=out, flush=True)
        if invocation.options.rebuild_deps:
            forget_installed(layout)
        executed = run_steps(config, ["package"], debug=invocation.debug, out=out)
        if "package" not in executed:
            summary = package_summary(read_manifest(layout), built=False, folder=layout.build)
            print(summary, file=out)
    return EXIT_OK


COMMAND = Command("Build lambda package.", run, add_arguments)
