"""The worker's program, its parts called in process: handlers, errors, context, messages."""

from __future__ import annotations

import decimal
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from slam.local import bootstrap
from slam.local.bootstrap import InitError, LambdaContext

REQUEST = {"id": "req-1", "arn": "arn:aws:lambda:us-east-1:1:function:f:dev", "event": "{}"}


def request(**changes: Any) -> dict[str, Any]:
    return {**REQUEST, "deadline": int(time.time() * 1000) + 3000, **changes}


@pytest.fixture
def module_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_a_handler_is_a_modules_attribute(module_folder: Path):
    (module_folder / "bootstrap_probe_ok.py").write_text(
        "def handler(event, context):\n    return 1\n"
    )
    assert bootstrap.load_handler("bootstrap_probe_ok.handler")({}, None) == 1


@pytest.mark.parametrize(
    ("source", "name", "error_type", "message"),
    [
        (
            "",
            "bootstrap_probe_a.missing",
            "Runtime.HandlerNotFound",
            "Handler 'missing' missing on module 'bootstrap_probe_a'",
        ),
        (
            "import bootstrap_probe_absent\n",
            "bootstrap_probe_b.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'bootstrap_probe_b': No module named 'bootstrap_probe_absent'",
        ),
        (
            "x = (\n",
            "bootstrap_probe_c.handler",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'bootstrap_probe_c':"
            " '(' was never closed (bootstrap_probe_c.py, line 1)",
        ),
    ],
)
def test_a_handler_that_cannot_be_loaded(
    module_folder: Path, source: str, name: str, error_type: str, message: str
):
    (module_folder / f"{name.split('.')[0]}.py").write_text(source)
    with pytest.raises(InitError) as raised:
        bootstrap.load_handler(name)
    assert (raised.value.error_type, raised.value.message) == (error_type, message)


def test_a_handlers_result_and_errors():
    def handler(event: Any, context: LambdaContext) -> Any:
        action = event.get("action")
        if action == "raise":
            raise KeyError("task")
        if action == "bytes":
            return b"\x00"
        if action == "object":
            return object()
        return {"price": decimal.Decimal("2"), "arn": context.invoked_function_arn}

    assert bootstrap.run(handler, request()) == {
        "result": '{"price": 2, "arn": "' + REQUEST["arn"] + '"}'
    }
    assert bootstrap.run(handler, request(event='{"action": "bytes"}')) == {
        "result": "AA==",
        "binary": True,
    }
    marshal = bootstrap.run(handler, request(event='{"action": "object"}'))["error"]
    assert marshal == {
        "errorMessage": "Unable to marshal response:"
        " Object of type object is not JSON serializable",
        "errorType": "Runtime.MarshalError",
        "requestId": "req-1",
        "stackTrace": [],
    }
    error = bootstrap.run(handler, request(event='{"action": "raise"}'))["error"]
    assert (error["errorType"], error["errorMessage"], error["requestId"]) == (
        "KeyError",
        "'task'",
        "req-1",
    )
    (frame,) = error["stackTrace"]  # the handler's own frame only
    assert frame.endswith(', in handler\n    raise KeyError("task")\n')


def test_an_error_log_entry_indents_frames_with_no_break_spaces():
    document = {
        "errorType": "ValueError",
        "errorMessage": "bad",
        "stackTrace": [
            '  File "/var/task/app.py", line 2, in handler\n    raise ValueError("bad")\n'
        ],
    }
    assert bootstrap.error_log(document) == (
        "[ERROR] ValueError: bad\nTraceback (most recent call last):\n"
        '\u00a0\u00a0File "/var/task/app.py", line 2, in handler\n'
        '\u00a0\u00a0\u00a0\u00a0raise ValueError("bad")'
    )


def test_the_context_reads_lambdas_variables(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "f")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
    context = LambdaContext(request(deadline=int(time.time() * 1000) + 60_000))
    assert (context.function_name, context.memory_limit_in_mb) == ("f", "512")
    assert 50_000 < context.get_remaining_time_in_millis() <= 60_000
    assert context.client_context is None and context.identity.cognito_identity_id is None
    assert LambdaContext(request(deadline=0)).get_remaining_time_in_millis() == 0


