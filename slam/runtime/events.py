"""Build a PEP 3333 environ from each kind of HTTP event Lambda receives.

One pure function per event format, each ``(event, context, base_path) -> environ``:

- :func:`v1_environ`: API Gateway REST API (v1 proxy) and HTTP API payload 1.0.
- :func:`v2_environ`: HTTP API payload 2.0 and Lambda Function URLs.
- :func:`alb_environ`: Application Load Balancer, multi-value headers on or off.

:func:`event_format` names the format of an event. None of these functions modifies
the event. The environ follows PEP 3333: ``PATH_INFO`` is percent-decoded and holds the
UTF-8 bytes as a latin-1 string, ``QUERY_STRING`` stays percent-encoded, header values
are latin-1 strings, ``CONTENT_LENGTH`` is the length of the decoded body.
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
    request_context = event.get("requestContext") or {}
    environ = _new_environ(event.get("httpMethod") or "GET", event, context, request_context)
    multi_value = event.get("multiValueHeaders")
    if multi_value:
        _add_multi_value_headers(environ, multi_value)
    else:
        _add_headers(environ, event.get("headers") or {})
    host = environ.get("HTTP_HOST") or request_context.get("domainName") or ""
    stage_prefix = _stage_prefix(host, request_context.get("stage"))
    path = _decode_path(event.get("path") or "/")
    if stage_prefix and event.get("version") != "1.0":
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = stage_prefix, path
    else:
        prefix = stage_prefix or _custom_base(host, base_path)
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = _split(path, prefix)
    environ["QUERY_STRING"] = _query(
        event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"),
        _quote,
    )
    _set_server(environ, host)
    identity = request_context.get("identity") or {}
    _set_remote(environ, identity.get("sourceIp"), _principal(request_context, identity))
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
        _add_header(environ, "cookie", "; ".join(cookies))
    host = environ.get("HTTP_HOST") or request_context.get("domainName") or ""
    prefix = _stage_prefix(host, request_context.get("stage")) or _custom_base(host, base_path)
    environ["SCRIPT_NAME"], environ["PATH_INFO"] = _split(
        _decode_path(event.get("rawPath") or "/"), prefix
    )
    environ["QUERY_STRING"] = _requote(event.get("rawQueryString") or "")
    _set_server(environ, host)
    _set_remote(environ, http.get("sourceIp"), _principal(request_context, {}))
    return environ


def alb_environ(event: dict[str, Event], context: object, base_path: str) -> Environ:
    """Environ for an ALB event, with multi-value headers on or off.

    On a custom domain ``base_path`` is the ``SCRIPT_NAME``, stripped from the path.
    ALB passes query parameters as the client encoded them, so they are joined as they
    are. ``REMOTE_ADDR`` is the last ``X-Forwarded-For`` entry: the one ALB appended
    (earlier entries are whatever the client sent).
    """
    request_context = event.get("requestContext") or {}
    environ = _new_environ(event.get("httpMethod") or "GET", event, context, request_context)
    multi_value = event.get("multiValueHeaders")
    if multi_value:
        _add_multi_value_headers(environ, multi_value)
    else:
        _add_headers(environ, event.get("headers") or {})
    host = environ.get("HTTP_HOST") or ""
    environ["SCRIPT_NAME"], environ["PATH_INFO"] = _split(
        _decode_path(event.get("path") or "/"), _custom_base(host, base_path)
    )
    environ["QUERY_STRING"] = _query(
        event.get("multiValueQueryStringParameters") or event.get("queryStringParameters"),
        _requote,
    )
    _set_server(environ, host)
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
    if forwarded_for:
        environ["REMOTE_ADDR"] = _last_entry(forwarded_for)
    return environ


def encode_path(path: str) -> str:
    """Return ``path`` as PEP 3333 wants a path: its UTF-8 bytes as a latin-1 string."""
    return path if path.isascii() else path.encode().decode("latin-1")


_CONSTANT_KEYS: dict[str, object] = {
    "SERVER_PROTOCOL": "HTTP/1.1",
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}


def _new_environ(
    method: str, event: dict[str, Event], context: object, request_context: object
) -> Environ:
    body = event.get("body")
    if not body:
        data = b""
    elif event.get("isBase64Encoded"):
        data = a2b_base64(body)
    else:
        data = body.encode()
    return {
        **_CONSTANT_KEYS,
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "slam.event": event,
        "slam.request_context": request_context,
        "slam.context": context,
    }


def _add_headers(environ: Environ, headers: Mapping[str, str]) -> None:
    for name, value in headers.items():
        _add_header(environ, name, value)


def _add_multi_value_headers(environ: Environ, headers: Mapping[str, list[str]]) -> None:
    for name, values in headers.items():
        if values:
            separator = "; " if name.lower() == "cookie" else ", "
            _add_header(environ, name, separator.join(values))


def _add_header(environ: Environ, name: str, value: str) -> None:
    if "_" in name:
        return
    key = name.upper().replace("-", "_")
    if not value.isascii():
        value = value.encode().decode("latin-1")
    if key == "CONTENT_TYPE":
        environ[key] = value
        return
    if key == "CONTENT_LENGTH":  # the decoded body's length is the truth
        return
    key = "HTTP_" + key
    previous = environ.get(key)
    if previous is not None:
        value = previous + ("; " if key == "HTTP_COOKIE" else ", ") + value
    environ[key] = value


def _stage_prefix(host: str, stage: str | None) -> str:
    # only the execute-api host puts the stage in the URL; custom domains map it away
    if stage and stage != "$default" and ".execute-api." in host:
        return "/" + stage
    return ""


# hosts AWS names itself: execute-api, lambda-url and ALB endpoints
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".on.aws")


def _custom_base(host: str, base_path: str) -> str:
    # a base-path mapping exists only on a custom domain
    return "" if host.endswith(_AWS_HOSTS) else base_path


def _split(path: str, prefix: str) -> tuple[str, str]:
    """Return SCRIPT_NAME and PATH_INFO, stripping ``prefix`` from ``path`` if it starts it."""
    if prefix and path.startswith(prefix) and path[len(prefix) : len(prefix) + 1] in ("", "/"):
        return prefix, path[len(prefix) :]
    return prefix, path


def _set_server(environ: Environ, host: str) -> None:
    proto = environ.get("HTTP_X_FORWARDED_PROTO")
    scheme = "http" if proto and _last_entry(proto) == "http" else "https"
    host = host or "localhost"
    if host.endswith("]") or ":" not in host:
        name, port = host, ""
    else:
        name, _, port = host.rpartition(":")
    forwarded_port = environ.get("HTTP_X_FORWARDED_PORT")
    if forwarded_port:
        port = _last_entry(forwarded_port)
    environ["wsgi.url_scheme"] = scheme
    environ["SERVER_NAME"] = name
    environ["SERVER_PORT"] = port or ("443" if scheme == "https" else "80")


def _last_entry(value: str) -> str:
    # proxies append to comma-separated headers: the last entry is the nearest proxy's
    return value.rpartition(",")[2].strip()


def _set_remote(environ: Environ, address: object, user: str | None) -> None:
    if isinstance(address, str) and address:
        environ["REMOTE_ADDR"] = address
    if user:
        environ["REMOTE_USER"] = encode_path(user)


_AUTHORIZER_PRINCIPALS = (
    ("principalId",),
    ("claims", "sub"),
    ("jwt", "claims", "sub"),
    ("lambda", "principalId"),
    ("iam", "userArn"),
)


def _principal(request_context: Mapping[str, Event], identity: Mapping[str, Event]) -> str | None:
    authorizer = request_context.get("authorizer")
    if isinstance(authorizer, dict) and authorizer:
        for keys in _AUTHORIZER_PRINCIPALS:
            value: Event = authorizer
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and value:
                return value
    user_arn = identity.get("userArn")
    return user_arn if isinstance(user_arn, str) and user_arn else None


# Percent-encoding tables, applied with str.translate to the latin-1 view of UTF-8 bytes.
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_QUOTE = {byte: f"%{byte:02X}" for byte in range(256) if byte not in _UNRESERVED}
# a query string that is already encoded keeps every visible ASCII character
_REQUOTE = {byte: f"%{byte:02X}" for byte in range(256) if not 0x20 < byte < 0x7F}
_HEX_DIGITS = "0123456789abcdefABCDEF"
_UNQUOTE = {a + b: chr(int(a + b, 16)) for a in _HEX_DIGITS for b in _HEX_DIGITS}


def _quote(text: str) -> str:
    """Percent-encode a decoded query key or value."""
    return encode_path(text).translate(_QUOTE)


def _requote(text: str) -> str:
    """Encode what a raw query string may carry unencoded (spaces, non-ASCII)."""
    return encode_path(text).translate(_REQUOTE)


def _query(parameters: Mapping[str, Event] | None, quote: Callable[[str], str]) -> str:
    if not parameters:
        return ""
    pairs: list[str] = []
    for key, values in parameters.items():
        quoted_key = quote(key) + "="
        if isinstance(values, list):
            pairs.extend(quoted_key + quote(value) for value in values)
        else:
            pairs.append(quoted_key + quote(values))
    return "&".join(pairs)


def _decode_path(path: str) -> str:
    """Percent-decode ``path`` into the latin-1 string of its UTF-8 bytes."""
    path = encode_path(path)
    if "%" not in path:
        return path
    head, *parts = path.split("%")
    decoded = [head]
    for part in parts:
        byte = _UNQUOTE.get(part[:2])
        decoded.append(byte + part[2:] if byte else "%" + part)
    return "".join(decoded)
