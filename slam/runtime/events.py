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

import io
import sys
from binascii import a2b_base64

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._typing import Environ, Event

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
    environ, request_context = _proxy_environ(event, context)
    host = environ.get("HTTP_HOST") or request_context.get("domainName") or ""
    # REST APIs send `path` encoded and without the stage; HTTP APIs (payload 1.0)
    # send it decoded and with the stage
    http_api = event.get("version") == "1.0"
    path = _path(event.get("path"), encoded=not http_api)
    _set_paths(environ, path, host, request_context.get("stage"), base_path, http_api)
    environ["QUERY_STRING"] = _query(
        event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"),
        _quote,
    )
    _set_server(environ, host)
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
    environ = _new_environ(http.get("method") or "GET", event, context, request_context)
    _add_headers(environ, event.get("headers") or {})
    cookies = event.get("cookies")
    if cookies:
        cookie = encode_path("; ".join(cookies))
        previous = environ.get("HTTP_COOKIE")
        environ["HTTP_COOKIE"] = f"{previous}; {cookie}" if previous else cookie
    host = environ.get("HTTP_HOST") or request_context.get("domainName") or ""
    # Function URLs keep the path encoded; HTTP APIs decode it, despite the name rawPath
    function_url = ".lambda-url." in (request_context.get("domainName") or "")
    path = _path(event.get("rawPath"), encoded=function_url)
    _set_paths(environ, path, host, request_context.get("stage"), base_path, True)
    environ["QUERY_STRING"] = _requote(event.get("rawQueryString") or "")
    _set_server(environ, host)
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
    environ, _ = _proxy_environ(event, context)
    host = environ.get("HTTP_HOST") or ""
    _set_paths(environ, _path(event.get("path"), encoded=True), host, None, base_path, True)
    environ["QUERY_STRING"] = _query(
        event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"),
        _requote,
    )
    _set_server(environ, host)
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
    if forwarded_for:
        environ["REMOTE_ADDR"] = forwarded_for.rpartition(",")[2].strip()
    return environ


def _proxy_environ(event: dict[str, Event], context: object) -> tuple[Environ, Event]:
    """What REST API, HTTP API 1.0 and ALB events share: the common keys and the headers."""
    request_context = event.get("requestContext") or {}
    environ = _new_environ(event.get("httpMethod") or "GET", event, context, request_context)
    multi_value = event.get("multiValueHeaders")
    if multi_value:
        _add_multi_value_headers(environ, multi_value)
    else:
        _add_headers(environ, event.get("headers") or {})
    return environ, request_context


def encode_path(path: str) -> str:
    """Return ``path`` as PEP 3333 wants a path: its UTF-8 bytes as a latin-1 string."""
    return path if path.isascii() else path.encode().decode("latin-1")


def _new_environ(
    method: str, event: dict[str, Event], context: object, request_context: object
) -> Environ:
    """The keys every format sets alike, the request body decoded."""
    body = event.get("body")
    if not body:
        data = b""
    elif event.get("isBase64Encoded"):
        data = a2b_base64(body)
    else:
        data = body.encode()
    return {
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(data)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "slam.event": event,
        "slam.request_context": request_context,
        "slam.context": context,
    }


# Each header name's environ key, computed once; bounded, as clients choose the names.
_KEYS: dict[str, str] = {}
_KEYS_LIMIT = 1024


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
    if len(_KEYS) < _KEYS_LIMIT:
        _KEYS[name] = key
    return key


# The two loops below differ only in reading one value or a list: kept apart for speed.
def _add_headers(environ: Environ, headers: Mapping[str, str]) -> None:
    keys = _KEYS
    for name, value in headers.items():
        try:
            key = keys[name]
        except KeyError:
            key = _key(name)
        if key:
            if not value.isascii():
                value = value.encode().decode("latin-1")
            environ[key] = _joined(key, environ[key], value) if key in environ else value


