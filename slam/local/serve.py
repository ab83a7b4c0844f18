"""``slam serve``: one stage of the project, behind a local API Gateway, on this machine.

    code = serve(options, Address("127.0.0.1", 8000), sys.stdout)   # until Ctrl-C: 0

Each request goes through :func:`slam.local.gateway.execute`, the code that serves
the local AWS's APIs: the stage's REST API (read from the template) turns it into the
REST v1 proxy event, the function runs it in a worker from the stage's unpacked build,
and its answer becomes the response, with API Gateway's errors and Lambda's limits.
The server listens before it builds, so a port in use fails at once; it serves on a
thread, prints a line per request, and stops every worker it started when it stops.
"""

from __future__ import annotations

import http
import json
import logging
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any, TextIO

from ..errors import EXIT_OK
from . import gateway
from .console import Console
from .functions import Functions, FunctionVersion, Invocation, reply_within
from .gateway_logs import ExecutionLog
from .reloader import Build, Builder, Reloader, ServeOptions
from .restapi import HttpRequest, HttpResponse, LambdaReply
from .runtimes import python_for
from .server import listen
from .tables import StageTables

# API Gateway's own limit on a request's body (REST APIs), before Lambda's on the event
BODY_LIMIT = 10 * 1024 * 1024
REQUEST_TOO_LARGE = HttpResponse(
    413, (("Content-Type", "application/json"),), b'{"message":"Request Too Long"}'
)
BAD_REQUEST = HttpResponse(
    400, (("Content-Type", "application/json"),), b'{"message":"Bad Request"}'
)
_REASONS = {status.value: status.phrase for status in http.HTTPStatus}
# how long the workers of requests still running may take to end once the server stops
STOP_SECONDS = 5.0


class Invocations:
    """The function's invocations, each on a worker of its own as on Lambda, with their
    output on the console; none once :meth:`close` is called."""

    def __init__(self, functions: Functions, console: Console) -> None:
        self.functions = functions
        self.console = console
        self._lock = threading.Lock()
        self._running = 0
        self._closed = False

    def invoke(
        self, function: FunctionVersion, invoked_arn: str, event: bytes, wait: float
    ) -> LambdaReply | None:
        with self._lock:
            if self._closed:
                raise gateway.IntegrationError("the server is stopping")
            self._running += 1
        try:
            logged = threading.Event()

            def log(future: Future[Invocation]) -> None:
                invocation = future.result() if future.exception() is None else None
                if invocation is not None:
                    self.console.function_output(invocation.logs)
                logged.set()
                if invocation is not None and _worker_lost(invocation):
                    self._replace_worker(function)

            future = self.functions.submit(function, event, invoked_arn)
            future.add_done_callback(log)
            reply = reply_within(future, wait)
            if reply is not None:
                logged.wait()  # its output before its request's line
            return reply
        finally:
            with self._lock:
                self._running -= 1

    def _replace_worker(self, function: FunctionVersion) -> None:
        """Start a worker in place of one an invocation lost, ahead of the next request."""
        with self._lock:
            if self._closed:
                return
            self._running += 1
        try:
            self.functions.warm(function)
        finally:
            with self._lock:
                self._running -= 1

    def close(self) -> None:
        """Refuse new invocations, and stop every worker, those of running requests too."""
        with self._lock:
            self._closed = True
        deadline = time.monotonic() + STOP_SECONDS
        while True:  # a request may be starting a worker while the others are killed
            self.functions.shutdown()
            with self._lock:
                running = self._running
            if running == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.functions.shutdown()


def _worker_lost(invocation: Invocation) -> bool:
    """Whether an invocation ended its worker: killed past its timeout, or exited."""
    if invocation.status == "timeout":
        return True
    if not invocation.function_error:
        return False
    try:
        error = json.loads(invocation.payload)
    except ValueError:
        return False
    return isinstance(error, dict) and error.get("errorType") == "Runtime.ExitError"


@dataclass(frozen=True)
class StageIntegrations:
    """The gateway's Lambda side for one build: its function, and no other."""

    function: FunctionVersion
    invocations: Invocations

    def permitted(self, function_arn: str, source_arn: str) -> bool:
        return True  # the template grants each stage's API its alias

    def invoke(self, function_arn: str, event: bytes, wait: float) -> LambdaReply | None:
        unqualified = ":".join(function_arn.split(":")[:7])
        if unqualified != self.function.arn:
            raise gateway.IntegrationError(f"Function not found: {function_arn}")
        return self.invocations.invoke(self.function, function_arn, event, wait)


@dataclass(frozen=True)
class Site:
    """What answers the requests: the latest build of the stage, and its invocations."""

    reloader: Reloader
    invocations: Invocations

    def respond(self, request: HttpRequest, stage_name: str) -> HttpResponse:
        """The response to a request for ``stage_name``'s ``request.path``."""
        build: Build = self.reloader.current()
        if stage_name != build.stage.name:
            return gateway.MISSING_AUTHENTICATION_TOKEN
        integrations = StageIntegrations(build.function, self.invocations)
        execution_log = ExecutionLog(str(uuid.uuid4()))
        return gateway.execute(build.api, build.stage, request, integrations, execution_log)


