"""``slam serve``: the built package behind a local API Gateway, reloaded on every edit.

It serves one stage (``--stage``, default: the devstage) at ``/<stage>/`` on
``http://127.0.0.1:8000`` (``--host``, ``--port``; port 0 picks a free one), prints a
line per request and the function's own output, and stops with Ctrl-C, exit code 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import Command, Invocation

if TYPE_CHECKING:
    from ..plugins import Plugin

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_REGION = "us-east-1"


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument("--stage", help="The stage to serve (default: the devstage).")
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"The address to listen on (default: {DEFAULT_HOST})."
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"The port to listen on (default: {DEFAULT_PORT}; 0: any free port).",
    )


def run(invocation: Invocation) -> int:
    from ..config import check_stage
    from ..local.deployed import Place
    from ..local.reloader import ServeOptions
    from ..local.serve import Address, serve
    from ..local.server import ACCOUNT_ID

    config = invocation.load_config()
    options = invocation.options
    stage = options.stage or config.devstage
    check_stage(config, stage, "--stage")
    serve_options = ServeOptions(
        config_file=config.file,
        stage=stage,
        plugins=invocation.plugins,
        debug=invocation.debug,
        place=Place(ACCOUNT_ID, invocation.aws.region or DEFAULT_REGION, config.name),
    )
    return serve(serve_options, Address(options.host, options.port), sys.stdout)


COMMAND = Command(
    "Serve the project locally behind API Gateway, reloading on changes.", run, add_arguments
)
