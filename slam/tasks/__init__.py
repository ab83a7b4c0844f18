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

``doit list`` then shows slam's steps beside your own. A bare ``doit`` runs the tests
and builds the package if they pass, changing nothing in AWS; ``doit deploy`` does
what ``slam deploy`` does, after the tests. slam's tasks name files by their absolute
paths, so ``doit`` works from the project folder and, with ``doit -f path/to/dodo.py``,
from anywhere else. Add your own settings to what ``doit_config`` returns.

The steps that call AWS (``upload``, ``stack``, ``publish:<stage>``) are up to date
when AWS says so; their options (the stage, ``--force``...) are a
:class:`RemoteOptions` given to ``slam_tasks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..config import Config, load_config
from ..plugins import load_plugins
from . import deps, package, publish, stack, template, upload
from .lock import lock_until_exit
from .project import BuildLayout, Project
from .remote import Remote, RemoteOptions
from .step import TaskDict

__all__ = [
    "DEFAULT_TASK",
    "DEPLOY_CHAIN",
    "DEPLOY_STEP",
    "STEPS",
    "RemoteOptions",
    "doit_config",
    "project_tasks",
    "slam_tasks",
]

STEPS: tuple[Callable[[Project], Iterable[TaskDict]], ...] = (
    deps.tasks,
    package.tasks,
    template.tasks,
    upload.tasks,
    stack.tasks,
    publish.tasks,
)

# What `slam deploy` runs, and `doit deploy` in a dodo.py.
DEPLOY_STEP = "deploy"
# The steps of a deploy, from the build of what it ships to the stack: ``deploy_requires``
# tasks become dependencies of each, so they pass before anything is built or changed.
DEPLOY_CHAIN = ("package", "upload", "stack")
# What a bare `doit` runs: a build, which changes nothing in AWS.
DEFAULT_TASK = "package"


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
        "default_tasks": [DEFAULT_TASK],
    }


def slam_tasks(
    config: Config | Path | str,
    deploy_requires: Iterable[str] = (),
    options: RemoteOptions | None = None,
) -> Iterator[TaskDict]:
    """Yield slam's tasks for the project of ``config``: a loaded Config, or the path of
    its slam.yaml (read with the installed plugins).

    ``deploy_requires`` names your own tasks (tests, linters...) that must succeed
    before the package is built and before anything changes in AWS. doit does not order
    a task's ``task_dep`` siblings, so they are made dependencies of each such step.
    ``options`` are those of ``slam deploy`` and ``slam publish`` (default: a deploy to
    the devstage).
    """
    if not isinstance(config, Config):
        config = load_config(config, load_plugins())
    remote = Remote(config, options)
    yield from project_tasks(Project.from_config(config, remote), deploy_requires)


def project_tasks(project: Project, deploy_requires: Iterable[str] = ()) -> Iterator[TaskDict]:
    """Yield the tasks of every step for ``project`` (see :func:`slam_tasks`)."""
    required = list(deploy_requires)
    for step in STEPS:
        for task in step(project):
            if task["basename"] in DEPLOY_CHAIN and required:
                task = {**task, "task_dep": [*task.get("task_dep", ()), *required]}
            yield task
