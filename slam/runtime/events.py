"""Build a PEP 3333 environ from each kind of HTTP event Lambda receives.

One pure function per event format, each ``(event, context, base_path) -> environ``:

- :func:`v1_environ`: API Gateway REST API (v1 proxy) and HTTP API payload 1.0.
- :func:`v2_environ`: HTTP API payload 2.0 and Lambda Function URLs.
- :func:`alb_environ`: Application Load Balancer, multi-value headers on or off.

:func:`event_format` names the format of an event. None of these functions modifies
the event. The environ follows PEP 3333: ``PATH_INFO`` is percent-decoded and holds the
UTF-8 bytes as a latin-1 string (REST APIs, Function URLs and ALB send the path encoded;
HTTP APIs send it already decoded, so it is not decoded twice), ``QUERY_STRING`` stays
percent-encoded, header values are latin-1 strings, ``CONTENT_LENGTH`` is the length of
the decoded body.
Header names holding an underscore are dropped, as gunicorn and nginx do, because
``X_Forwarded_For`` would otherwise land on the same key as ``X-Forwarded-For``.

Besides the CGI and ``wsgi.*`` keys, every environ carries:

- ``slam.event``: the Lambda event, as received.
- ``slam.request_context``: the event's ``requestContext`` (``{}`` when it is null).
- ``slam.context``: the Lambda context object.

``REMOTE_USER`` is the authenticated principal, the first non-empty string of
``requestContext.authorizer.principalId`` (REST Lambda authorizer),
``authorizer.claims.sub`` (REST Cognito user pool authorizer),
``authorizer.jwt.claims.sub`` (HTTP API JWT authorizer),
``authorizer.lambda.principalId`` (HTTP API Lambda authorizer returning one in its context),
``authorizer.iam.userArn`` (HTTP API and Function URL IAM auth) and
``identity.userArn`` (REST IAM auth). ALB events have no principal.
"""

from __future__ import annotations

import sys
from binascii import a2b_base64
from io import BytesIO

from .memo import remember

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ._typing import Environ, Event, Location, Place

#: REST API (v1 proxy) and HTTP API payload 1.0 events.
V1 = "v1"
#: HTTP API payload 2.0 and Lambda Function URL events.
V2 = "v2"
#: ALB events with multi-value headers off.
ALB = "alb"
#: ALB events with multi-value headers on.
ALB_MULTI_VALUE = "alb-multi-value"

_EXPECTED = (
    "expected an API Gateway REST API or HTTP API event (payload 1.0 or 2.0), a Lambda "
    "Function URL event, an ALB event, or a scheduled EventBridge event"
)


class UnsupportedEventError(ValueError):
    """The event is neither an HTTP request nor a scheduled ping."""


def event_format(event: Event) -> str | None:
    """Name the format of ``event``: V1, V2, ALB or ALB_MULTI_VALUE.

    Returns None for an EventBridge event (a schedule keeping the function warm), which
    carries no request. Raises UnsupportedEventError, saying what was expected, for
    anything else.
    """
    if isinstance(event, dict):
        if event.get("version") == "2.0" and "rawPath" in event:
            return V2
        if "httpMethod" in event:
            context = event.get("requestContext")
            if isinstance(context, dict) and "elb" in context:
                return ALB_MULTI_VALUE if "multiValueHeaders" in event else ALB
            return V1
        if "detail-type" in event and "source" in event:
            return None
        got = f"a dict with keys {sorted(map(str, event))[:10]}"
    else:
        got = f"a {type(event).__name__}"
    raise UnsupportedEventError(f"slam: cannot answer this event: {_EXPECTED}; got {got}")


