"""A REST API, its stages, and the HTTP requests they serve, as the gateway sees them.

Plain values, built by whoever holds the API (moto's API Gateway, for the local AWS)
and read by :mod:`slam.local.gateway` and :mod:`slam.local.proxy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: API Gateway's default and maximum integration timeout, in milliseconds.
DEFAULT_TIMEOUT_MS = 29_000


@dataclass(frozen=True)
class HttpRequest:
    """A request to a stage: ``path`` is percent-encoded, as sent, without the stage."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        """The last value of a header, whatever the case of its name."""
        lowered = name.lower()
        values = [value for key, value in self.headers if key.lower() == lowered]
        return values[-1] if values else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Integration:
    type: str  # "AWS_PROXY", "HTTP", "MOCK"...
    uri: str
    timeout_ms: int = DEFAULT_TIMEOUT_MS


@dataclass(frozen=True)
class Resource:
    """A resource of the API: its ID, path (``/tasks/{id}``) and methods' integrations."""

    id: str
    path: str
    methods: Mapping[str, Integration | None]


@dataclass(frozen=True)
class RestApi:
    id: str
    account: str
    region: str
    resources: tuple[Resource, ...]
    binary_media_types: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        return f"{self.id}.execute-api.{self.region}.amazonaws.com"


@dataclass(frozen=True)
class Stage:
    """A deployed stage: its variables and method settings (``"*/*"``: every method)."""

    name: str
    variables: Mapping[str, str] = field(default_factory=dict)
    method_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def logging(self, resource_path: str, method: str) -> tuple[str, bool]:
        """The logging level (OFF, ERROR or INFO) and data trace for one method."""
        escaped = resource_path.replace("/", "~1")
        for key in (f"{escaped}/{method}", "*/*"):
            settings = self.method_settings.get(key)
            if settings is not None:
                level = str(settings.get("loggingLevel") or "OFF").upper()
                return level, bool(settings.get("dataTraceEnabled"))
        return "OFF", False


@dataclass(frozen=True)
class Route:
    """The resource and method a request reaches, with its path parameters."""

    resource: Resource
    method: str  # the method's key: "GET", or "ANY"
    integration: Integration | None
    path_parameters: Mapping[str, str] | None


@dataclass(frozen=True)
class LambdaReply:
    payload: bytes
    function_error: bool
    request_id: str = ""


def request_from_environ(
    environ: Mapping[str, Any], path: str, headers: Sequence[tuple[str, str]] | None = None
) -> HttpRequest:
    """The request a WSGI environ holds; ``path`` is its path within the stage, encoded.

    ``headers`` are the headers as sent, when the server kept them; otherwise they are
    rebuilt from the environ's ``HTTP_*`` keys.
    """
    if headers is None:
        headers = list(_environ_headers(environ))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    return HttpRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=path or "/",
        query=environ.get("QUERY_STRING", ""),
        headers=tuple(headers),
        body=body,
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
    )


def _environ_headers(environ: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            yield key.replace("_", "-").title(), environ[key]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:].replace("_", "-").title(), value
