"""Finding a Python of the Lambda runtime's version, on PATH or running slam."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from slam.build.interpreters import Interpreter, interpreter_for

OWN_VERSION = f"{sys.version_info[0]}.{sys.version_info[1]}"


def on_path(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str, script: str) -> Path:
    """Make ``folder`` the whole PATH, holding an executable ``name`` running ``script``."""
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(script)
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    return program


def test_the_running_python_writes_its_own_versions_bytecode(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "")
    assert interpreter_for(OWN_VERSION) == Interpreter(OWN_VERSION, sys.executable)
    assert interpreter_for(OWN_VERSION).note == ""


def test_another_version_is_the_python_of_that_name_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # stands in for a real Python 3.99: it answers the version question as one would
    program = on_path(monkeypatch, tmp_path / "bin", "python3.99", "#!/bin/sh\necho 3.99\n")
    assert interpreter_for("3.99") == Interpreter("3.99", str(program))


def test_no_python_of_that_version_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    found = interpreter_for("3.99")
    assert (found.path, found.missing) == (None, "no python3.99 on PATH")
    assert found.note == (
        "Note: no python3.99 on PATH, so pip chose the requirements' conditional dependencies"
        f" (python_version markers) for Python {OWN_VERSION}, and the package has no bytecode:"
        " each cold start compiles the code.\n"
        "Put a Python 3.99 on PATH as python3.99 to build for Python 3.99 exactly."
    )


def test_a_python_on_path_that_is_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python3.99").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    found = interpreter_for("3.99")
    assert found.path is None
    assert (
        found.missing == f"python3.99 on PATH ({tmp_path}/bin/python3.99) is Python {OWN_VERSION}"
    )


@pytest.mark.parametrize(
    ("script", "words"),
    [
        # a pyenv shim for a version the current pyenv setting does not offer
        ("#!/bin/sh\necho 'pyenv: python3.99: command not found' >&2\nexit 127\n", "does not run"),
        ("#!/nonexistent/interpreter\n", "does not run: [Errno 2]"),
    ],
)
def test_a_python_on_path_that_does_not_run_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, words: str
):
    program = on_path(monkeypatch, tmp_path / "bin", "python3.99", script)
    found = interpreter_for("3.99")
    assert found.path is None
    assert found.missing.startswith(f"python3.99 on PATH ({program}) {words}")