def v1_environ(event: dict[str, Event], context: object, base_path: str) -> Environ:
    """Environ for a REST API (v1 proxy) or HTTP API payload 1.0 event.

    Behind an ``execute-api`` host with a named stage, ``SCRIPT_NAME`` is ``/<stage>``
    (REST APIs leave the stage out of ``path``; HTTP APIs keep it, and it is stripped).
    On a custom domain ``base_path`` is the ``SCRIPT_NAME``, stripped from the path.
    The query string is rebuilt from the decoded parameters; ``REMOTE_ADDR`` is
    ``requestContext.identity.sourceIp``.
    """
    request_context = event.get("requestContext") or {}
    environ = _new_environ(event.get("httpMethod"), event, context, request_context)
    host = environ.get("HTTP_HOST") or request_context.get("domainName") or ""
    # REST APIs send `path` encoded and without the stage; HTTP APIs (payload 1.0)
    # send it decoded and with the stage
    style = _HTTP_API_PATH if event.get("version") == "1.0" else _REST_API_PATH
    _set_location(environ, host, event.get("path"), request_context.get("stage"), base_path, style)
    parameters = event.get("multiValueQueryStringParameters") or event.get("queryStringParameters")
    environ["QUERY_STRING"] = _query(parameters, _UNRESERVED, _QUOTE) if parameters else ""
    identity = request_context.get("identity") or {}
    if identity.get("sourceIp"):
        environ["REMOTE_ADDR"] = identity["sourceIp"]
    if request_context.get("authorizer") or identity.get("userArn"):
        _set_user(environ, request_context, identity)
    return environ


def v2_environ(event: dict[str, Event], context: object, base_path: str) -> Environ:
    """Environ for an HTTP API payload 2.0 or Lambda Function URL event.

    ``rawPath`` starts with ``/<stage>`` behind an ``execute-api`` host with a named stage:
    that prefix becomes ``SCRIPT_NAME``. ``$default`` stages and Function URLs have none;
    on a custom domain ``base_path`` is the ``SCRIPT_NAME``. ``QUERY_STRING`` is
    ``rawQueryString``; the ``cookies`` list becomes ``HTTP_COOKIE``; ``REMOTE_ADDR`` is
    ``requestContext.http.sourceIp``.
    """
    request_context = event.get("requestContext") or {}
    http = request_context.get("http") or {}
    environ = _new_environ(http.get("method"), event, context, request_context)
    cookies = event.get("cookies")
    if cookies:
        cookie = encode_path("; ".join(cookies))
        previous = environ.get("HTTP_COOKIE")
        environ["HTTP_COOKIE"] = f"{previous}; {cookie}" if previous else cookie
    domain = request_context.get("domainName") or ""
    host = environ.get("HTTP_HOST") or domain
    # Function URLs keep the path encoded; HTTP APIs decode it, despite the name rawPath
    style = _ENCODED_PATH if ".lambda-url." in domain else _HTTP_API_PATH
    stage = request_context.get("stage")
    _set_location(environ, host, event.get("rawPath"), stage, base_path, style)
    query = event.get("rawQueryString") or ""
    if query.rstrip(_VISIBLE):  # spaces or non-ASCII, left unencoded
        query = encode_path(query).translate(_REQUOTE)
    environ["QUERY_STRING"] = query
    if http.get("sourceIp"):
        environ["REMOTE_ADDR"] = http["sourceIp"]
    if request_context.get("authorizer"):
        _set_user(environ, request_context, {})
    return environ


def alb_environ(event: dict[str, Event], context: object, base_path: str) -> Environ:
    """Environ for an ALB event, with multi-value headers on or off.

    On a custom domain ``base_path`` is the ``SCRIPT_NAME``, stripped from the path.
    ALB passes query parameters as the client encoded them, so they are joined as they
    are. ``REMOTE_ADDR`` is the last ``X-Forwarded-For`` entry: the one ALB appended
    (earlier entries are whatever the client sent).
    """
    environ = _new_environ(event.get("httpMethod"), event, context, event.get("requestContext"))
    host = environ.get("HTTP_HOST") or ""
    _set_location(environ, host, event.get("path"), None, base_path, _ENCODED_PATH)
    parameters = event.get("multiValueQueryStringParameters") or event.get("queryStringParameters")
    environ["QUERY_STRING"] = _query(parameters, _VISIBLE, _REQUOTE) if parameters else ""
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
    if forwarded_for:
        environ["REMOTE_ADDR"] = forwarded_for.rpartition(",")[2].strip()
    return environ


def encode_path(path: str) -> str:
    """Return ``path`` as PEP 3333 wants a path: its UTF-8 bytes as a latin-1 string."""
    return path if path.isascii() else path.encode().decode("latin-1")


