"""``slam deploy``: build, upload and deploy the project to a stage, then show its status.

Standard output holds what the seed shows (``Building lambda package...``,
``Deploying <name>:<stage>...`` and the status block); everything else (the build's
summaries, the account about to change, the change set and the stack's events) goes
to standard error. A deploy with nothing to do changes nothing and says so.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_OK, UsageError
from . import Command, Invocation

if TYPE_CHECKING:
    from ..plugins import Plugin

HANDLER_FILE = "slam_runtime/handler.py"  # what Lambda's handler setting imports


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument("--rebuild-deps", action="store_true", help="Reinstall all dependencies.")
    package = parser.add_mutually_exclusive_group()
    package.add_argument(
        "--no-lambda",
        action="store_true",
        help="Do not deploy a new lambda package: deploy the configuration with the "
        "package the stack already runs.",
    )
    package.add_argument(
        "--lambda-package",
        metavar="LAMBDA_PACKAGE",
        type=Path,
        help="Custom lambda zip package to deploy (one that slam build made).",
    )
    parser.add_argument(
        "--stage",
        help="Stage to deploy to. Defaults to the stage designated as the development stage.",
    )
    parser.add_argument(
        "--allow-data-loss",
        action="store_true",
        help="Let the deploy delete the DynamoDB tables (and their items) that slam.yaml "
        "no longer has.",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Ask CloudFormation to update the stack even when it records this template "
        "and package.",
    )


def checked_package(path: Path) -> Path:
    """``--lambda-package``'s zip, once it is known to be a readable zip holding slam's
    handler; a UsageError naming the file otherwise."""
    hint = "pass a package that `slam build` made (it writes them to .slam/build/)"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise UsageError(f"--lambda-package {path} is not a zip file", hint) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(f"--lambda-package {path} cannot be read: {reason}", hint) from None
    if HANDLER_FILE not in names:
        raise UsageError(
            f"--lambda-package {path} holds no {HANDLER_FILE}, so Lambda could not run it", hint
        )
    return path.resolve()


def run(invocation: Invocation) -> int:
    from ..config import check_stage
    from ..tasks import DEPLOY_STEP
    from ..tasks.deps import forget_installed
    from ..tasks.loader import run_steps
    from ..tasks.project import BuildLayout
    from ..tasks.remote import Remote, RemoteOptions

    config = invocation.load_config()
    args = invocation.options
    stage = args.stage or config.devstage
    check_stage(config, stage, "--stage")
    package = checked_package(args.lambda_package) if args.lambda_package else None
    options = RemoteOptions(
        stage=stage,
        force=args.force,
        allow_data_loss=args.allow_data_loss,
        no_lambda=args.no_lambda,
        lambda_package=package,
        aws=invocation.aws,
    )
    remote = Remote(config, options)
    remote.aws.session.require_credentials()  # before a build that would be for nothing
    if args.rebuild_deps:
        forget_installed(BuildLayout(config.root))
    out = sys.stdout  # looked up now: tests and callers may have replaced it
    if not (args.no_lambda or package):
        print("Building lambda package...", file=out, flush=True)
    run_steps(
        config, [DEPLOY_STEP], debug=invocation.debug, out=sys.stderr, remote=remote, headings=out
    )
    return EXIT_OK


COMMAND = Command("Deploy the project to the development stage.", run, add_arguments)
