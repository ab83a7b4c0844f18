"""Tests for examples/request.py, the tutorials' HTTP client, against a real HTTP server."""

from __future__ import annotations

import base64
import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

REQUEST_PY = Path(__file__).resolve().parents[2] / "examples" / "request.py"


class Recorder(BaseHTTPRequestHandler):
    """Answers each request as its path says, and keeps what it received."""

    received: ClassVar[list[dict[str, Any]]] = []
    answers: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/json": (200, "application/json", b'{"task": {"id": "1", "title": "Try slam"}}'),
        "/missing": (404, "application/json", b'{"error": "not found"}'),
        "/text": (200, "text/plain; charset=utf-8", "caf\u00e9\n".encode()),
        "/broken-json": (200, "application/json", b"{not json"),
        "/empty": (204, "", b""),
    }

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.received.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers),
                "body": self.rfile.read(length),
            }
        )
        status, content_type, body = self.answers[self.path]
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.received.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def request_py(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    spec = importlib.util.spec_from_file_location("request_example", REQUEST_PY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_get_prints_the_status_line_and_the_json_body_indented(
    request_py: ModuleType, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert request_py.main([f"{server}/json"]) == 0

    expected = {"task": {"id": "1", "title": "Try slam"}}
    assert capsys.readouterr().out == "HTTP 200 OK\n" + json.dumps(expected, indent=2) + "\n"
    assert Recorder.received[0]["method"] == "GET"
    assert "Authorization" not in Recorder.received[0]["headers"]


def test_data_is_posted_as_json_with_basic_auth(request_py: ModuleType, server: str) -> None:
    body = '{"title": "Try slam"}'

    assert request_py.main(["-u", "miguel:python", "-d", body, f"{server}/json"]) == 0

    received = Recorder.received[0]
    assert received["method"] == "POST"
    assert received["body"] == body.encode()
    assert received["headers"]["Content-Type"] == "application/json"
    credentials = base64.b64encode(b"miguel:python").decode()
    assert received["headers"]["Authorization"] == f"Basic {credentials}"


def test_a_method_given_with_x_is_used(
    request_py: ModuleType, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert request_py.main(["-X", "delete", f"{server}/empty"]) == 0

    assert Recorder.received[0]["method"] == "DELETE"
    assert capsys.readouterr().out == "HTTP 204 No Content\n"


def test_an_error_answer_is_printed_and_exits_0(
    request_py: ModuleType, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert request_py.main([f"{server}/missing"]) == 0

    assert capsys.readouterr().out == 'HTTP 404 Not Found\n{\n  "error": "not found"\n}\n'


@pytest.mark.parametrize(("path", "shown"), [("/text", "caf\u00e9"), ("/broken-json", "{not json")])
def test_other_bodies_are_printed_as_they_are(
    request_py: ModuleType,
    server: str,
    capsys: pytest.CaptureFixture[str],
    path: str,
    shown: str,
) -> None:
    assert request_py.main([f"{server}{path}"]) == 0

    assert capsys.readouterr().out == f"HTTP 200 OK\n{shown}\n"


def test_no_answer_exits_1_naming_the_url(
    request_py: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "http://127.0.0.1:9/json"  # the discard port: nothing listens there

    assert request_py.main([url]) == 1

    assert capsys.readouterr().err.startswith(f"request.py: no answer from {url}: ")


def test_a_server_on_this_machine_is_reached_without_the_proxy(
    request_py: ModuleType, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # a proxy that is not there

    assert request_py.main([f"{server}/json"]) == 0

    assert len(Recorder.received) == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-d", "{title", "http://127.0.0.1:9/"], "request.py: error: -d is not JSON"),
        (["-u", "miguel", "http://127.0.0.1:9/"], "request.py: error: -u takes USER:PASSWORD"),
    ],
)
def test_bad_arguments_are_usage_errors(
    request_py: ModuleType,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    with pytest.raises(SystemExit) as stopped:
        request_py.main(arguments)

    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