def _new_environ(
    method: str | None, event: dict[str, Event], context: object, request_context: Event
) -> Environ:
    """The keys every format sets alike: the body decoded, and the headers.

    Each header is stored under its key, and the dropped ones counted; when two names
    land on one key (``Accept`` and ``accept``), fewer keys than that were added, and
    :func:`_join_repeated` does them again, joining.
    """
    data = _body(event) if event.get("body") else b""
    environ = {
        "REQUEST_METHOD": method or "GET",
        "CONTENT_LENGTH": str(len(data)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.input": BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "slam.event": event,
        "slam.request_context": request_context or {},
        "slam.context": context,
    }
    # REST APIs and ALB send multiValueHeaders (when enabled) beside headers, which then
    # holds only the last value of a repeated header
    multi_value = event.get("multiValueHeaders")
    headers = multi_value or event.get("headers")
    if not headers:
        return environ
    size = len(environ)
    keys = _KEYS
    dropped = 0
    for name, value in headers.items():
        try:
            key = keys[name]
        except KeyError:
            key = _key(name)
        if multi_value:
            try:
                (value,) = value  # nearly every header has one value
            except ValueError:
                if not value:
                    dropped += 1
                    continue
                value = _joined(key, value)
        if key:  # encode_path(value), inlined: this runs for every header
            environ[key] = value if value.isascii() else value.encode().decode("latin-1")
        else:
            dropped += 1
    if len(environ) - size != len(headers) - dropped:
        _join_repeated(environ, headers)
    return environ


def _body(event: dict[str, Event]) -> bytes:
    body: str = event["body"]
    return a2b_base64(body) if event.get("isBase64Encoded") else body.encode()


# Each header name's environ key, worked out once.
_KEYS: dict[str, str] = {}


def _key(name: str) -> str:
    """The environ key for a header name, or "" for a header the app must not see."""
    if "_" in name:
        key = ""
    else:
        key = name.upper().replace("-", "_")
        if key == "CONTENT_LENGTH":  # the decoded body's length is the truth
            key = ""
        elif key != "CONTENT_TYPE":
            key = "HTTP_" + key
    return remember(_KEYS, name, key)


def _join_repeated(environ: Environ, headers: Mapping[str, str | list[str]]) -> None:
    """Set each header key to the values of every name that maps to it, joined."""
    values_of: dict[str, list[str]] = {}
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        key = _key(name)
        if key and values:
            values_of.setdefault(key, []).extend(values)
    for key, values in values_of.items():
        environ[key] = encode_path(_joined(key, values))


def _joined(key: str, values: Iterable[str]) -> str:
    # repeated headers are a comma-separated list, except Cookie
    return ("; " if key == "HTTP_COOKIE" else ", ").join(values)


class _PathStyle:
    """How a trigger sends the request's path."""

    __slots__ = ("encoded", "stage_in_path")

    def __init__(self, *, encoded: bool, stage_in_path: bool) -> None:
        self.encoded = encoded  # percent-encoded, as the client sent it
        self.stage_in_path = stage_in_path  # starting with the stage prefix, when there is one


_REST_API_PATH = _PathStyle(encoded=True, stage_in_path=False)
_HTTP_API_PATH = _PathStyle(encoded=False, stage_in_path=True)  # payload 1.0 and 2.0
_ENCODED_PATH = _PathStyle(encoded=True, stage_in_path=True)  # Function URLs and ALB


def _set_location(
    environ: Environ,
    host: str,
    path: str | None,
    stage: str | None,
    base_path: str,
    style: _PathStyle,
) -> None:
    """Set PATH_INFO, SCRIPT_NAME (a stage prefix or base path) and the server keys.

    ``path`` is the event's, sent in ``style``; the prefix is stripped from it when the
    style keeps the stage in the path (or when it is a base path).
    """
    forwarded = environ.get("HTTP_X_FORWARDED_PROTO"), environ.get("HTTP_X_FORWARDED_PORT")
    place: Place = host, stage, base_path, style.stage_in_path, forwarded
    try:
        prefix, strip, scheme, name, port = _PLACES[place]
    except KeyError:
        prefix, strip, scheme, name, port = remember(_PLACES, place, _place(place))
    path = path or "/"
    if not path.isascii():
        path = path.encode().decode("latin-1")
    if style.encoded and "%" in path:
        path = _unquote(path)
    if strip and path.startswith(prefix) and path[len(prefix) : len(prefix) + 1] in ("", "/"):
        path = path[len(prefix) :]
    environ["SCRIPT_NAME"] = prefix
    environ["PATH_INFO"] = path
    environ["wsgi.url_scheme"] = scheme
    environ["SERVER_NAME"] = name
    environ["SERVER_PORT"] = port


# What _place() worked out for each host, stage and forwarding headers (ALB and custom
# domains pass on whatever Host the client sends).
_PLACES: dict[Place, Location] = {}
# hosts AWS names itself: execute-api, lambda-url and ALB endpoints
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".on.aws")


