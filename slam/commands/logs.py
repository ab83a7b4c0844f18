"""``slam logs``: a stage's function logs and API Gateway execution logs, merged in time
order, each line led by its UTC timestamp and its source; ``--tail`` follows them.

Lambda names a log stream by the version that wrote it (``2025/03/01/[$LATEST]a1b2...``,
``.../[3]...``), not by the alias a request came through, so the function's lines are
those of the stage's version: stages on the same version share them. API Gateway writes
one log group per stage, ``API-Gateway-Execution-Logs_<api-id>/<stage>``, when the
stage logs (``wsgi.log_stages``; other stages log only errors).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import errno
import re
import select
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import EXIT_OK
from . import Command, Invocation

if TYPE_CHECKING:
    from ..aws import AwsClient
    from ..plugins import Plugin
    from ..remote import LogEvent
    from ..stack.deployed import DeployedStage

DESCRIPTION = (
    "Dump logs to the console: the function's logs for the version the stage runs, and the "
    "stage's API Gateway execution logs, merged in time order. Lambda names its log streams "
    "by version, not by stage, so stages on the same version (such as two stages on "
    "$LATEST) share their function logs."
)
PERIOD_RE = re.compile(r"([1-9][0-9]*)([smhdw])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DEFAULT_PERIOD = "1m"
# --tail asks again every POLL_SECONDS for the last LOOKBACK_MS: CloudWatch may show an
# event some seconds after its timestamp, and the lines already printed are skipped.
POLL_SECONDS = 2.0
LOOKBACK_MS = 30_000
SOURCE_WIDTH = len("function")


def period_seconds(text: str) -> int:
    """argparse type for ``--period``: ``Ns``, ``Nm``, ``Nh``, ``Nd`` or ``Nw`` in seconds."""
    match = PERIOD_RE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a period: write a whole number and a unit, s, m, h, d or w "
            "(e.g. 30s, 5m, 2h, 1d, 1w)"
        )
    return int(match[1]) * UNIT_SECONDS[match[2]]


@dataclass(frozen=True)
class LogSource:
    """A log group to read, and how its lines are labelled. With ``version``, only the
    streams that this function version wrote count."""

    label: str
    group: str
    version: str | None = None

    def wrote(self, event: LogEvent) -> bool:
        return self.version is None or f"/[{self.version}]" in event.stream


def log_sources(stage: DeployedStage) -> list[LogSource]:
    """The function's log group, for the stage's version, then its API's, if it has one."""
    from ..stack.deployed import api_log_groups_prefix, function_log_group

    sources = [LogSource("function", function_log_group(stage.function_name), stage.version)]
    if stage.api_id:
        sources.append(LogSource("api", api_log_groups_prefix(stage.api_id) + stage.name))
    return sources


@dataclass(frozen=True)
class LogLine:
    """An event and the source it came from."""

    source: LogSource
    event: LogEvent


def merged(batches: Iterable[tuple[LogSource, Sequence[LogEvent]]]) -> list[LogLine]:
    """Every source's events in one time order (ties: source order, then event ID), each
    source's own filter applied."""
    found = [
        (event.timestamp, index, event.event_id, LogLine(source, event))
        for index, (source, events) in enumerate(batches)
        for event in events
        if source.wrote(event)
    ]
    return [line for *_, line in sorted(found, key=lambda item: item[:3])]


