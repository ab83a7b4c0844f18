"""slam's commands run the steps through doit, embedded, printing through slam's reporter.

doit reads no configuration file of the project (``config_filenames=()``) and gets
the settings a user's dodo.py gets from :func:`slam.tasks.doit_config`: the same
state in ``.slam/doit.sqlite3``, and tasks naming every file by its absolute path.
Nothing here changes the process's working folder or its output streams.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from doit.cmd_base import TaskLoader2, get_loader
from doit.doit_cmd import DoitMain
from doit.loader import generate_tasks

from ..config import Config
from ..errors import SlamError
from . import doit_config, project_tasks
from .lock import project_locked
from .project import BuildLayout, Project
from .remote import Remote
from .reporter import DEBUG_HINT, ConciseReporter, DebugReporter, RunRecord


class SlamLoader(TaskLoader2):  # type: ignore[misc]  # doit is untyped
    """Hands doit slam's tasks and settings for ``config``'s project, instead of a dodo.py's."""

    def __init__(
        self, config: Config, reporter: Any, verbosity: int, remote: Remote | None = None
    ) -> None:
        super().__init__()
        self.project_config = config
        self.reporter = reporter
        self.verbosity = verbosity
        self.remote = remote

    def load_doit_config(self) -> dict[str, Any]:
        settings = doit_config(self.project_config.root)
        return {**settings, "reporter": self.reporter, "verbosity": self.verbosity}

    def load_tasks(self, cmd: Any, pos_args: Any) -> list[Any]:
        project = Project.from_config(self.project_config, self.remote)
        return list(generate_tasks("slam", project_tasks(project)))


def run_steps(
    config: Config,
    steps: Sequence[str],
    *,
    debug: bool,
    out: TextIO,
    remote: Remote | None = None,
    headings: TextIO | None = None,
) -> list[str]:
    """Run ``steps`` (and what they depend on) for ``config``'s project, holding its lock,
    the remote ones
    through ``remote`` (its options, its AWS client). Progress goes to ``out``, the steps'
    headings to ``headings``.

    Returns the names of the steps that ran; raises SlamError when one failed.
    """
    record = RunRecord(debug=debug)
    kind = DebugReporter if debug else ConciseReporter
    reporter = kind(out, record, headings)
    loader = SlamLoader(config, reporter, verbosity=2 if debug else 0, remote=remote)
    streams = sys.stdout, sys.stderr
    with project_locked(config.root):
        try:
            code = _run_doit(loader, steps)
        except BrokenPipeError:  # the reporter's reader went away: not doit's failure
            raise
        except Exception as error:  # doit's own: a damaged database, an unknown step
            raise _doit_error(config, str(error), debug) from error
        finally:
            # doit captures an action's output by swapping these, and a Ctrl-C just
            # before the action starts leaves them swapped: slam's last words would vanish
            sys.stdout, sys.stderr = streams
    if record.error is not None:
        raise record.error
    if code != 0:
        raise _doit_error(config, f"exit code {code}", debug)
    return list(record.executed)


def _run_doit(loader: SlamLoader, steps: Sequence[str]) -> int:
    """doit's ``run`` command, as ``DoitMain.run`` starts it, without the handler that
    prints doit's own errors to stderr: they are raised, for slam to report."""
    main = DoitMain(loader, config_filenames=())
    commands = main.get_cmds()
    run = commands.get_plugin("run")(
        task_loader=get_loader(main.config, loader, commands),
        config=main.config,
        bin_name="slam",
        cmds=commands,
        opt_vals={},
    )
    return int(run.parse_execute(list(steps)))


def _doit_error(config: Config, detail: str, debug: bool) -> SlamError:
    layout = BuildLayout(config.root)
    last_line = (detail.strip().splitlines() or ["no message"])[-1]
    database = layout.database.relative_to(layout.root).as_posix()
    fix = f"if {database} is damaged, delete it (slam rebuilds)"
    return SlamError(
        f"doit could not run the build: {last_line}", fix if debug else f"{DEBUG_HINT}; {fix}"
    )