def _place(place: Place) -> Location:
    """The path prefix, whether to strip it, the URL scheme, server name and port."""
    host, stage, base_path, stage_in_path, (proto, forwarded_port) = place
    if stage and stage != "$default" and ".execute-api." in host:
        prefix = "/" + stage  # only the execute-api host puts the stage in the URL
        strip = stage_in_path
    else:
        # a base-path mapping exists only on a custom domain
        prefix = "" if host.endswith(_AWS_HOSTS) else base_path
        strip = bool(prefix)
    # proxies append to comma-separated headers: the last entry is the nearest proxy's
    scheme = "http" if proto and proto.rpartition(",")[2].strip() == "http" else "https"
    server = host or "localhost"
    if server.endswith("]") or ":" not in server:
        name, port = server, ""
    else:
        name, _, port = server.rpartition(":")
    if forwarded_port:
        port = forwarded_port.rpartition(",")[2].strip()
    return prefix, strip, scheme, name, port or ("443" if scheme == "https" else "80")


_AUTHORIZER_PRINCIPALS = (
    ("principalId",),
    ("claims", "sub"),
    ("jwt", "claims", "sub"),
    ("lambda", "principalId"),
    ("iam", "userArn"),
)


def _set_user(
    environ: Environ, request_context: Mapping[str, Event], identity: Mapping[str, Event]
) -> None:
    """Set REMOTE_USER to the first principal found (see the module docstring)."""
    authorizer = request_context.get("authorizer")
    if isinstance(authorizer, dict) and authorizer:
        for keys in _AUTHORIZER_PRINCIPALS:
            value: Event = authorizer
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and value:
                environ["REMOTE_USER"] = encode_path(value)
                return
    user_arn = identity.get("userArn")
    if isinstance(user_arn, str) and user_arn:
        environ["REMOTE_USER"] = encode_path(user_arn)


# Percent-encoding tables, applied with str.translate to the latin-1 view of UTF-8 bytes.
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_QUOTE = {byte: f"%{byte:02X}" for byte in range(256) if chr(byte) not in _UNRESERVED}
# an already encoded query string keeps every visible ASCII character
_VISIBLE = "".join(map(chr, range(0x21, 0x7F)))
_REQUOTE = {byte: f"%{byte:02X}" for byte in range(256) if chr(byte) not in _VISIBLE}
_HEX_DIGITS = "0123456789abcdefABCDEF"
_UNQUOTE = {a + b: chr(int(a + b, 16)) for a in _HEX_DIGITS for b in _HEX_DIGITS}


# Query strings: REST APIs pass decoded parameters, each percent-encoded here with
# _QUOTE; ALB's parameters and HTTP API's rawQueryString are as the client sent them,
# where _REQUOTE encodes only what cannot stand in a URL (spaces, non-ASCII). A text
# made only of the kept characters, nearly every one, is used as it is.
def _query(parameters: Mapping[str, Event], kept: str, table: Mapping[int, str]) -> str:
    """Join query parameters (one value or a list per name) into a query string."""
    pairs = []
    for key, values in parameters.items():
        if key.rstrip(kept):
            key = encode_path(key).translate(table)
        for value in values if type(values) is list else (values,):
            if value.rstrip(kept):
                value = encode_path(value).translate(table)
            pairs.append(f"{key}={value}")
    return "&".join(pairs)


def _unquote(path: str) -> str:
    """Percent-decode a latin-1 path; an invalid escape stays as it is."""
    head, *parts = path.split("%")
    decoded = [head]
    for part in parts:
        byte = _UNQUOTE.get(part[:2])
        decoded.append(byte + part[2:] if byte else "%" + part)
    return "".join(decoded)
