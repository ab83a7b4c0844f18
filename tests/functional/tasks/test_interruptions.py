"""Ctrl-C at any moment of ``slam build``, then a rebuild: it succeeds, with the same zip.

Each case raises KeyboardInterrupt (what Ctrl-C raises) at one moment of a cold build:
at a boundary between steps, or in the middle of one of the build's writes.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from doit.action import PythonAction

from slam.build import archive, installed, pip
from slam.cli import main
from slam.tasks import package
from slam.tasks.reporter import ConciseReporter

from ..conftest import Project, local_requirements

pytestmark = pytest.mark.slow  # builds packages: pip, bytecode and doit, in subprocesses


@dataclass(frozen=True)
class Moment:
    """Where Ctrl-C comes: ``name`` of ``owner`` raises, before or after doing its work,
    when ``when`` says so of its arguments."""

    owner: Any
    name: str
    when: Callable[..., bool]
    after: bool = False


def task_named(name: str) -> Callable[..., bool]:
    return lambda reporter, task: task.name == name


def renaming(prefix: str = "", to: str = "") -> Callable[..., bool]:
    def matches(source: Any, target: Any, *rest: Any) -> bool:
        return Path(source).name.startswith(prefix) and Path(target).name.startswith(to)

    return matches


MOMENTS = {
    "before the deps step": Moment(ConciseReporter, "execute_task", task_named("deps")),
    # doit has swapped the output streams to capture the action's, and not yet started it
    "as the deps step starts": Moment(PythonAction, "_prepare_kwargs", lambda *args: True),
    "pip has installed into the staging folder": Moment(
        pip.Pip, "run", lambda *args: True, after=True
    ),
    "the staging folder has become deps/": Moment(os, "rename", renaming(to="deps"), after=True),
    "the dependencies' bytecode is written": Moment(
        installed, "compile_sources", lambda *args: True, after=True
    ),
    "inside the dependencies' zip": Moment(
        archive, "zip_info", lambda entry: entry.name == "slam_test_dep.py"
    ),
    "writing the deps manifest": Moment(os, "replace", renaming(to="deps.json")),
    "between the deps and package steps": Moment(
        ConciseReporter, "execute_task", task_named("package")
    ),
    "the package's bytecode is written": Moment(
        package, "compile_sources", lambda *args: True, after=True
    ),
    "inside the package's zip": Moment(archive, "zip_info", lambda entry: entry.name == "app.py"),
    "the zip has its name, not yet its manifest": Moment(
        os, "replace", renaming(prefix=".lambda_package.zip."), after=True
    ),
    "after the package step": Moment(ConciseReporter, "add_success", task_named("package")),
}


def interrupt_at(monkeypatch: pytest.MonkeyPatch, moment: Moment) -> None:
    original = getattr(moment.owner, moment.name)

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        if not moment.when(*args, **kwargs):
            return original(*args, **kwargs)
        if moment.after:
            original(*args, **kwargs)
        monkeypatch.undo()  # Ctrl-C comes once
        raise KeyboardInterrupt

    monkeypatch.setattr(moment.owner, moment.name, interrupted)


def write_project(project: Project, wheelhouse: Path) -> None:
    project.write("requirements.txt", local_requirements(wheelhouse, "slam_test_dep==1.0"))


@pytest.fixture(scope="module")
def reference_zip(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The zip an uninterrupted build of the same project writes."""
    from ..conftest import APP

    project = Project(tmp_path_factory.mktemp("reference"), capsys=None)  # type: ignore[arg-type]
    project.configure()
    project.write("app.py", APP)
    write_project(project, wheelhouse)
    assert main(["-c", str(project.root / "slam.yaml"), "build"]) == 0
    (path,) = project.packages()
    return path.read_bytes()


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())
def test_a_rebuild_after_ctrl_c_succeeds_with_the_same_zip(
    project: Project,
    wheelhouse: Path,
    reference_zip: bytes,
    monkeypatch: pytest.MonkeyPatch,
    moment: Moment,
):
    write_project(project, wheelhouse)
    interrupt_at(monkeypatch, moment)
    interrupted = project.build()
    assert (interrupted.code, interrupted.err) == (130, "slam: interrupted\n")

    rebuilt = project.build()
    assert (rebuilt.code, rebuilt.err) == (0, "")
    (path,) = project.packages()
    assert path.read_bytes() == reference_zip
    assert sorted(entry.name for entry in project.build_dir.iterdir()) == [
        "deps",
        "deps.json",
        "deps.zip",
        path.name,
        "package.json",
    ]
    state = project.root / ".slam"
    assert sorted(entry.name for entry in state.iterdir()) == [
        "build",
        "doit.sqlite3",
        "lock",
        "logs",
    ]


class ReaderGoneAfterOneLine(io.StringIO):
    """Standard output piped to ``head -1``: after one line, writing fails."""

    def write(self, text: str) -> int:
        if "\n" in self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)

    def fileno(self) -> int:
        raise io.UnsupportedOperation("not a file")


def test_a_reader_gone_mid_build_stops_it_quietly_and_a_rebuild_finishes(
    project: Project,
    wheelhouse: Path,
    reference_zip: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    write_project(project, wheelhouse)
    output = ReaderGoneAfterOneLine()
    monkeypatch.setattr(sys, "stdout", output)
    assert main(["-c", str(project.root / "slam.yaml"), "build"]) == 141
    assert output.getvalue() == "Building lambda package...\n"
    assert capsys.readouterr().err == ""
    monkeypatch.undo()

    rebuilt = project.build()
    assert (rebuilt.code, rebuilt.err) == (0, "")
    (path,) = project.packages()
    assert path.read_bytes() == reference_zip
