"""What every build step shares: its task type, its up-to-date checks and how it fails.

A step's action returns a dict of JSON values (doit saves them; the reporter shows
``summary``) or, for a failure the user can fix, a :class:`StepFailed`. Anything
else it raises is a bug in slam and reaches the user as one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ParamSpec

from doit.exceptions import TaskFailed

from ..errors import SlamError

TaskDict = dict[str, Any]
P = ParamSpec("P")


class StepFailed(TaskFailed):  # type: ignore[misc]  # doit is untyped
    """A step failed in a way the user can fix: one message and a hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message if hint is None else f"{message}\nhint: {hint}")
        self.error = SlamError(message, hint)

    def __reduce__(self) -> tuple[type[StepFailed], tuple[str, str | None]]:
        # doit's parallel runner pickles failures; keep the hint across processes
        return (StepFailed, (self.error.message, self.error.hint))


def reports_failures(
    action: Callable[P, dict[str, Any]],
) -> Callable[P, dict[str, Any] | StepFailed]:
    """Turn the SlamErrors an action raises into StepFailed results."""

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> dict[str, Any] | StepFailed:
        try:
            return action(*args, **kwargs)
        except SlamError as error:
            return StepFailed(error.message, error.hint)

    return run


class settings_changed:  # lower case, like the doit config_changed it replaces
    """Up to date while ``settings`` equal those of the last successful run.

    Unlike doit's ``config_changed``, each name has its own key, so a task may hold
    several, and the saved value is the settings themselves (``doit info`` shows them).
    """

    def __init__(self, name: str, settings: Mapping[str, Any]) -> None:
        self.key = f"_slam_settings:{name}"
        # compare what JSON gives back: tuples come back as lists
        self.settings = json.loads(json.dumps(settings, sort_keys=True))

    def configure_task(self, task: Any) -> None:
        task.value_savers.append(lambda: {self.key: self.settings})

    def __call__(self, task: Any, values: Mapping[str, Any]) -> bool:
        return bool(values.get(self.key) == self.settings)

    def __repr__(self) -> str:
        return f"settings_changed({self.key.partition(':')[2]!r}, {self.settings!r})"


class manifest_target_exists:  # lower case, like doit uptodate checks
    """Up to date while the file a manifest names (``{"file": name}``) exists beside it.

    doit knows a step's targets only by name ahead of time; a content-addressed file
    has its name recorded in a manifest instead. Never raises: doit would abort the run.
    """

    def __init__(self, manifest: Path) -> None:
        self.manifest = manifest

    def __call__(self) -> bool:
        try:
            name = json.loads(self.manifest.read_text())["file"]
            return bool((self.manifest.parent / str(name)).is_file())
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def __repr__(self) -> str:
        return f"manifest_target_exists({str(self.manifest)!r})"
