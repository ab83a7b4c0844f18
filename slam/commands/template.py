"""``slam template``: print the stack's CloudFormation template, as the template step
writes it to .slam/build/template.json."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_OK
from . import Command, Invocation

if TYPE_CHECKING:
    from ..plugins import Plugin


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "yaml"),
        default="json",
        help="Print the template as JSON (the default) or YAML.",
    )


def run(invocation: Invocation) -> int:
    from ..cloudformation import template_json, template_yaml
    from ..tasks.loader import run_steps
    from ..tasks.lock import project_locked
    from ..tasks.project import BuildLayout

    config = invocation.load_config()
    with project_locked(config.root):
        # the step prints nothing; doit's own output (--debug) goes to stderr, so stdout
        # holds only the template
        run_steps(config, ["template"], debug=invocation.debug, out=sys.stderr)
        template = json.loads(BuildLayout(config.root).template.read_text(encoding="utf-8"))
    sys.stdout.write(
        template_yaml(template) if invocation.options.format == "yaml" else template_json(template)
    )
    return EXIT_OK


COMMAND = Command("Print the default Cloudformation deployment template.", run, add_arguments)
