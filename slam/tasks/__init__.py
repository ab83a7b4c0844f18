"""slam's build and deploy steps as doit tasks, for slam itself and for your dodo.py.

Every step is a module here whose ``tasks(project)`` yields doit task dicts; the graph
is :data:`STEPS`, in order. Adding a step is one import and one line below.

Use them in a ``dodo.py`` beside slam.yaml, sharing slam's state (``.slam/``), so that
``doit`` and ``slam build`` see the same up-to-date steps::

    from slam.tasks import DOIT_CONFIG, slam_tasks

    def task_test():
        return {"actions": ["pytest -q"], "file_dep": ["app.py", "test_app.py"]}

    def task_slam():
        yield from slam_tasks(deploy_requires=["test"])

``doit list`` then shows slam's steps beside your own, and a failing ``test`` stops the
deploy step before it starts. Copy DOIT_CONFIG to change it: ``{**DOIT_CONFIG, ...}``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..build import STATE_DIR
from ..config import DEFAULT_CONFIG_FILE, Config, load_config
from ..plugins import load_plugins
from . import deps, package, template
from .project import Project
from .step import TaskDict

__all__ = ["DEPLOY_STEP", "DOIT_CONFIG", "STEPS", "slam_tasks"]

STEPS: tuple[Callable[[Project], Iterable[TaskDict]], ...] = (
    deps.tasks,
    package.tasks,
    template.tasks,
)

# The step that ships the code: ``deploy_requires`` tasks become its dependencies.
# Until slam deploys, that is the package; the deploy steps will take it over.
DEPLOY_STEP = "package"


class StateFile(os.PathLike[str]):
    """doit's database path, ``.slam/doit.sqlite3``, whose folder exists once doit opens it.

    doit opens its database before it loads any task, and never creates a folder, so a
    fresh clone's first ``doit`` would fail; sqlite3 asks for the path through
    ``__fspath__``, which creates ``.slam/`` (in the current folder, where doit runs).
    """

    path = Path(STATE_DIR, "doit.sqlite3")

    def __fspath__(self) -> str:
        self.path.parent.mkdir(exist_ok=True)
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"StateFile({str(self.path)!r})"


# doit's settings for slam's tasks: slam and a user's dodo.py share them, and the state.
DOIT_CONFIG = {
    "dep_file": StateFile(),
    "backend": "sqlite3",  # portable across Python builds, safe under concurrent runs
    "default_tasks": [DEPLOY_STEP],  # never anything destructive: deleting is a CLI command
}


def slam_tasks(
    config: Config | Path | str = DEFAULT_CONFIG_FILE, deploy_requires: Iterable[str] = ()
) -> Iterator[TaskDict]:
    """Yield slam's tasks for the project of ``config`` (a loaded Config, or its path).

    ``deploy_requires`` names your own tasks (tests, linters...) that must succeed
    before the deploy step runs. doit does not order a task's ``task_dep`` siblings,
    so they are made dependencies of that step itself.
    """
    if not isinstance(config, Config):
        config = load_config(config, load_plugins())
    project = Project.from_config(config)
    required = list(deploy_requires)
    for step in STEPS:
        for task in step(project):
            if task["basename"] == DEPLOY_STEP and required:
                task = {**task, "task_dep": [*task.get("task_dep", ()), *required]}
            yield task
