"""slam invoke against the local AWS: the basic tutorial, results, errors, stages,
--async and --dry-run."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .conftest import Account, Slam

pytestmark = pytest.mark.slow  # builds packages, runs functions in worker processes


@pytest.fixture(scope="module")
def fizzbuzz(account: Account) -> Path:
    project = account.project("fizzbuzz")
    account.deploy(project)
    return project


@pytest.fixture(scope="module")
def probe(account: Account) -> Path:
    """The probe function, with dev on $LATEST and prod on version 1."""
    project = account.project("probe")
    account.deploy(project)
    account.publish(project, "prod")
    return project


def test_the_basic_tutorial(slam: Slam, fizzbuzz: Path):
    answers = [slam(fizzbuzz, "invoke", f"number:={number}") for number in (2, 12, 15, 5)]
    assert [(result.code, result.out, result.err) for result in answers] == [
        (0, "2\n", ""),
        (0, "fizz\n", ""),
        (0, "fizz buzz\n", ""),
        (0, "buzz\n", ""),
    ]
    assert slam(fizzbuzz, "invoke", "number=15").out == "fizz buzz\n"  # the string "15"


def test_results_that_are_not_strings_print_as_json(slam: Slam, probe: Path):
    result = slam(probe, "invoke", "number:=34", 'data:={"tags": ["a", "b"], "ok": true}')
    assert result.code == 0
    assert result.out == (
        "{\n"
        '  "stage": "dev",\n'
        '  "version": "$LATEST",\n'
        '  "number": 34,\n'
        '  "data": {\n'
        '    "tags": [\n'
        '      "a",\n'
        '      "b"\n'
        "    ],\n"
        '    "ok": true\n'
        "  }\n"
        "}\n"
    )


def test_the_stage_chooses_the_alias(slam: Slam, probe: Path):
    result = slam(probe, "invoke", "--stage", "prod", "action=print", "text=hello")
    assert (result.code, result.out) == (0, "hello\n")
    prod = slam(probe, "invoke", "--stage", "prod")
    assert '"stage": "prod",\n  "version": "1",' in prod.out


def test_a_function_error_prints_the_remote_traceback_and_exits_1(slam: Slam, probe: Path):
    result = slam(probe, "invoke", "action=fail", "text=divide by zero")
    assert (result.code, result.out) == (1, "")
    lines = result.err.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert re.fullmatch(r'  File "/.+/probe\.py", line 7, in probe', lines[-3])
    assert lines[-2:] == [
        '    raise ValueError(f"cannot {text}")',
        "ValueError: cannot divide by zero",
    ]
    # the frames in between are slam's runtime calling the function
    assert all(line.startswith(("  File ", "    ")) for line in lines[1:-1])


def test_async_confirms_and_the_function_runs(slam: Slam, probe: Path, account: Account):
    result = slam(probe, "invoke", "--async", "action=print", "text=queued-for-later")
    function = account.outputs("probe")["FunctionName"]
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"Invoked probe:dev (function {function}) without waiting: "
        "its output goes to its logs (`slam logs --stage dev`).\n"
    )
    assert "queued-for-later\n" in wait_for_messages(account, function, "queued-for-later")


def test_dry_run_confirms_without_running(slam: Slam, probe: Path, account: Account):
    function = account.outputs("probe")["FunctionName"]
    before = messages(account, function)
    result = slam(probe, "invoke", "--dry-run", "--stage", "prod", "action=print", "text=not-run")
    assert (result.code, result.err) == (0, "")
    assert (
        result.out == f"Dry run: probe:prod (function {function}) can be invoked; it did not run.\n"
    )
    assert messages(account, function) == before


def test_an_unknown_stage_is_a_usage_error(slam: Slam, probe: Path):
    result = slam(probe, "invoke", "--stage", "staging")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "slam: error: --stage 'staging' is not a stage of probe (its stages: dev, prod)\n"
        "hint: use one of them, or add staging under stage_environments in slam.yaml\n"
    )
    mistyped = slam(probe, "logs", "--stage", "prdo")
    assert (mistyped.code, mistyped.out) == (2, "")
    assert mistyped.err.splitlines()[0] == (
        "slam: error: --stage 'prdo' is not a stage of probe (its stages: dev, prod); "
        "did you mean 'prod'?"
    )


def test_a_project_not_deployed_says_so(slam: Slam, account: Account):
    project = account.project("probe", lambda text: text.replace("name: probe", "name: absent"))
    result = slam(project, "invoke", "number:=1")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "slam: error: absent has not been deployed yet.\n"
        "hint: no stack absent in us-east-1: deploy it with `slam deploy`, "
        "or check --region and --profile\n"
    )


def messages(account: Account, function: str) -> list[str]:
    logs = account.client("logs")
    try:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [event["message"] for event in events]


def wait_for_messages(account: Account, function: str, text: str) -> list[str]:
    """The function's log messages, once one holds ``text`` (an event invocation runs
    after Invoke answers)."""
    for _ in range(600):
        found = messages(account, function)
        if any(text in message for message in found):
            return found
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never reached the log of {function}")