def _add_multi_value_headers(environ: Environ, headers: Mapping[str, list[str]]) -> None:
    keys = _KEYS
    for name, values in headers.items():
        try:
            key = keys[name]
        except KeyError:
            key = _key(name)
        if key:
            try:
                (value,) = values  # nearly every header has one value: the fast case
            except ValueError:
                if not values:
                    continue
                value = _joined(key, *values)
            if not value.isascii():
                value = value.encode().decode("latin-1")
            environ[key] = _joined(key, environ[key], value) if key in environ else value


def _joined(key: str, *values: str) -> str:
    # repeated headers are a comma-separated list, except Cookie
    return ("; " if key == "HTTP_COOKIE" else ", ").join(values)


# hosts AWS names itself: execute-api, lambda-url and ALB endpoints
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".on.aws")


def _path(path: str | None, encoded: bool) -> str:
    """A request path as PEP 3333 wants it: percent-decoded, latin-1 of the UTF-8 bytes."""
    path = path or "/"
    if not path.isascii():
        path = path.encode().decode("latin-1")
    if encoded and "%" in path:
        path = _unquote(path)
    return path


def _set_paths(
    environ: Environ,
    path: str,
    host: str,
    stage: str | None,
    base_path: str,
    stage_in_path: bool,
) -> None:
    """Set SCRIPT_NAME (stage prefix or base path) and PATH_INFO (the path, prefix removed)."""
    if stage and stage != "$default" and ".execute-api." in host:
        prefix = "/" + stage  # only the execute-api host puts the stage in the URL
        strip = stage_in_path
    else:
        # a base-path mapping exists only on a custom domain
        prefix = "" if host.endswith(_AWS_HOSTS) else base_path
        strip = True
    if (
        strip
        and prefix
        and path.startswith(prefix)
        and path[len(prefix) : len(prefix) + 1] in ("", "/")
    ):
        path = path[len(prefix) :]
    environ["SCRIPT_NAME"] = prefix
    environ["PATH_INFO"] = path


def _set_server(environ: Environ, host: str) -> None:
    # proxies append to comma-separated headers: the last entry is the nearest proxy's
    proto = environ.get("HTTP_X_FORWARDED_PROTO")
    scheme = "http" if proto and proto.rpartition(",")[2].strip() == "http" else "https"
    host = host or "localhost"
    if host.endswith("]") or ":" not in host:
        name, port = host, ""
    else:
        name, _, port = host.rpartition(":")
    forwarded_port = environ.get("HTTP_X_FORWARDED_PORT")
    if forwarded_port:
        port = forwarded_port.rpartition(",")[2].strip()
    environ["wsgi.url_scheme"] = scheme
    environ["SERVER_NAME"] = name
    environ["SERVER_PORT"] = port or ("443" if scheme == "https" else "80")


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


def _quote(text: str) -> str:
    """Percent-encode a decoded query key or value."""
    if not text.rstrip(_UNRESERVED):  # nothing to encode: the common case
        return text
    return encode_path(text).translate(_QUOTE)


def _requote(text: str) -> str:
    """Encode what a raw query string may carry unencoded (spaces, non-ASCII)."""
    if not text.rstrip(_VISIBLE):
        return text
    return encode_path(text).translate(_REQUOTE)


def _query(parameters: Mapping[str, Event] | None, quote: Callable[[str], str]) -> str:
    """Join query parameters (one value or a list per name) into a query string."""
    if not parameters:
        return ""
    pairs = []
    for key, values in parameters.items():
        quoted_key = quote(key) + "="
        if type(values) is list:
            for value in values:
                pairs.append(quoted_key + quote(value))
        else:
            pairs.append(quoted_key + quote(values))
    return "&".join(pairs)


def _unquote(path: str) -> str:
    """Percent-decode a latin-1 path; an invalid escape stays as it is."""
    head, *parts = path.split("%")
    decoded = [head]
    for part in parts:
        byte = _UNQUOTE.get(part[:2])
        decoded.append(byte + part[2:] if byte else "%" + part)
    return "".join(decoded)
