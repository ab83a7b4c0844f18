"""``python -m slam.local.aws [--host H] [--port P]``: the local AWS, in the foreground.

It prints its URL and the variables that point AWS SDKs and slam at it, then serves
until Ctrl-C (or SIGTERM), which stops it and every worker process it started, with
exit code 0, as development servers do. Each Lambda invocation and each API Gateway
request gets one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ..errors import EXIT_OK, SlamError
from .server import LocalAWS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m slam.local.aws",
        description="Run the local AWS that slam deploys to without an AWS account.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=4566, help="port to listen on (0: any)")
    return parser


def _banner(aws: LocalAWS) -> str:
    exports = "".join(f"  export {name}={value}\n" for name, value in aws.environment.items())
    return (
        f"The local AWS is running at {aws.url}. Use it with:\n{exports}"
        f"REST API stages answer at {aws.url}/_aws/execute-api/<api-id>/<stage>/\n"
        "Press Ctrl-C to stop it."
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _log_to_stderr() -> None:
    """One line per invocation and per API request, with the time."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    local_log = logging.getLogger("slam.local")
    local_log.addHandler(handler)
    local_log.setLevel(logging.INFO)
    local_log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    aws = LocalAWS(args.host, args.port)
    try:
        aws.start()
    except SlamError as error:
        print(f"slam: error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return error.exit_code
    _log_to_stderr()
    signal.signal(signal.SIGINT, _interrupt)  # even where a shell started it ignoring SIGINT
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(_banner(aws), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        # a second Ctrl-C must not cut the stop short and leave workers behind
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        aws.stop()
        print("Stopped.", flush=True)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
