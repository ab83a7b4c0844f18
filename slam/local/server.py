"""``LocalAWS``: moto's server with slam's extensions, serving from a thread of this process.

    with LocalAWS() as aws:          # a free port on 127.0.0.1
        os.environ.update(aws.environment)
        ...                          # boto3 clients and subprocesses reach it

moto keeps its state per process: every LocalAWS of one process shares it, and the
functions' workers, which call back the most recently started server still running.

Built from moto's server (checked against moto 5.2.5):
``moto.moto_server.werkzeug_app.DomainDispatcherApplication`` with
``create_backend_app`` is the WSGI app, behind the extensions' middleware, and
``MotoRequestHandler`` is subclassed to log nothing and keep each request's headers.
"""

from __future__ import annotations

import errno
import io
import re
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from ..errors import SlamError

INSTALL_HINT = "install the local AWS with: pip install 'slam-deploy[local]'"
ACCOUNT_ID = "123456789012"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
#: The WSGI environ key holding a request's headers as ``(name, value)`` pairs, as sent.
RAW_HEADERS = "slam.raw_headers"
# The service a request is signed for: Credential=KEY/DATE/REGION/SERVICE/aws4_request
SIGNED_SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


@dataclass(frozen=True)
class LoggedRequest:
    """A request the local AWS received, as :attr:`LocalAWS.requests` lists it: what a
    test counts to know which calls a client made."""

    method: str
    path: str
    service: str  # the service the request is signed for; "" when it is not signed
    user_agent: str
    query: str = ""  # the query string, as sent
    #: The operation, when the request names it: its ``X-Amz-Target`` (JSON protocols) or
    #: ``Action`` (query protocols); "" for REST protocols, where the path tells it.
    operation: str = ""


def _named_operation(environ: dict[str, Any]) -> str:
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        return target.rpartition(".")[2]
    query = str(environ.get("QUERY_STRING", ""))
    if str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded"):
        # The form is read here, and put back for moto, which reads it again.
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        query = f"{query}&{body.decode('utf-8', 'replace')}"
    actions: list[str] = parse_qs(query).get("Action", [""])
    return actions[0]


def _logging_requests(app: Callable[..., Any], log: list[LoggedRequest]) -> Callable[..., Any]:
    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        signed = SIGNED_SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
        log.append(
            LoggedRequest(
                environ.get("REQUEST_METHOD", ""),
                environ.get("PATH_INFO", ""),
                signed[1] if signed else "",
                environ.get("HTTP_USER_AGENT", ""),
                environ.get("QUERY_STRING", ""),
                _named_operation(environ),
            )
        )
        result: Iterable[bytes] = app(environ, start_response)
        return result

    return serve


def client_of(url: str, service: str, region: str = "us-east-1", **settings: Any) -> Any:
    """A boto3 client of the local AWS at ``url``, with its dummy credentials; ``settings``
    go to botocore's ``Config`` (retries, timeouts). For tests and scripts."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(**settings),
    )


def require_moto() -> None:
    """Fail in one line, saying how to install it, when the local extra is missing."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        raise SlamError("the local AWS needs moto, which is not installed", INSTALL_HINT) from None


def _request_handler() -> Any:
    """moto's request handler, quiet, keeping each request's headers as the client sent them."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class RequestHandler(MotoRequestHandler):
        def make_environ(self) -> dict[str, Any]:
            environ: dict[str, Any] = super().make_environ()
            # names as sent, repeats kept: WSGI folds both away, API Gateway keeps them
            environ[RAW_HEADERS] = list(self.headers.items())
            return environ

        def log_request(self, *args: Any) -> None:
            pass

    return RequestHandler


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (port 0: a free one); SlamError when that is not possible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(128)
    except (OSError, OverflowError) as error:
        listening.close()
        if getattr(error, "errno", None) == errno.EADDRINUSE:
            raise SlamError(
                f"port {port} on {host} is already in use",
                "stop what uses it, or choose another port with --port",
            ) from None
        reason = getattr(error, "strerror", None) or str(error)
        raise SlamError(f"cannot listen on {host}:{port}: {reason}") from None
    return listening


class LocalAWS:
    """The local AWS on ``host:port`` (port 0: a free one), in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1") -> None:
        self.host = host
        self.port = port
        self.region = region
        self._server: Any = None
        self._thread: threading.Thread | None = None
        #: Every request received, in order (the resource providers' own calls too).
        self.requests: list[LoggedRequest] = []

    @property
    def url(self) -> str:
        """The URL clients on this machine use (a wildcard address is reached on loopback)."""
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def environment(self) -> dict[str, str]:
        """The variables that point boto3 (and any AWS SDK) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            **DUMMY_CREDENTIALS,
            "AWS_DEFAULT_REGION": self.region,
        }

    def client(self, service: str, **settings: Any) -> Any:
        """A boto3 client of this server: see :func:`client_of`."""
        return client_of(self.url, service, self.region, **settings)

    def start(self) -> LocalAWS:
        """Listen and serve in a background thread; SlamError when the port is taken."""
        require_moto()
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        from . import extensions

        extensions.install()
        app = extensions.wrap(DomainDispatcherApplication(create_backend_app))
        app = _logging_requests(app, self.requests)
        listening = self._listen()
        try:
            self._server = make_server(
                self.host,
                self.port,
                app,
                threaded=True,
                request_handler=_request_handler(),
                fd=listening.fileno(),  # werkzeug's own bind would exit the process on error
            )
        finally:
            listening.close()  # the server holds a duplicate
        self.port = self._server.server_address[1]
        extensions.started(self.url)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.1,), daemon=True, name="local AWS"
        )
        self._thread.start()
        return self

    def _listen(self) -> socket.socket:
        return listen(self.host, self.port)

    def stop(self) -> None:
        """Stop serving, then stop every worker process the extensions started."""
        from . import extensions

        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        extensions.stopped(self.url)
        extensions.shutdown()

    def __enter__(self) -> LocalAWS:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
