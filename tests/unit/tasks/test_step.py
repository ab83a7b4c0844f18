from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from slam.errors import SlamError
from slam.tasks.step import (
    StepFailed,
    manifest_target_exists,
    reports_failures,
    settings_changed,
)


class FakeTask:
    def __init__(self) -> None:
        self.value_savers: list[Any] = []

    def saved(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for saver in self.value_savers:
            values.update(saver())
        return values


def test_settings_changed_is_up_to_date_only_with_the_same_settings():
    task = FakeTask()
    check = settings_changed("deps", {"runtime": "python3.12", "tags": ("a", "b")})
    check.configure_task(task)
    assert check(task, {}) is False  # never ran
    values = task.saved()
    assert values == {"_slam_settings:deps": {"runtime": "python3.12", "tags": ["a", "b"]}}
    assert check(task, values) is True
    other = settings_changed("deps", {"runtime": "python3.13", "tags": ("a", "b")})
    assert other(task, values) is False


def test_two_settings_checks_on_one_task_keep_their_own_values():
    task = FakeTask()
    first, second = settings_changed("a", {"x": 1}), settings_changed("b", {"x": 2})
    first.configure_task(task)
    second.configure_task(task)
    values = task.saved()
    assert first(task, values) and second(task, values)
    assert repr(first) == "settings_changed('a', {'x': 1})"


def test_manifest_target_exists(tmp_path: Path):
    manifest = tmp_path / "package.json"
    check = manifest_target_exists(manifest)
    assert check() is False
    manifest.write_text("{not json")
    assert check() is False
    manifest.write_text('{"file": "lambda_package.abc.zip"}')
    assert check() is False
    (tmp_path / "lambda_package.abc.zip").write_bytes(b"")
    assert check() is True
    manifest.write_text("[]")
    assert check() is False
    assert repr(check) == f"manifest_target_exists({str(manifest)!r})"  # as doit info shows it


def test_expected_failures_become_step_failures_with_a_hint():
    @reports_failures
    def action(fail: bool) -> dict[str, Any]:
        if fail:
            raise SlamError("no wheel for flask", "pin another version")
        return {"summary": "done"}

    assert action(False) == {"summary": "done"}
    failed = action(True)
    assert isinstance(failed, StepFailed)
    assert failed.message == "no wheel for flask\nhint: pin another version"
    assert (failed.error.message, failed.error.hint) == (
        "no wheel for flask",
        "pin another version",
    )


def test_step_failures_survive_pickling_for_parallel_runs():
    failed = pickle.loads(pickle.dumps(StepFailed("broken", None)))
    assert isinstance(failed, StepFailed)
    assert (failed.message, failed.error.message, failed.error.hint) == ("broken", "broken", None)
