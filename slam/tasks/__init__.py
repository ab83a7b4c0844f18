"""slam's build and deploy steps as doit tasks, for slam itself and for your dodo.py.

Every step is a module here whose ``tasks(project)`` yields doit task dicts; the graph
is :data:`STEPS`, in order. Adding a step is one module and one line below. The doit
glue sits beside them: :mod:`.loader` runs the steps for slam's commands and
:mod:`.reporter` prints what they did; the machinery they call is in ``slam.build``.

Use them in a ``dodo.py`` beside slam.yaml, sharing slam's state (``.slam/``), so that
``doit`` and ``slam build`` see the same up-to-date steps::

    from pathlib import Path

    from slam.tasks import doit_config, slam_tasks

    PROJECT = Path(__file__).resolve().parent
    DOIT_CONFIG = doit_config(PROJECT)

    def task_test():
        return {"actions": ["pytest -q"], "file_dep": ["app.py", "test_app.py"]}

    def task_slam():
        yield from slam_tasks(PROJECT / "slam.yaml", deploy_requires=["test"])

``doit list`` then shows slam's steps beside your own, and a failing ``test`` stops the
deploy step before it starts. slam's tasks name files by their absolute paths, so
``doit`` works from the project folder and, with ``doit -f path/to/dodo.py``, from
anywhere else. Add your own settings to what ``doit_config`` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..config import Config, load_config
from ..plugins import load_plugins
from . import deps, package, template
from .lock import lock_until_exit
from .project import BuildLayout, Project
from .step import TaskDict

__all__ = ["DEPLOY_STEP", "STEPS", "doit_config", "slam_tasks"]

STEPS: tuple[Callable[[Project], Iterable[TaskDict]], ...] = (
    deps.tasks,
    package.tasks,
    template.tasks,
)

# The step that ships the code: ``deploy_requires`` tasks become its dependencies.
# Until slam deploys, that is the package; the deploy steps will take it over.
DEPLOY_STEP = "package"


def doit_config(root: Path | str) -> dict[str, Any]:
    """doit's settings for slam's tasks of the project in ``root`` (slam.yaml's folder).

    slam and a user's dodo.py share them, and so the state in ``<root>/.slam/``,
    which this creates: doit opens its database before it loads any task, and never
    creates a folder. It also takes the project's lock for the rest of the process
    (waiting while a slam command or another doit run holds it), so that two runs
    never write ``.slam/`` at once. The default task is never destructive: deleting
    is a command.
    """
    layout = BuildLayout(Path(root).absolute())
    layout.state.mkdir(exist_ok=True)
    lock_until_exit(layout.root)
    return {
        "dep_file": str(layout.database),
        "backend": "sqlite3",  # portable across Python builds, safe under concurrent runs
        "default_tasks": [DEPLOY_STEP],
    }


def slam_tasks(
    config: Config | Path | str, deploy_requires: Iterable[str] = ()
) -> Iterator[TaskDict]:
    """Yield slam's tasks for the project of ``config``: a loaded Config, or the path of
    its slam.yaml (read with the installed plugins).

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
