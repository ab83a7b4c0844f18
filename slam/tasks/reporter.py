"""slam's commands run the steps through doit, embedded, printing through slam's reporter.

doit reads no configuration file of the project (``config_filenames=()``), keeps its
state in ``.slam/doit.sqlite3`` and runs in the project folder, so the task names,
paths and state are the ones a user's dodo.py sees.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr
from pathlib import Path
from typing import Any, TextIO

from doit.cmd_base import TaskLoader2
from doit.doit_cmd import DoitMain
from doit.loader import generate_tasks
from doit.reporter import ConsoleReporter

from ..config import Config
from ..errors import SlamError
from . import DOIT_CONFIG, slam_tasks
from .step import StepFailed, TaskDict

DEBUG_HINT = "re-run with --debug to see where it happened"


def failure_error(task: Any, fail: Any) -> SlamError:
    """A doit failure as the SlamError slam reports."""
    if isinstance(fail, StepFailed):
        return fail.error
    lines = "".join(fail.traceback).strip().splitlines()
    if lines:  # an exception: a bug, in slam or in a user's task
        return SlamError(f"unexpected error in step {task.name}: {lines[-1]}", DEBUG_HINT)
    return SlamError(f"step {task.name} failed: {fail.message}", DEBUG_HINT)


class ConciseReporter:
    """doit's reporter protocol, printing a line or two per step that ran, in slam's words.

    A step's ``meta["slam"]["progress"]`` is printed when it starts, and the
    ``summary`` value it returns when it ends. The first failure is kept in ``error``.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.executed: list[str] = []
        self.error: SlamError | None = None

    def _print(self, text: str | None) -> None:
        if text:
            print(text, file=self.out, flush=True)

    def execute_task(self, task: Any) -> None:
        self._print(((task.meta or {}).get("slam") or {}).get("progress"))

    def add_success(self, task: Any) -> None:
        self.executed.append(task.name)
        self._print(task.values.get("summary"))

    def add_failure(self, task: Any, fail: Any) -> None:
        self.error = self.error or failure_error(task, fail)

    def runtime_error(self, message: str) -> None:
        self.error = self.error or SlamError(message, DEBUG_HINT)

    def initialize(self, tasks: Any, selected_tasks: Any) -> None: ...

    def get_status(self, task: Any) -> None: ...

    def skip_uptodate(self, task: Any) -> None: ...

    def skip_ignore(self, task: Any) -> None: ...

    def cleanup_error(self, exception: Any) -> None: ...

    def teardown_task(self, task: Any) -> None: ...

    def complete_run(self) -> None: ...


class DebugReporter(ConsoleReporter):  # type: ignore[misc]  # doit is untyped
    """doit's own full output (``--debug``), keeping the first failure like ConciseReporter."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out, {"failure_verbosity": 2})
        self.executed: list[str] = []
        self.error: SlamError | None = None

    def add_success(self, task: Any) -> None:
        self.executed.append(task.name)
        super().add_success(task)

    def add_failure(self, task: Any, fail: Any) -> None:
        self.error = self.error or failure_error(task, fail)
        super().add_failure(task, fail)

    def runtime_error(self, message: str) -> None:
        self.error = self.error or SlamError(message, None)
        super().runtime_error(message)


class SlamLoader(TaskLoader2):  # type: ignore[misc]  # doit is untyped
    """Hands doit slam's tasks and settings, instead of a dodo.py's."""

    def __init__(self, tasks: Sequence[TaskDict], reporter: Any, verbosity: int) -> None:
        super().__init__()
        self.tasks = tasks
        self.reporter = reporter
        self.verbosity = verbosity

    def load_doit_config(self) -> dict[str, Any]:
        return {**DOIT_CONFIG, "reporter": self.reporter, "verbosity": self.verbosity}

    def load_tasks(self, cmd: Any, pos_args: Any) -> list[Any]:
        return list(generate_tasks("slam", (task for task in self.tasks)))


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def run_steps(config: Config, steps: Sequence[str], *, debug: bool, out: TextIO) -> list[str]:
    """Run ``steps`` (and what they depend on) for ``config``'s project.

    Returns the names of the steps that ran; raises SlamError when one failed.
    """
    reporter = DebugReporter(out) if debug else ConciseReporter(out)
    doit_errors = io.StringIO()  # doit prints its own errors (a damaged database...) there
    with working_directory(config.root), redirect_stderr(sys.stderr if debug else doit_errors):
        tasks = list(slam_tasks(config))
        loader = SlamLoader(tasks, reporter, verbosity=2 if debug else 0)
        code = DoitMain(loader, config_filenames=()).run(["run", *steps])
    if reporter.error is not None:
        raise reporter.error
    if code != 0:
        last_line = (doit_errors.getvalue().strip().splitlines() or [f"exit code {code}"])[-1]
        raise SlamError(
            f"doit could not run the build: {last_line}",
            f"{DEBUG_HINT}; if {DOIT_CONFIG['dep_file']} is damaged, delete it (slam rebuilds)",
        )
    return list(reporter.executed)
