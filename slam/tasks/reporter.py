"""How a run of slam's steps reaches the user: doit's reporter protocol, in slam's words.

doit's runner never prints; a reporter does. :class:`ConciseReporter` prints a line or
two per step that ran; :class:`DebugReporter` (``--debug``) is doit's own full output.
Both keep a :class:`RunRecord`: the steps that ran, and the first failure, as the
SlamError the command raises. A step's ``heading`` (``Deploying app:dev...``) goes to
the ``headings`` stream, run or up to date, and its ``uptodate`` line to ``out`` when
it has nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

from doit.reporter import ConsoleReporter

from ..errors import SlamError
from .step import StepFailed

DEBUG_HINT = "re-run with --debug to see where it happened"


def slam_meta(task: Any, key: str) -> str | None:
    """A step's ``meta["slam"][key]``: what the reporter prints about it."""
    value = ((task.meta or {}).get("slam") or {}).get(key)
    return str(value) if value else None


def print_line(text: str | None, stream: TextIO | None) -> None:
    if text and stream is not None:
        print(text, file=stream, flush=True)


def failure_error(task: Any, fail: Any, debug: bool = False) -> SlamError:
    """A doit failure as the SlamError slam reports; with ``debug``, doit has shown
    where it happened already."""
    hint = None if debug else DEBUG_HINT
    if isinstance(fail, StepFailed):
        return fail.error
    lines = "".join(fail.traceback).strip().splitlines()
    if lines:  # an exception: a bug, in slam or in a user's task
        return SlamError(f"unexpected error in step {task.name}: {lines[-1]}", hint)
    return SlamError(f"step {task.name} failed: {fail.message}", hint)


@dataclass
class RunRecord:
    """What a run of the steps did: the steps that ran, in order, and its first failure."""

    executed: list[str] = field(default_factory=list)
    error: SlamError | None = None
    debug: bool = False  # doit shows failures in full: no hint to re-run with --debug

    def add_success(self, task: Any) -> None:
        self.executed.append(task.name)

    def add_failure(self, task: Any, fail: Any) -> None:
        self.error = self.error or failure_error(task, fail, self.debug)

    def runtime_error(self, message: str, hint: str | None) -> None:
        self.error = self.error or SlamError(message, hint)


class ConciseReporter:
    """Prints a step's ``meta["slam"]["progress"]`` when it starts, and the ``summary``
    value it returns when it ends; its heading and up-to-date line; nothing else."""

    def __init__(self, out: TextIO, record: RunRecord, headings: TextIO | None = None) -> None:
        self.out = out
        self.record = record
        self.headings = headings

    def _print(self, text: str | None) -> None:
        print_line(text, self.out)

    def execute_task(self, task: Any) -> None:
        print_line(slam_meta(task, "heading"), self.headings)
        self._print(slam_meta(task, "progress"))

    def add_success(self, task: Any) -> None:
        self.record.add_success(task)
        self._print(task.values.get("summary"))

    def add_failure(self, task: Any, fail: Any) -> None:
        self.record.add_failure(task, fail)

    def runtime_error(self, message: str) -> None:
        self.record.runtime_error(message, DEBUG_HINT)

    def initialize(self, tasks: Any, selected_tasks: Any) -> None: ...

    def get_status(self, task: Any) -> None: ...

    def skip_uptodate(self, task: Any) -> None:
        print_line(slam_meta(task, "heading"), self.headings)
        self._print(slam_meta(task, "uptodate"))

    def skip_ignore(self, task: Any) -> None: ...

    def cleanup_error(self, exception: Any) -> None: ...

    def teardown_task(self, task: Any) -> None: ...

    def complete_run(self) -> None: ...


class DebugReporter(ConsoleReporter):  # type: ignore[misc]  # doit is untyped
    """doit's own full output (``--debug``), and the ``summary`` a step returns, keeping
    a RunRecord as ConciseReporter does."""

    def __init__(self, out: TextIO, record: RunRecord, headings: TextIO | None = None) -> None:
        super().__init__(out, {"failure_verbosity": 2})
        self.record = record
        self.headings = headings

    def execute_task(self, task: Any) -> None:
        print_line(slam_meta(task, "heading"), self.headings)
        super().execute_task(task)

    def skip_uptodate(self, task: Any) -> None:
        print_line(slam_meta(task, "heading"), self.headings)
        super().skip_uptodate(task)

    def add_success(self, task: Any) -> None:
        self.record.add_success(task)
        super().add_success(task)
        summary = task.values.get("summary")
        if summary:
            print(summary, file=self.outstream, flush=True)

    def add_failure(self, task: Any, fail: Any) -> None:
        self.record.add_failure(task, fail)
        super().add_failure(task, fail)

    def runtime_error(self, message: str) -> None:
        self.record.runtime_error(message, None)
        super().runtime_error(message)
