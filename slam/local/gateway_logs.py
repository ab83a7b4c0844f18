"""API Gateway's execution log of one request, as a stage's method settings ask for it.

Lines read ``(<request id>) <message>``, as in ``API-Gateway-Execution-Logs_<api>/<stage>``.
At ``INFO`` the log follows the request through the integration; at ``ERROR`` it holds
only what failed; ``dataTraceEnabled`` adds headers and bodies, cut at 1 KB.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from .worker import LogEntry, now_ms

if TYPE_CHECKING:
    from .restapi import HttpRequest, HttpResponse, LambdaReply

_LEVELS = {"OFF": 0, "ERROR": 1, "INFO": 2}
_TRACE_LIMIT = 1024


def _java_map(mapping: Mapping[str, str] | None) -> str:
    """A map as API Gateway's log prints it: ``{name=value, ...}``."""
    return "{" + ", ".join(f"{key}={value}" for key, value in (mapping or {}).items()) + "}"


def _truncated(text: str) -> str:
    return text if len(text) <= _TRACE_LIMIT else text[:_TRACE_LIMIT] + " [TRUNCATED]"


class ExecutionLog:
    """The execution log lines of one request; empty until :meth:`configure` enables it."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self.level = 0
        self.data_trace = False
        self.entries: list[LogEntry] = []

    def configure(self, level: str, data_trace: bool) -> None:
        self.level = _LEVELS.get(level.upper(), 0)
        self.data_trace = data_trace and self.level > 0

    def info(self, message: str) -> None:
        if self.level >= _LEVELS["INFO"]:
            self._add(message)

    def error(self, message: str) -> None:
        if self.level >= _LEVELS["ERROR"]:
            self._add(message)

    def trace(self, message: str) -> None:
        if self.data_trace:
            self._add(_truncated(message))

    def _add(self, message: str) -> None:
        self.entries.append(LogEntry(now_ms(), f"({self.request_id}) {message}"))

    def start(self, request: HttpRequest, parameters: Mapping[str, str] | None) -> None:
        self.info(f"Extended Request Id: {self.request_id}")
        self.info(f"Starting execution for request: {self.request_id}")
        self.info(f"HTTP Method: {request.method}, Resource Path: {request.path}")
        self.info(f"Method request path: {_java_map(parameters)}")
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        self.info(f"Method request query string: {_java_map(query)}")
        self.trace(f"Method request headers: {_java_map(dict(request.headers))}")
        body = request.body.decode("utf-8", "replace")
        self.trace(f"Method request body before transformations: {body}")

    def sending(self, function_arn: str, event: bytes) -> None:
        region = function_arn.split(":")[3]
        uri = (
            f"https://lambda.{region}.amazonaws.com/2015-03-31/functions/{function_arn}/invocations"
        )
        self.info(f"Endpoint request URI: {uri}")
        self.trace(f"Endpoint request body after transformations: {event.decode()}")
        self.info(f"Sending request to {uri}")

    def received(self, reply: LambdaReply, latency_ms: float) -> None:
        self.info(f"Received response. Status: 200, Integration latency: {latency_ms:.0f} ms")
        self.trace(
            "Endpoint response body before transformations: "
            + reply.payload.decode("utf-8", "replace")
        )

    def function_error(self, reply: LambdaReply) -> None:
        try:
            message = json.loads(reply.payload).get("errorMessage", "")
        except (ValueError, AttributeError):
            message = reply.payload.decode("utf-8", "replace")
        self.error(
            "Lambda execution failed with status 200 due to customer function error:"
            f" {message}. Lambda request id: {reply.request_id}"
        )

    def completed(self, response: HttpResponse) -> None:
        body = response.body.decode("utf-8", "replace")
        self.trace(f"Method response body after transformations: {body}")
        self.trace(f"Method response headers: {_java_map(dict(response.headers))}")
        if response.status < 400:
            self.info("Successfully completed execution")
        message = f"Method completed with status: {response.status}"
        if response.status >= 500:  # a stage logging errors only still says what the client got
            self.error(message)
        else:
            self.info(message)