def split_stage(target: str) -> tuple[str, str, str]:
    """``(stage, path in the stage, query)`` of a request target such as ``/dev/tasks?a=1``."""
    path, _, query = target.partition("?")
    stage, _, rest = path.lstrip("/").partition("/")
    return stage, "/" + rest, query


class _Server(ThreadingHTTPServer):
    """The HTTP server, on a socket already listening."""

    daemon_threads = True  # a connection kept alive must not hold the stop
    site: Site

    def __init__(self, listening: socket.socket, console: Console) -> None:
        super().__init__(listening.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listening
        self.server_address = listening.getsockname()
        self.console = console


class _Handler(BaseHTTPRequestHandler):
    """One connection: its requests, one at a time, as HTTP/1.1 with keep-alive."""

    protocol_version = "HTTP/1.1"
    # headers and body are two writes: without this, a client's delayed ACK costs 40 ms
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        started = time.perf_counter()
        response = self._response()
        self._send(response)
        self.server.console.request(
            self.command, self.path, response.status, time.perf_counter() - started
        )

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _response(self) -> HttpResponse:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return BAD_REQUEST
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        if length > BODY_LIMIT:
            while length > 0:  # read to its end: a client sends it all before it reads
                length -= len(self.rfile.read(min(length, 1 << 16)) or b"\0" * length)
            return REQUEST_TOO_LARGE
        body = self._chunks() if chunked else self.rfile.read(length)
        if len(body) > BODY_LIMIT:
            return REQUEST_TOO_LARGE
        stage, path, query = split_stage(self.path)
        request = HttpRequest(
            method=self.command,
            path=path,
            query=query,
            headers=tuple(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            protocol=self.request_version,
        )
        return self.server.site.respond(request, stage)

    def _chunks(self) -> bytes:
        """A chunked body, read up to just past API Gateway's limit."""
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if chunk == 0 or size > BODY_LIMIT:
                while self.rfile.readline().strip():  # trailers, to the blank line
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(chunk))
            self.rfile.readline()
            size += chunk

    def _send(self, response: HttpResponse) -> None:
        self.send_response_only(response.status, _REASONS.get(response.status, "Unknown"))
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Date", formatdate(usegmt=True))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the console has a line per request


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _quiet_workers() -> Iterator[None]:
    """The worker machinery's own warnings are said once, in the banner."""
    local_log = logging.getLogger("slam.local")
    propagate = local_log.propagate
    handler = logging.NullHandler()
    local_log.addHandler(handler)
    local_log.propagate = False
    try:
        yield
    finally:
        local_log.removeHandler(handler)
        local_log.propagate = propagate


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def url(self, port: int) -> str:
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(options: ServeOptions, address: Address, out: TextIO) -> int:
    """Build the stage, serve it until Ctrl-C or SIGTERM, then stop everything: 0."""
    listening = listen(address.host, address.port)  # a port in use fails before the build
    console = Console(out)
    functions = Functions()
    tables = StageTables(f"{options.place.name}-{options.stage}-tables", options.place.region)
    builder = Builder(options, console, functions, tables)
    server = _Server(listening, console)
    with _quiet_workers(), _interruptible():
        try:
            console.write("Building lambda package...")
            build = builder.build(out)
            builder.start_function(build)
            reloader = Reloader(builder, build)
            invocations = Invocations(functions, console)
            server.site = Site(reloader, invocations)
            url = address.url(server.server_address[1])
            _run(server, reloader, invocations, _banner(build, builder, url))
        finally:
            _ignore_interrupts()  # a second Ctrl-C must not cut the stop short
            server.server_close()
            functions.shutdown()
            tables.stop()
    console.write("Stopped.")
    return EXIT_OK


def _run(server: _Server, reloader: Reloader, invocations: Invocations, banner: str) -> None:
    """Serve until Ctrl-C or SIGTERM; then stop watching, serving and every worker."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=server.serve_forever, args=(0.1,), name="slam serve"),
        threading.Thread(target=reloader.watch, args=(stop,), name="slam serve watcher"),
    ]
    try:
        for thread in threads:
            thread.start()
        reloader.builder.console.write(banner)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        _ignore_interrupts()  # a second Ctrl-C must not cut the stop short
        stop.set()
        if threads[0].ident is not None:  # shutdown() waits for a loop that ran
            server.shutdown()
        if threads[1].ident is not None:
            threads[1].join()
        invocations.close()


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C and SIGTERM as KeyboardInterrupt, whatever the shell that started the server
    set them to (a script's background job ignores SIGINT); as they were, afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return
    previous = signal.signal(signal.SIGINT, _interrupt), signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def _banner(build: Build, builder: Builder, url: str) -> str:
    stage = build.stage.name
    lines = [f"Serving {build.config.name}, stage {stage}, at {url}/{stage}/"]
    if builder.host_reason:
        lines.append(f"Its requirements are installed for this machine: {builder.host_reason}.")
    endpoint = builder.tables.endpoint_url
    if endpoint:
        lines.append(
            f"Its DynamoDB tables are in a local AWS at {endpoint}, until the server stops."
        )
    lines.append("It reloads when the project's files or slam.yaml change. Ctrl-C stops it.")
    python = python_for(build.function.runtime)
    if python.warning:  # the workers' own would say it at each start
        lines.insert(0, f"slam: warning: {python.warning}")
    return "\n".join(lines)
