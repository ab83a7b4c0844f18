"""Turn a WSGI response into the dict each kind of Lambda trigger expects.

One function per response format, each ``(status, headers, body) -> dict``:

- :func:`v1_response`: REST API and HTTP API payload 1.0. ``multiValueHeaders`` keeps
  every header, duplicates and Set-Cookie included.
- :func:`v2_response`: HTTP API payload 2.0 and Function URLs. Set-Cookie headers go into
  ``cookies``; other repeated headers are joined with ``", "``.
- :func:`alb_response`: ALB with multi-value headers off. Repeated Set-Cookie headers are
  sent under differently-cased names (``Set-Cookie``, ``set-cookie``, ``SET-COOKIE``...),
  which ALB passes on as separate headers; other repeated headers are joined.
- :func:`alb_multi_value_response`: ALB with multi-value headers on.

``statusCode`` is an int; ALB responses also carry ``statusDescription`` (``"200 OK"``).
Header values the app sent as latin-1 strings of UTF-8 bytes come back as text, without
surrounding whitespace.
The body is text when its Content-Type is textual (``text/*``, JSON, XML, JavaScript,
``+json``, ``+xml``), has no Content-Encoding and is valid UTF-8; otherwise it is base64.
"""

from __future__ import annotations

from binascii import b2a_base64
from itertools import product

from .memo import remember

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._typing import Headers, Result

_TEXT_TYPES = frozenset(
    (
        "application/json",
        "application/xml",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
    )
)


# Each format reads the headers in its own loop, noting Content-Type and Content-Encoding
# on the way: at Lambda's pace every further call costs (see wsgi.make_handler).
def v1_response(status: str, headers: Headers, body: bytes) -> Result:
    """Response for REST API and HTTP API payload 1.0 events."""
    multi_value: dict[str, list[str]] = {}
    content_type = ""
    encoded = False
    for name, value in headers:
        value = value.strip() if value.isascii() else _text(value)
        lowered = name.lower()
        if lowered == "content-type":
            content_type = value
        elif lowered == "content-encoding":
            encoded = True
        if name in multi_value:
            multi_value[name].append(value)
        else:
            multi_value[name] = [value]
    text, is_base64 = encode_body(body, content_type, encoded)
    return {
        "statusCode": int(status[:3]),
        "multiValueHeaders": multi_value,
        "body": text,
        "isBase64Encoded": is_base64,
    }


def v2_response(status: str, headers: Headers, body: bytes) -> Result:
    """Response for HTTP API payload 2.0 and Lambda Function URL events."""
    single: dict[str, str] = {}
    cookies: list[str] = []
    content_type = ""
    encoded = False
    for name, value in headers:
        value = value.strip() if value.isascii() else _text(value)
        lowered = name.lower()
        if lowered == "set-cookie":
            cookies.append(value)
            continue
        if lowered == "content-type":
            content_type = value
        elif lowered == "content-encoding":
            encoded = True
        single[name] = single[name] + ", " + value if name in single else value
    text, is_base64 = encode_body(body, content_type, encoded)
    return {
        "statusCode": int(status[:3]),
        "headers": single,
        "cookies": cookies,
        "body": text,
        "isBase64Encoded": is_base64,
    }


def alb_response(status: str, headers: Headers, body: bytes) -> Result:
    """Response for ALB events with multi-value headers off."""
    response = v2_response(status, headers, body)
    single = response["headers"]
    for index, cookie in enumerate(response.pop("cookies")):
        single[_set_cookie_name(index)] = cookie
    response["statusDescription"] = status
    return response


def alb_multi_value_response(status: str, headers: Headers, body: bytes) -> Result:
    """Response for ALB events with multi-value headers on."""
    response = v1_response(status, headers, body)
    response["statusDescription"] = status
    return response


def encode_body(body: bytes, content_type: str, encoded: bool) -> tuple[str, bool]:
    """Return the body as Lambda carries it, and whether that is base64.

    ``content_type`` is the response's Content-Type (``""`` for none); ``encoded``
    says whether it has a Content-Encoding.
    """
    if not body:
        return "", False
    textual = _TEXTUAL.get(content_type)
    if textual is None:
        textual = remember(_TEXTUAL, content_type, is_textual(content_type))
    if textual and not encoded:
        try:
            return body.decode(), False
        except UnicodeDecodeError:  # declared as text, but is not UTF-8
            pass
    return b2a_base64(body, newline=False).decode("ascii"), True


def is_textual(content_type: str) -> bool:
    """Say whether a Content-Type names text that can travel in a JSON string."""
    mime = content_type.partition(";")[0].strip().lower()
    return mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith(_TEXT_SUFFIXES)


# is_textual() of each Content-Type seen
_TEXTUAL: dict[str, bool] = {}
_TEXT_SUFFIXES = ("+json", "+xml")


# Header values lose surrounding whitespace, which is not part of a value (Django's cookies
# start with a space); ASCII values are handled inline, the rest here.
def _text(value: str) -> str:
    """Undo PEP 3333's latin-1 view of a header value when its bytes are UTF-8."""
    try:
        return value.encode("latin-1").decode().strip()
    except UnicodeError:
        return value.strip()


_SET_COOKIE_NAMES: list[str] = []


def _set_cookie_name(index: int) -> str:
    """The index-th spelling of Set-Cookie; there are 512 (2 ** 9 letter cases)."""
    if not _SET_COOKIE_NAMES:
        cases = [(char, char.upper()) if char.isalpha() else (char,) for char in "set-cookie"]
        spellings = ["".join(letters) for letters in product(*cases)]
        spellings.remove("Set-Cookie")
        _SET_COOKIE_NAMES.extend(["Set-Cookie", *spellings])
    if index >= len(_SET_COOKIE_NAMES):
        raise ValueError(
            f"an ALB response without multi-value headers can carry at most "
            f"{len(_SET_COOKIE_NAMES)} Set-Cookie headers"
        )
    return _SET_COOKIE_NAMES[index]
