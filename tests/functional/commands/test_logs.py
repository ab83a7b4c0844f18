"""slam logs against the local AWS: a stage's function and API Gateway lines, merged in
time order, --period, and --tail until Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .conftest import SLAM, Account, Lines, Result, Slam

pytestmark = pytest.mark.slow  # builds packages, runs functions and slam in subprocesses

LINE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (function|api     ) (.*)")


@pytest.fixture(scope="module")
def probe(account: Account) -> Path:
    """The probe function, with dev on $LATEST and prod on version 1."""
    project = account.project("probe")
    account.deploy(project)
    account.publish(project, "prod")
    return project


def parsed(out: str) -> list[tuple[str, str, str]]:
    """(timestamp, source, text) per line; every line must have the three."""
    found = [LINE.fullmatch(line) for line in out.splitlines()]
    assert all(found), out
    return [(match[1], match[2].strip(), match[3]) for match in found if match]


def texts(out: str) -> list[str]:
    return [text for _, _, text in parsed(out)]


def test_a_stages_function_lines_in_time_order(slam: Slam, probe: Path):
    marker = f"dev-{uuid.uuid4().hex[:8]}"
    for n in range(2):
        assert slam(probe, "invoke", "action=print", f"text={marker}-{n}").code == 0
    assert slam(probe, "invoke", "--stage", "prod", "action=print", "text=prod-only").code == 0

    result = slam(probe, "logs")
    assert (result.code, result.err) == (0, "")
    lines = parsed(result.out)
    assert [stamp for stamp, _, _ in lines] == sorted(stamp for stamp, _, _ in lines)
    assert {source for _, source, _ in lines} == {"function"}
    mine = [text for _, _, text in lines if not text.startswith(("INIT_", "REPORT"))]
    assert [re.sub(r"RequestId: \S+", "RequestId: *", text) for text in mine[-6:]] == [
        "START RequestId: * Version: $LATEST",
        f"{marker}-0",
        "END RequestId: *",
        "START RequestId: * Version: $LATEST",
        f"{marker}-1",
        "END RequestId: *",
    ]
    assert "prod-only" not in result.out  # prod runs version 1: other streams

    prod = texts(slam(probe, "logs", "--stage", "prod").out)
    assert "prod-only" in prod
    assert not any(marker in text for text in prod)
    assert all("Version: 1" in text for text in prod if text.startswith("START"))


def test_the_period_reaches_back(slam: Slam, probe: Path, account: Account):
    function = account.outputs("probe")["FunctionName"]
    group, stream = f"/aws/lambda/{function}", "2025/01/01/[$LATEST]0123456789abcdef"
    now = int(time.time() * 1000)
    account.client("logs").create_log_stream(logGroupName=group, logStreamName=stream)
    account.client("logs").put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[
            {"timestamp": now - 3 * 3600_000, "message": "three hours ago"},
            {"timestamp": now - 10 * 60_000, "message": "ten minutes ago"},
        ],
    )
    assert "ten minutes ago" not in slam(probe, "logs").out  # 1m by default
    assert "ten minutes ago" not in slam(probe, "logs", "--period", "9m").out
    recent = texts(slam(probe, "logs", "-p", "11m").out)
    assert "ten minutes ago" in recent
    assert "three hours ago" not in recent
    older = texts(slam(probe, "logs", "--period", "1d").out)
    assert older[:2] == ["three hours ago", "ten minutes ago"]


def test_a_log_group_that_does_not_exist_prints_nothing(slam: Slam, account: Account):
    project = account.project("probe", lambda text: text.replace("name: probe", "name: quiet"))
    function = account.deploy(project)["FunctionName"]
    account.client("logs").delete_log_group(logGroupName=f"/aws/lambda/{function}")
    assert slam(project, "logs", "--period", "1w") == Result(0, "", "")


def test_tail_prints_new_lines_once_and_ctrl_c_exits_0(slam: Slam, probe: Path, account: Account):
    marker = f"tail-{uuid.uuid4().hex[:8]}"
    assert slam(probe, "invoke", "action=print", f"text={marker}-before").code == 0
    command = [SLAM, "-c", str(probe / "slam.yaml"), "logs", "--tail"]
    with subprocess.Popen(
        command, env=account.environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as tail:
        try:
            lines = Lines(tail.stdout)
            lines.wait_for(f"{marker}-before")
            assert slam(probe, "invoke", "action=print", f"text={marker}-first").code == 0
            lines.wait_for(f"{marker}-first")
            assert slam(probe, "invoke", "action=print", f"text={marker}-second").code == 0
            lines.wait_for(f"{marker}-second")
            time.sleep(5)  # more polls, which read the same events again
            tail.send_signal(signal.SIGINT)
            assert tail.wait(timeout=60) == 0
        finally:
            if tail.poll() is None:
                tail.kill()
        printed = lines.rest()
        assert tail.stderr is not None
        assert tail.stderr.read() == ""
    for suffix in ("before", "first", "second"):
        assert sum(line.endswith(f" {marker}-{suffix}") for line in printed) == 1
    starts = [line for line in printed if " START RequestId: " in line]
    assert len(starts) == len(set(starts))
    assert [stamp for stamp, _, _ in parsed("\n".join(printed))] == sorted(
        stamp for stamp, _, _ in parsed("\n".join(printed))
    )


def head_1(account: Account, project: Path, *argv: str) -> tuple[str, int, str]:
    """``slam ARGV | head -1`` over a real pipe: the first line, then the reader goes. Returns
    that line, slam's exit code and its standard error."""
    command = [SLAM, "-c", str(project / "slam.yaml"), *argv]
    with subprocess.Popen(
        command, env=account.environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline().decode()
        process.stdout.close()
        try:
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        return first, code, process.stderr.read().decode()


def test_a_reader_that_goes_ends_logs_quietly_with_141(probe: Path, account: Account):
    # more lines than a pipe holds, so that slam is still writing when the reader goes
    function = account.outputs("probe")["FunctionName"]
    group, stream = f"/aws/lambda/{function}", "2025/01/01/[$LATEST]feedfacefeedface"
    now = int(time.time() * 1000)
    logs = account.client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    text = "x" * 100
    events = [{"timestamp": now - 1000, "message": f"line {n:04d} {text}"} for n in range(2000)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)

    first, code, err = head_1(account, probe, "logs")
    assert LINE.fullmatch(first.rstrip("\n"))
    assert (code, err) == (141, "")


def test_a_reader_that_goes_ends_a_tail_quietly_with_141_before_any_new_line(
    slam: Slam, probe: Path, account: Account
):
    marker = f"head-{uuid.uuid4().hex[:8]}"
    assert slam(probe, "invoke", "--stage", "prod", "action=print", f"text={marker}").code == 0

    # prod's few lines fit in the pipe: slam learns that the reader went while it waits
    first, code, err = head_1(account, probe, "logs", "--stage", "prod", "--tail")
    assert LINE.fullmatch(first.rstrip("\n"))
    assert (code, err) == (141, "")


@pytest.mark.network  # the tasks API's package installs Flask from the index
def test_api_gateway_lines_of_a_logged_stage(slam: Slam, account: Account):
    project = account.project(
        "tasks_api", lambda text: text.replace("  log_stages:\n", "  log_stages: [dev]\n")
    )
    api = account.deploy(project)["ApiId"]
    created = account.request(api, "dev", "/tasks", {"title": "buy milk"})["task"]
    account.request(api, "dev", f"/tasks/{created['id']}")

    result = slam(project, "logs")
    assert (result.code, result.err) == (0, "")
    lines = parsed(result.out)
    assert [stamp for stamp, _, _ in lines] == sorted(stamp for stamp, _, _ in lines)
    api_lines = [text for _, source, text in lines if source == "api"]
    assert any(text.endswith("HTTP Method: POST, Resource Path: /tasks") for text in api_lines)
    completed = [text for text in api_lines if "Method completed with status:" in text]
    assert [text.rsplit(" ", 1)[1] for text in completed] == ["201", "200"]
    # the request, then the function it invoked, then the answer
    sources = [source for _, source, text in lines if "START" in text or "status: 201" in text]
    assert sources[:2] == ["function", "api"]

    account.request(api, "prod", "/tasks")  # prod logs only errors
    prod = parsed(slam(project, "logs", "--stage", "prod").out)
    assert [source for _, source, _ in prod] and {source for _, source, _ in prod} == {"function"}