def test_messages_and_log_records_travel_on_the_log_pipe():
    requests_read, requests_write = os.pipe()
    log_read, log_write = os.pipe()
    with os.fdopen(requests_read, "rb") as requests, os.fdopen(log_read, "rb") as log:
        channel = bootstrap.Channel("tok", requests, log_write)
        os.write(requests_write, b'{"id": "r"}\n')
        os.close(requests_write)
        assert channel.receive() == {"id": "r"}
        assert channel.receive() is None  # the parent closed stdin
        channel.request_id = "r"
        handler = bootstrap.LogHandler(channel)
        handler.handle(
            logging.LogRecord("app", logging.ERROR, __file__, 1, "two\nlines", None, None)
        )
        writer = bootstrap.LogWriter(log_write)
        writer.writelines(["printed ", "text\n"])
        writer.flush()
        assert (writer.isatty(), writer.fileno()) == (False, log_write)
        os.close(log_write)
        first, second = log.read().splitlines(keepends=True)
    prefix = b"\x1etok "
    assert first.startswith(prefix)
    entry = json.loads(first[len(prefix) :])["log"]
    assert entry.startswith("[ERROR]\t") and entry.endswith("\tr\ttwo\nlines\n")
    assert second == b"printed text\n"


def test_the_peak_memory_is_this_processs():
    assert 0 < bootstrap.max_memory_mb() < 10_000


def run_main(
    folder: Path, handler: str, requests: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[bytes]]:
    """Run the worker's main in this process, its stdin and stdout on pipes: exit code, lines."""
    monkeypatch.setenv("_HANDLER", handler)
    requests_read, requests_write = os.pipe()
    os.write(requests_write, b"".join(json.dumps(r).encode() + b"\n" for r in requests))
    os.close(requests_write)
    output_read, output_write = os.pipe()
    saved_fds = {fd: os.dup(fd) for fd in (0, 1)}
    saved = (sys.stdout, sys.stderr, list(sys.path), os.getcwd(), list(logging.root.handlers))
    modules = set(sys.modules)
    try:
        os.dup2(requests_read, 0)
        os.dup2(output_write, 1)
        code = bootstrap.main(["bootstrap.py", "tok", str(folder)])
    finally:
        for fd, copy in saved_fds.items():
            os.dup2(copy, fd)
            os.close(copy)
        sys.stdout, sys.stderr, sys.path[:], _, logging.root.handlers[:] = saved
        os.chdir(saved[3])
        for name in set(sys.modules) - modules:
            del sys.modules[name]
        os.close(output_write)
        os.close(requests_read)
    with os.fdopen(output_read, "rb") as output:
        return code, output.read().splitlines()


def messages(lines: list[bytes]) -> list[Any]:
    return [json.loads(line[5:]) if line.startswith(b"\x1etok ") else line for line in lines]


def test_main_answers_each_request_until_stdin_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "bootstrap_main_ok.py").write_text(
        "print('init')\n"
        "def handler(event, context):\n"
        "    print('got', event['n'])\n"
        "    if event['n'] == 2:\n"
        "        raise ValueError('two')\n"
        "    return event['n'] * 10\n"
    )
    requests = [request(id=f"r{n}", event=json.dumps({"n": n})) for n in (1, 2)]
    code, lines = run_main(tmp_path, "bootstrap_main_ok.handler", requests, monkeypatch)
    assert code == 0
    init, ready, got_1, result, got_2, log, error = messages(lines)
    assert (init, ready["ready"], got_1, got_2) == (b"init", True, b"got 1", b"got 2")
    assert result["result"] == "10"
    assert type(result["duration_ms"]) is float  # the REPORT line's, measured by the worker
    assert log["log"].startswith("[ERROR] ValueError: two\n")
    assert error["error"]["errorMessage"] == "two"


def test_main_reports_an_init_error_and_exits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "bootstrap_main_broken.py").write_text("raise RuntimeError('no settings')\n")
    code, lines = run_main(tmp_path, "bootstrap_main_broken.handler", [], monkeypatch)
    assert code == 1
    log, init_error = messages(lines)
    assert log["log"].startswith("[ERROR] RuntimeError: no settings\n")
    assert init_error["init_error"]["errorType"] == "RuntimeError"
    assert init_error["init_error"]["requestId"] == ""
