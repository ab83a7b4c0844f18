"""A small HTTP client for trying the tutorials' APIs, with only Python's standard library.

    python3 request.py URL                                        # GET
    python3 request.py -u miguel:python URL/tasks                 # with HTTP basic auth
    python3 request.py -u miguel:python -d '{"title": "Write the docs"}' URL/tasks  # POST
    python3 request.py -u miguel:python -X DELETE URL/tasks/ID

It prints the answer's status line, then its body, a JSON body indented. Any answer the
server gives, a 404 as well as a 200, exits with 0, as curl does; no answer exits with 1.
A server on this machine (127.0.0.1, localhost) is reached directly, never through the
proxy that ``http_proxy`` names.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from email.message import Message

TIMEOUT = 60  # seconds: API Gateway answers within 29, a cold start included
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="request.py", description="Send one HTTP request and print the answer."
    )
    parser.add_argument("url")
    parser.add_argument("-u", "--user", metavar="USER:PASSWORD", help="HTTP basic auth")
    parser.add_argument("-d", "--data", metavar="JSON", help="a JSON body; the method is POST")
    parser.add_argument("-X", "--request", dest="method", metavar="METHOD", help="the method")
    args = parser.parse_args(argv)
    if args.user is not None and ":" not in args.user:
        parser.error("-u takes USER:PASSWORD")
    if args.data is not None:
        try:
            json.loads(args.data)
        except ValueError as error:
            parser.error(f"-d is not JSON: {error}")
    return args


def build_request(args: argparse.Namespace) -> urllib.request.Request:
    headers = {"Accept": "application/json"}
    if args.user is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(args.user.encode()).decode()
    body = None
    if args.data is not None:
        body = args.data.encode()
        headers["Content-Type"] = "application/json"
    method = args.method or ("POST" if body is not None else "GET")
    return urllib.request.Request(args.url, data=body, headers=headers, method=method.upper())


def shown_body(body: bytes, headers: Message) -> str:
    """The body as text: JSON indented, other text as it is."""
    text = body.decode(headers.get_content_charset() or "utf-8", "replace")
    if headers.get_content_type() == "application/json":
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return text.rstrip("\n")


def send(request: urllib.request.Request) -> tuple[int, str, Message, bytes]:
    """The answer's status, reason, headers and body, a 4xx or 5xx answer too."""
    # A server on this machine is reached directly, whatever proxy the environment names.
    direct = urllib.parse.urlsplit(request.full_url).hostname in LOOPBACK
    opener = urllib.request.build_opener(*([urllib.request.ProxyHandler({})] if direct else []))
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.reason, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, str(error.reason), error.headers, error.read()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    try:
        status, reason, headers, body = send(build_request(args))
    except (urllib.error.URLError, OSError) as error:
        cause = getattr(error, "reason", error)  # URLError wraps the socket's error
        print(f"request.py: no answer from {args.url}: {cause}", file=sys.stderr)
        return 1
    print(f"HTTP {status} {reason}")
    if body:
        print(shown_body(body, headers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
