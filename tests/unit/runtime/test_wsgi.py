"""The WSGI contract, the error path and make_handler itself (slam/runtime/wsgi.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from runtime_apps import environ_for
from runtime_events import CUSTOM_HOST, http_v2_event, rest_event

from slam.runtime.wsgi import make_handler, normalise_base_path

TEXT = [("Content-Type", "text/plain")]


def call(app: Any) -> dict[str, Any]:
    return make_handler(app)(http_v2_event(), None)  # type: ignore[no-any-return]


def plain(status: int, body: str, content_type: str = "text/plain") -> dict[str, Any]:
    """The v2 response for a text body."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type},
        "cookies": [],
        "body": body,
        "isBase64Encoded": False,
    }


INTERNAL_ERROR = plain(500, "Internal Server Error", "text/plain; charset=utf-8")


class Body:
    """An app iterable that records whether the server closed it."""

    def __init__(self, chunks: Iterable[bytes], fail_after: int | None = None) -> None:
        self.chunks = list(chunks)
        self.fail_after = fail_after
        self.closed = 0

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_after:
                raise RuntimeError("broke while streaming")
            yield chunk

    def close(self) -> None:
        self.closed += 1


def test_write_callable_and_iterable_are_both_sent() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        write = start_response("200 OK", TEXT)
        write(b"")
        write(b"written")
        write(b", ")
        return [b"then ", b"", b"returned"]

    assert call(app) == plain(200, "written, then returned")


def test_generator_calling_start_response_lazily() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        yield b""
        start_response("200 OK", TEXT)
        yield b"lazy"
        yield b" body"

    assert call(app) == plain(200, "lazy body")


def test_close_is_called_on_success_and_on_failure(capsys: pytest.CaptureFixture[str]) -> None:
    fine = Body([b"a", b"b"])
    broken = Body([b"a", b"b"], fail_after=1)

    def app_with(body: Body) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Body:
            start_response("200 OK", TEXT)
            return body

        return app

    assert call(app_with(fine)) == plain(200, "ab")
    assert call(app_with(broken)) == INTERNAL_ERROR
    assert (fine.closed, broken.closed) == (1, 1)
    assert "RuntimeError: broke while streaming" in capsys.readouterr().err


def test_exc_info_replaces_headers_before_the_body_is_sent() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        try:
            raise ValueError("late failure")
        except ValueError:
            start_response("503 Service Unavailable", TEXT, sys.exc_info())
        return [b"try later"]

    assert call(app) == plain(503, "try later")


def test_exc_info_after_the_body_started_reraises(capsys: pytest.CaptureFixture[str]) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", TEXT)
        yield b"partial"
        try:
            raise KeyError("the original error")
        except KeyError:
            start_response("500 Oops", TEXT, sys.exc_info())
        yield b"never"

    assert call(app) == INTERNAL_ERROR
    assert "KeyError: 'the original error'" in capsys.readouterr().err


def test_exc_info_after_write_reraises(capsys: pytest.CaptureFixture[str]) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", TEXT)(b"sent")
        try:
            raise LookupError("after write")
        except LookupError:
            start_response("500 Oops", TEXT, sys.exc_info())
        return []

    assert call(app) == INTERNAL_ERROR
    assert "LookupError: after write" in capsys.readouterr().err


def broken_app(mistake: str) -> Any:
    """An app that breaks the WSGI contract in one way."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if mistake == "raises":
            raise RuntimeError("secret detail")
        if mistake == "twice":
            start_response("200 OK", TEXT)
            start_response("200 OK", TEXT)
        if mistake == "bad status":
            start_response("OK", TEXT)
        if mistake == "status without space":
            start_response("200OK", TEXT)
        if mistake == "tuple headers":
            start_response("200 OK", tuple(TEXT))
        if mistake == "text chunk":
            start_response("200 OK", TEXT)
            return ["text"]  # type: ignore[list-item]
        if mistake == "body first":
            return iter([b"body"])
        return []  # never called start_response

    return app


@pytest.mark.parametrize(
    ("mistake", "logged"),
    [
        ("raises", "RuntimeError: secret detail"),
        ("twice", "start_response() was called twice without exc_info"),
        ("bad status", "invalid WSGI status 'OK'"),
        ("status without space", "invalid WSGI status '200OK'"),
        ("tuple headers", "WSGI response headers must be a list, not tuple"),
        ("text chunk", "TypeError"),
        ("body first", "the app sent body bytes before start_response()"),
        ("silent", "the app returned without calling start_response()"),
    ],
)
def test_app_failures_are_logged_and_answered_with_a_plain_500(
    mistake: str, logged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    response = make_handler(broken_app(mistake))(rest_event("DELETE", "/items/7"), None)
    assert response == {
        "statusCode": 500,
        "multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]},
        "body": "Internal Server Error",
        "isBase64Encoded": False,
    }
    err = capsys.readouterr().err
    assert err.startswith("slam: the WSGI app failed on DELETE /prod/items/7\n")
    assert "Traceback (most recent call last):" in err
    assert logged in err


def test_status_line_of_three_digits_is_accepted() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("204", [])
        return []

    assert call(app)["statusCode"] == 204


@pytest.mark.parametrize(
    ("base_path", "script_name"),
    [
        (None, ""),
        ("", ""),
        ("/", ""),
        ("api", "/api"),
        ("/api/", "/api"),
        ("/api/v1", "/api/v1"),
        ("/ü", "/\xc3\xbc"),
    ],
)
def test_base_path_is_normalised(base_path: str | None, script_name: str) -> None:
    assert normalise_base_path(base_path) == script_name


def test_non_ascii_base_path_matches_the_decoded_path() -> None:
    event = http_v2_event(path="/%C3%BC/x", host=CUSTOM_HOST)
    environ = environ_for(event, base_path="/ü")
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/\xc3\xbc", "/x")
