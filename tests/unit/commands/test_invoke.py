"""slam invoke's arguments, payload and printing, without AWS."""

from __future__ import annotations

import argparse
import json

import pytest

from slam.cli import main
from slam.commands.invoke import invoke_argument, invoke_payload, remote_traceback, result_text
from slam.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name=john", ("name", "john")),
        ("number:=15", ("number", 15)),
        ("number=15", ("number", "15")),  # a string, as the seed says
        ("ratio:=0.5", ("ratio", 0.5)),
        ("flag:=true", ("flag", True)),
        ("nothing:=null", ("nothing", None)),
        ('tags:=["a", "b"]', ("tags", ["a", "b"])),
        ('where:={"city": "Paris", "zip": 75001}', ("where", {"city": "Paris", "zip": 75001})),
        ('quoted:="15"', ("quoted", "15")),
        ("empty=", ("empty", "")),
        ("equation=a=b", ("equation", "a=b")),  # the first = splits
        ("url=https://x.org/?a=1", ("url", "https://x.org/?a=1")),
    ],
)
def test_arguments_are_strings_or_json(text: str, expected: tuple[str, object]):
    assert invoke_argument(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("number", "'number' is not name=value (a string) or name:=value (a JSON value)"),
        ("=15", "'=15' is not name=value (a string) or name:=value (a JSON value)"),
        (":=15", "':=15' is not name=value (a string) or name:=value (a JSON value)"),
        (
            "name:=john",
            "'name:=john': the value after := is not JSON (Expecting value); "
            "for a string, write name=john",
        ),
        ("n:=", "'n:=': the value after := is not JSON (Expecting value); for a string, write n="),
        ("o:={1: 2}", "'o:={1: 2}': the value after := is not JSON (Expecting property name"),
    ],
)
def test_malformed_arguments_say_which_and_why(text: str, message: str):
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        invoke_argument(text)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["number"], "argument args: 'number' is not name=value (a string) or name:=value"),
        (["a=1", "number:=fifteen"], "argument args: 'number:=fifteen': the value after :="),
        (["--async", "--dry-run"], "argument --dry-run: not allowed with argument --async"),
    ],
)
def test_malformed_arguments_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
):
    assert main(["invoke", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: slam invoke [-h] [--stage STAGE] [--async | --dry-run]")
    assert f"slam invoke: error: {message}" in err


def test_the_payload_is_the_kwargs_event_of_slams_runtime():
    payload = invoke_payload([("number", 15), ("name", "john")])
    assert json.loads(payload) == {"kwargs": {"number": 15, "name": "john"}}
    assert json.loads(invoke_payload([])) == {"kwargs": {}}


def test_an_argument_given_twice_is_a_usage_error():
    with pytest.raises(UsageError) as caught:
        invoke_payload([("number", 1), ("number", 2)])
    assert caught.value.exit_code == 2
    assert caught.value.message == "argument args: 'number' is given twice"


@pytest.mark.parametrize(
    ("payload", "printed"),
    [
        (b'"fizz buzz"', "fizz buzz"),  # a string, raw
        (b'"line one\\nline two"', "line one\nline two"),
        (b'"caf\\u00e9"', "café"),
        (b"2", "2"),
        (b"true", "true"),
        (b"null", "null"),
        (b'{"id": "1", "done": false}', '{\n  "id": "1",\n  "done": false\n}'),
        (b'["caf\\u00e9"]', '[\n  "café"\n]'),
        (b"not json", "not json"),  # what Lambda sent, as it is
    ],
)
def test_a_string_result_prints_raw_anything_else_as_json(payload: bytes, printed: str):
    assert result_text(payload) == printed


def test_a_function_error_reads_as_a_python_traceback():
    # Lambda's Python runtimes: the frames as traceback.format_list writes them
    document = {
        "errorMessage": "invalid literal for int() with base 10: 'abc'",
        "errorType": "ValueError",
        "requestId": "3b7a9f70-0c5e-4d5b-8b0e-1f2a3b4c5d6e",
        "stackTrace": [
            '  File "/var/task/slam_runtime/function.py", line 56, in handler\n'
            '    result = fn(*event.get("args", ()), **kwargs)\n',
            '  File "/var/task/fizzbuzz.py", line 20, in fizzbuzz\n    value = int(number)\n',
        ],
    }
    assert remote_traceback(json.dumps(document).encode()) == (
        "Traceback (most recent call last):\n"
        '  File "/var/task/slam_runtime/function.py", line 56, in handler\n'
        '    result = fn(*event.get("args", ()), **kwargs)\n'
        '  File "/var/task/fizzbuzz.py", line 20, in fizzbuzz\n'
        "    value = int(number)\n"
        "ValueError: invalid literal for int() with base 10: 'abc'"
    )


def test_older_runtimes_frames_as_lists_read_the_same():
    document = {
        "errorMessage": "boom",
        "errorType": "RuntimeError",
        "stackTrace": [["/var/task/app.py", 3, "handler", "raise RuntimeError('boom')"]],
    }
    assert remote_traceback(json.dumps(document).encode()) == (
        "Traceback (most recent call last):\n"
        '  File "/var/task/app.py", line 3, in handler\n'
        "    raise RuntimeError('boom')\n"
        "RuntimeError: boom"
    )


@pytest.mark.parametrize(
    ("document", "printed"),
    [
        (  # Lambda's own errors have no frames
            {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 3.00 seconds"},
            "Sandbox.Timedout: Task timed out after 3.00 seconds",
        ),
        ({"errorType": "KeyError", "errorMessage": "", "stackTrace": []}, "KeyError"),
        ({"errorMessage": "something failed"}, "Error: something failed"),
    ],
)
def test_errors_without_frames_are_one_line(document: dict[str, object], printed: str):
    assert remote_traceback(json.dumps(document).encode()) == printed


@pytest.mark.parametrize("payload", [b"Internal failure", b'["not", "a", "document"]'])
def test_an_error_that_is_no_document_prints_as_sent(payload: bytes):
    assert remote_traceback(payload) == payload.decode()
