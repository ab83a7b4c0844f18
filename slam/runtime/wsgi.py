"""Serve any WSGI app (Flask, Django, Bottle, a plain callable) from AWS Lambda.

Usable on its own, without the rest of slam::

    from slam.runtime.wsgi import make_handler

    handler = make_handler(app)                    # Lambda handler: "module.handler"
    handler = make_handler(app, base_path="/api")  # behind a custom-domain base path

The handler answers API Gateway REST API (v1 proxy) events, HTTP API events with
payload format 1.0 or 2.0, Lambda Function URL events and ALB events (multi-value
headers on or off), each in that trigger's response format. A scheduled EventBridge
event (a warm-up ping) gets ``{}``; any other event raises
:class:`~slam.runtime.events.UnsupportedEventError` saying what was expected.

What the app sees (details in :mod:`slam.runtime.events`):

- A PEP 3333 environ. Behind an ``execute-api`` host with a named stage, ``SCRIPT_NAME``
  is ``/<stage>``, so ``url_for``/``reverse`` build links that work; with ``base_path``,
  requests to a custom domain get ``SCRIPT_NAME = base_path``, stripped from the path.
- ``REMOTE_ADDR`` from what API Gateway or ALB saw, never from what the client claims.
- ``REMOTE_USER`` from the API Gateway authorizer, when there is one.
- ``slam.event``, ``slam.request_context`` and ``slam.context``: the raw Lambda event,
  its ``requestContext`` and the Lambda context object.

The app's response is collected in full (``write()`` and lazy generators included),
``close()`` is always called, and an exception from the app is logged with its
traceback to stderr and answered with a plain ``500 Internal Server Error``.
"""

from __future__ import annotations

import sys

from . import events, responses

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ._typing import Environ, Event, ExcInfo, Handler, Headers, Result, Write, WSGIApp

    BuildEnviron = Callable[[dict[str, Event], object, str], Environ]
    BuildResponse = Callable[[str, Headers, bytes], Result]

__all__ = ["make_handler"]

_FORMATS: dict[str, tuple[BuildEnviron, BuildResponse]] = {
    events.V1: (events.v1_environ, responses.v1_response),
    events.V2: (events.v2_environ, responses.v2_response),
    events.ALB: (events.alb_environ, responses.alb_response),
    events.ALB_MULTI_VALUE: (events.alb_environ, responses.alb_multi_value_response),
}

_INTERNAL_ERROR: tuple[str, Headers, bytes] = (
    "500 Internal Server Error",
    [("Content-Type", "text/plain; charset=utf-8")],
    b"Internal Server Error",
)


def make_handler(app: WSGIApp, base_path: str | None = None) -> Handler:
    """Return a Lambda handler ``handler(event, context)`` that serves ``app``.

    ``base_path`` is the custom-domain base-path mapping the API is served under
    (``"/api"``): requests to a host that is not an AWS endpoint (``execute-api``,
    ``lambda-url``, ``elb``) get it as ``SCRIPT_NAME``, stripped from their path.
    """
    script_name = normalise_base_path(base_path)
    formats = _FORMATS

    # One function for the whole request: at Lambda's pace, between two requests the
    # app's own code pushes slam's out of the CPU caches, and each further call costs.
    def handler(event: Event, context: object) -> Result:
        name = events.event_format(event)
        if name is None:
            return {}
        build_environ, build_response = formats[name]
        environ = build_environ(event, context, script_name)
        exchange = _Exchange()
        try:
            result = app(environ, exchange.start_response)
            try:
                status, headers, body = exchange.collect(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            return build_response(status, headers, body)
        except Exception:  # the app's, or a response it got wrong: a 500, logged
            _log_failure(environ)
            return build_response(*_INTERNAL_ERROR)

    return handler


def normalise_base_path(base_path: str | None) -> str:
    """Return ``base_path`` as a SCRIPT_NAME: ``""`` or ``/segment[/segment...]``."""
    stripped = (base_path or "").strip("/")
    return "/" + events.encode_path(stripped) if stripped else ""


class _Exchange:
    """The PEP 3333 ``start_response``/``write`` side of one request."""

    # class-level defaults, so that no __init__ runs for each request
    status: str | None = None
    headers: Headers
    # the body chunks sent so far; a non-empty one means the headers count as sent
    chunks: list[bytes] | None = None

    def start_response(
        self, status: str, headers: Headers, exc_info: ExcInfo | None = None
    ) -> Write:
        if exc_info is not None:
            try:
                if self.chunks:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None  # break the frame <-> traceback cycle
        elif self.status is not None:
            raise RuntimeError("start_response() was called twice without exc_info")
        if not (status[:3].isdigit() and status[3:4] in ("", " ")):
            raise ValueError(f"invalid WSGI status {status!r}")
        if type(headers) is not list:
            raise TypeError(f"WSGI response headers must be a list, not {type(headers).__name__}")
        self.status = status
        self.headers = headers
        return self.write

    def write(self, data: bytes) -> None:
        if data:
            if self.chunks is None:
                self.chunks = [data]
            else:
                self.chunks.append(data)

    def collect(self, result: Iterable[bytes]) -> tuple[str, Headers, bytes]:
        """Read the whole body; raise if the app never called start_response."""
        chunks = self.chunks
        if type(result) is list and chunks is None:
            body = b"".join(result)  # a list is complete: start_response ran already
        else:
            if chunks is None:
                chunks = self.chunks = []
            for chunk in result:
                if chunk:
                    if self.status is None:
                        raise RuntimeError("the app sent body bytes before start_response()")
                    chunks.append(chunk)
            body = b"".join(chunks)
        if self.status is None:
            raise RuntimeError("the app returned without calling start_response()")
        return self.status, self.headers, body


def _log_failure(environ: Environ) -> None:
    import traceback  # only failing requests pay for this import

    method = environ.get("REQUEST_METHOD", "?")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    sys.stderr.write(f"slam: the WSGI app failed on {method} {path}\n{traceback.format_exc()}")
