from __future__ import annotations

import io
from typing import Any

import pytest
from doit.exceptions import TaskError, TaskFailed

from slam.tasks.reporter import (
    DEBUG_HINT,
    ConciseReporter,
    DebugReporter,
    RunRecord,
    failure_error,
)
from slam.tasks.step import StepFailed


class FakeTask:
    def __init__(self, name: str, meta: Any = None, values: Any = None) -> None:
        self.name = name
        self.meta = meta
        self.values = values or {}


def test_a_step_failure_is_the_users_error():
    error = failure_error(FakeTask("deps"), StepFailed("no wheel", "pin it"))
    assert (error.message, error.hint) == ("no wheel", "pin it")


def test_an_exception_is_reported_in_one_line():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        fail = TaskError("PythonAction Error", exc)
    error = failure_error(FakeTask("package"), fail)
    assert error.message == "unexpected error in step package: ZeroDivisionError: division by zero"
    assert error.hint == "re-run with --debug to see where it happened"


def test_another_failure_names_the_step():
    error = failure_error(FakeTask("test"), TaskFailed("Command failed: exit 1"))
    assert error.message == "step test failed: Command failed: exit 1"


def test_the_concise_reporter_prints_progress_and_summaries_only():
    out = io.StringIO()
    record = RunRecord()
    reporter = ConciseReporter(out, record)
    deps = FakeTask("deps", {"slam": {"progress": "Installing..."}}, {"summary": "Installed."})
    package = FakeTask("package", {"slam": {"progress": None}}, {})
    user = FakeTask("test")
    reporter.initialize([deps, package, user], ["package"])
    for task in (deps, package, user):
        reporter.get_status(task)
        reporter.execute_task(task)
        reporter.add_success(task)
    reporter.skip_uptodate(user)
    reporter.skip_ignore(user)
    reporter.teardown_task(user)
    reporter.cleanup_error(None)
    reporter.complete_run()
    assert out.getvalue() == "Installing...\nInstalled.\n"
    assert record.executed == ["deps", "package", "test"]
    assert record.error is None


@pytest.mark.parametrize("make", [ConciseReporter, DebugReporter])
def test_the_first_failure_is_kept(make: Any):
    record = RunRecord()
    reporter = make(io.StringIO(), record)
    reporter.add_failure(FakeTask("deps"), StepFailed("first"))
    reporter.add_failure(FakeTask("package"), StepFailed("second"))
    reporter.runtime_error("third")
    assert record.error is not None
    assert record.error.message == "first"


@pytest.mark.parametrize(("make", "hint"), [(ConciseReporter, DEBUG_HINT), (DebugReporter, None)])
def test_a_runtime_error_alone_is_the_error(make: Any, hint: str | None):
    record = RunRecord()
    make(io.StringIO(), record).runtime_error("database is locked")
    assert record.error is not None
    assert (record.error.message, record.error.hint) == ("database is locked", hint)


def test_the_debug_reporter_records_what_ran_and_prints_doits_own_lines():
    out = io.StringIO()
    record = RunRecord()
    reporter = DebugReporter(out, record)
    task = FakeTask("package")
    task.actions = ["build the zip"]  # doit's own reporter names tasks that have actions
    task.title = lambda: task.name
    reporter.execute_task(task)
    reporter.add_success(task)
    assert record.executed == ["package"]
    assert out.getvalue() == ".  package\n"


STACK_META = {"slam": {"heading": "Deploying app:dev...", "uptodate": "app:dev is up to date."}}


def test_a_heading_goes_to_its_own_stream_whether_the_step_runs_or_not():
    out, headings = io.StringIO(), io.StringIO()
    reporter = ConciseReporter(out, RunRecord(), headings)
    reporter.execute_task(FakeTask("stack", STACK_META))
    reporter.skip_uptodate(FakeTask("stack", STACK_META))
    reporter.skip_uptodate(FakeTask("package", {"slam": {"progress": None}}))
    assert headings.getvalue() == "Deploying app:dev...\n" * 2
    assert out.getvalue() == "app:dev is up to date.\n"


def test_the_debug_reporter_prints_headings_too():
    out, headings = io.StringIO(), io.StringIO()
    reporter = DebugReporter(out, RunRecord(), headings)
    task = FakeTask("stack", STACK_META)
    task.actions = ["deploy"]
    task.title = lambda: task.name
    reporter.execute_task(task)
    reporter.skip_uptodate(task)
    assert headings.getvalue() == "Deploying app:dev...\n" * 2
    assert out.getvalue() == ".  stack\n-- stack\n"


def test_without_a_heading_stream_headings_are_not_printed():
    out = io.StringIO()
    ConciseReporter(out, RunRecord()).execute_task(FakeTask("stack", STACK_META))
    assert out.getvalue() == ""
