"""slam logs' periods, sources, merging, lines and following, without AWS."""

from __future__ import annotations

import argparse

import pytest

from slam.cli import main
from slam.commands.logs import (
    Follower,
    LogLine,
    LogSource,
    log_sources,
    merged,
    period_seconds,
    printed_lines,
    timestamp_text,
)
from slam.remote import LogEvent
from slam.stack.deployed import DeployedStage

FUNCTION = LogSource("function", "/aws/lambda/fizzbuzz-Function-1CUMOX2834PA0", "$LATEST")
API = LogSource("api", "API-Gateway-Execution-Logs_a1b2c3d4e5/dev")
T0 = 1_740_832_496_789  # 2025-03-01T12:34:56.789Z


def event(when: int, message: str, stream: str = "2025/03/01/[$LATEST]abc", n: int = 0) -> LogEvent:
    return LogEvent(T0 + when, message, stream, f"{T0 + when}{n:04d}")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5s", 5),
        ("1m", 60),
        ("4m", 240),
        ("3h", 10_800),
        ("2d", 172_800),
        ("1w", 604_800),
        ("90m", 5_400),
        (" 2h ", 7_200),
    ],
)
def test_periods(text: str, seconds: int):
    assert period_seconds(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "5", "m", "0m", "05m", "1.5h", "2y", "1M", "-1m", "1 m", "1m1s"]
)
def test_malformed_periods(text: str):
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        period_seconds(text)
    assert str(caught.value) == (
        f"{text!r} is not a period: write a whole number and a unit, s, m, h, d or w "
        "(e.g. 30s, 5m, 2h, 1d, 1w)"
    )


def test_a_malformed_period_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    assert main(["logs", "--period", "2y"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: slam logs [-h] [--stage STAGE] [--period PERIOD] [--tail]")
    assert "slam logs: error: argument --period/-p: '2y' is not a period" in err


def test_the_help_says_that_stages_on_one_version_share_function_logs(
    capsys: pytest.CaptureFixture[str],
):
    assert main(["logs", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "stages on the same version (such as two stages on $LATEST) share" in text
    assert "Stages on the same Lambda version share their function logs." in text
    assert "--period PERIOD, -p PERIOD" in text
    assert "--tail, -t" in text


def test_timestamps_are_utc_to_the_millisecond():
    assert timestamp_text(T0) == "2025-03-01T12:34:56.789Z"
    assert timestamp_text(0) == "1970-01-01T00:00:00.000Z"
    assert timestamp_text(T0 + 211) == "2025-03-01T12:34:57.000Z"


def test_each_line_starts_with_its_timestamp_and_source():
    line = LogLine(FUNCTION, event(0, "START RequestId: 42 Version: $LATEST\n"))
    assert printed_lines(line) == [
        "2025-03-01T12:34:56.789Z function START RequestId: 42 Version: $LATEST"
    ]
    api_line = LogLine(API, event(1, "(42) Method completed with status: 200"))
    assert printed_lines(api_line) == [
        "2025-03-01T12:34:56.790Z api      (42) Method completed with status: 200"
    ]


def test_every_line_of_a_multiline_message_has_the_timestamp():
    message = '[ERROR] ValueError: boom\rTraceback (most recent call last):\n  File "app.py"\n'
    assert printed_lines(LogLine(FUNCTION, event(0, message))) == [
        "2025-03-01T12:34:56.789Z function [ERROR] ValueError: boom",
        "2025-03-01T12:34:56.789Z function Traceback (most recent call last):",
        '2025-03-01T12:34:56.789Z function   File "app.py"',
    ]
    assert printed_lines(LogLine(FUNCTION, event(0, "\n"))) == ["2025-03-01T12:34:56.789Z function"]


def test_sources_are_the_versions_function_logs_and_the_stages_api_logs():
    stage = DeployedStage("prod", "3", "tasks-api-Function-X1", "a1b2c3d4e5")
    assert log_sources(stage) == [
        LogSource("function", "/aws/lambda/tasks-api-Function-X1", "3"),
        LogSource("api", "API-Gateway-Execution-Logs_a1b2c3d4e5/prod"),
    ]
    assert log_sources(DeployedStage("dev", "$LATEST", "fizzbuzz-Function-Y2")) == [
        LogSource("function", "/aws/lambda/fizzbuzz-Function-Y2", "$LATEST")
    ]


def test_sources_merge_in_time_order_keeping_only_the_stages_version():
    function_events = [
        event(0, "START", "2025/03/01/[$LATEST]aaa"),
        event(5, "v3 line", "2025/03/01/[3]bbb"),  # another version: not this stage's
        event(20, "END", "2025/03/01/[$LATEST]aaa"),
        event(30, "from a container started yesterday", "2025/02/28/[$LATEST]ccc"),
    ]
    api_events = [event(-1, "(1) Starting", "x"), event(10, "(1) Sending", "x")]
    lines = merged([(FUNCTION, function_events), (API, api_events)])
    assert [(line.source.label, line.event.message) for line in lines] == [
        ("api", "(1) Starting"),
        ("function", "START"),
        ("api", "(1) Sending"),
        ("function", "END"),
        ("function", "from a container started yesterday"),
    ]


def test_a_numbered_version_is_not_confused_with_another():
    source = LogSource("function", "/aws/lambda/f", "1")
    events = [event(0, "one", "2025/03/01/[1]a"), event(1, "eleven", "2025/03/01/[11]b")]
    assert [line.event.message for line in merged([(source, events)])] == ["one"]


def test_same_time_events_keep_source_order_then_id_order():
    lines = merged(
        [(FUNCTION, [event(0, "b", n=2), event(0, "a", n=1)]), (API, [event(0, "api", "s")])]
    )
    assert [line.event.message for line in lines] == ["a", "b", "api"]


def test_following_prints_each_event_once():
    follower = Follower()
    first = merged([(FUNCTION, [event(0, "one"), event(1, "two")])])
    assert [line.event.message for line in follower.new(first)] == ["one", "two"]
    again = merged([(FUNCTION, [event(0, "one"), event(1, "two"), event(2, "three")])])
    assert [line.event.message for line in follower.new(again)] == ["three"]
    assert follower.new(again) == []


def test_the_same_event_id_in_two_groups_is_two_events():
    follower = Follower()
    lines = merged([(FUNCTION, [event(0, "f")]), (API, [event(0, "a", "s")])])
    assert len(follower.new(lines)) == 2


def test_following_forgets_what_the_next_window_cannot_hold():
    follower = Follower()
    follower.new(merged([(FUNCTION, [event(0, "old"), event(1_000, "recent")])]))
    follower.forget_before(T0 + 500)
    assert set(follower.seen) == {(FUNCTION.group, event(1_000, "recent").event_id)}