def timestamp_text(milliseconds: int) -> str:
    """``2025-03-01T12:34:56.789Z``: UTC, to the millisecond, as CloudWatch keeps it."""
    moment = datetime.datetime.fromtimestamp(milliseconds / 1000, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def printed_lines(line: LogLine) -> list[str]:
    """The lines printed for an event: each of its message's lines, led by the event's
    timestamp and source, so that every line can be read (or grepped) alone."""
    head = f"{timestamp_text(line.event.timestamp)} {line.source.label:<{SOURCE_WIDTH}}"
    texts = line.event.message.rstrip("\r\n").splitlines() or [""]
    return [f"{head} {text}".rstrip() for text in texts]


@dataclass
class Follower:
    """What ``--tail`` has printed: the events seen (by group and ID) and when, so that
    reading the same window again prints each event once."""

    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def new(self, lines: Iterable[LogLine]) -> list[LogLine]:
        """The lines not seen before, now marked seen."""
        fresh = []
        for line in lines:
            key = (line.source.group, line.event.event_id)
            if key not in self.seen:
                self.seen[key] = line.event.timestamp
                fresh.append(line)
        return fresh

    def forget_before(self, milliseconds: int) -> None:
        """Forget events older than the window read next: they cannot come back."""
        self.seen = {key: when for key, when in self.seen.items() if when >= milliseconds}


def read_lines(aws: AwsClient, sources: Sequence[LogSource], start: int) -> list[LogLine]:
    """The events of every source from ``start`` (ms since the epoch), merged."""
    return merged((source, aws.logs.log_events(source.group, start)) for source in sources)


def write_lines(lines: Iterable[LogLine], out: TextIO) -> None:
    for line in lines:
        for text in printed_lines(line):
            print(text, file=out)
    out.flush()


def now_ms() -> int:
    return int(time.time() * 1000)


def wait_while_read(out: TextIO, seconds: float) -> None:
    """Wait ``seconds``, or raise BrokenPipeError as soon as nothing reads ``out`` any more
    (``slam logs --tail | head -1``, once head exits), as ``tail -f`` stops then: between
    new lines nothing is written, so no write would say so."""
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError, ValueError):  # not a file: nothing to watch
        descriptor = -1
    if descriptor < 0 or not hasattr(select, "poll"):
        time.sleep(seconds)
        return
    watch = select.poll()
    watch.register(descriptor, 0)  # no events asked: only errors and hang-ups report
    if watch.poll(seconds * 1000):  # a pipe whose reader is gone reports POLLERR
        raise BrokenPipeError(errno.EPIPE, "the output was closed")


def follow(aws: AwsClient, sources: Sequence[LogSource], start: int, out: TextIO) -> None:
    """Print the events from ``start``, then new ones as they come, until interrupted or
    until nothing reads the output (BrokenPipeError)."""
    follower = Follower()
    while True:
        asked_at = now_ms()
        write_lines(follower.new(read_lines(aws, sources, start)), out)
        wait_while_read(out, POLL_SECONDS)
        start = max(start, asked_at - LOOKBACK_MS)
        follower.forget_before(start)


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.description = DESCRIPTION
    parser.add_argument(
        "--stage",
        help="Stage to show logs for. Defaults to the stage designated as the development "
        "stage. Stages on the same Lambda version share their function logs.",
    )
    parser.add_argument(
        "--period",
        "-p",
        type=period_seconds,
        default=DEFAULT_PERIOD,
        help="How far back to start, in weeks (1w), days (2d), hours (3h), minutes (4m) "
        "or seconds (5s). Default is 1m.",
    )
    parser.add_argument(
        "--tail", "-t", action="store_true", help="Tail the log stream (Ctrl-C stops)."
    )


def run(invocation: Invocation) -> int:
    from ..aws import AwsClient
    from ..stack.deployed import chosen_stage, deployed_stage

    options = invocation.options
    config = invocation.load_config()
    names = chosen_stage(config, options.stage)
    aws = AwsClient(invocation.aws)
    stack = aws.stacks.describe_stack(config.name)
    stage = deployed_stage(config, stack, names, aws.region)
    sources = log_sources(stage)
    start = now_ms() - options.period * 1000
    out = sys.stdout  # looked up now: tests and callers may have replaced it
    if not options.tail:
        write_lines(read_lines(aws, sources, start), out)
        return EXIT_OK
    # Ctrl-C is how a tail ends, as for a development server: not an interruption
    with contextlib.suppress(KeyboardInterrupt):
        follow(aws, sources, start, out)
    return EXIT_OK


COMMAND = Command("Dump logs to the console.", run, add_arguments)
