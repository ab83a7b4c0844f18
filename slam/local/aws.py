"""``python -m slam.local.aws [--host H] [--port P]``: the local AWS, in the foreground."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from ..errors import EXIT_OK, SlamError
from .server import LocalAWS


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m slam.local.aws",
        description="Run the local AWS that slam deploys to without an AWS account.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    parser.add_argument("--port", type=int, default=4566, help="Port to listen on.")
    args = parser.parse_args(argv)
    try:
        with LocalAWS(args.host, args.port) as aws:
            print(f"The local AWS is running at {aws.url}. Use it with:")
            for name, value in aws.environment.items():
                print(f"  export {name}={value}")
            print("Press Ctrl-C to stop it.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        return EXIT_OK
    except SlamError as error:
        print(f"slam: error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return error.exit_code
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
