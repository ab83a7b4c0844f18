"""``slam publish STAGE [--version V]``: freeze a stage's code (the devstage's by default)
as a numbered Lambda version, or take an existing version, and move STAGE to it."""

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
    parser.add_argument("stage", help="Stage to publish to.")
    parser.add_argument(
        "--version",
        metavar="VERSION",
        help="Stage name or numeric version to publish. Defaults to the development stage.",
    )


def run(invocation: Invocation) -> int:
    from ..stack import status_block
    from ..tasks.loader import run_steps
    from ..tasks.publish import check_publish
    from ..tasks.remote import Remote, RemoteOptions

    config = invocation.load_config()
    stage, source = invocation.options.stage, invocation.options.version or config.devstage
    check_publish(config, stage, source)
    remote = Remote(config, RemoteOptions(publish_version=source, aws=invocation.aws))
    remote.aws.session.require_credentials()
    out = sys.stdout
    print(f"Publishing {config.name}:{source} to {stage}...", file=out, flush=True)
    run_steps(config, [f"publish:{stage}"], debug=invocation.debug, out=sys.stderr, remote=remote)
    stack = remote.stack()
    assert stack is not None  # the step failed otherwise
    print("\n".join(status_block(config, stack)), file=out)
    return EXIT_OK


COMMAND = Command("Publish a version of the project to a stage.", run, add_arguments)
