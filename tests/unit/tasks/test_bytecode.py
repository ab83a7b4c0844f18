from __future__ import annotations

import importlib.util
import marshal
import sys
from pathlib import Path

import pytest

from slam.tasks.bytecode import Interpreter, compile_sources, interpreter_for

TAG = sys.implementation.cache_tag


def test_checked_hash_pycs_that_are_the_same_every_time(tmp_path: Path):
    source = tmp_path / "src" / "mod.py"
    source.parent.mkdir()
    source.write_text("import os\n\ndef f():\n    return os.sep\n")
    written = compile_sources({"pkg/mod.py": source}, tmp_path / "one")
    assert written == [f"pkg/__pycache__/mod.{TAG}.pyc"]
    compile_sources({"pkg/mod.py": source}, tmp_path / "two")
    data = (tmp_path / "one" / written[0]).read_bytes()
    assert data == (tmp_path / "two" / written[0]).read_bytes()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == 0b11  # hash-based, checked
    assert data[8:16] == importlib.util.source_hash(source.read_bytes())
    code = marshal.loads(data[16:])
    assert code.co_filename == "/var/task/pkg/mod.py"  # where Lambda unpacks the zip


def test_unchecked_pycs_on_request(tmp_path: Path):
    source = tmp_path / "m.py"
    source.write_text("x = 1\n")
    (name,) = compile_sources({"m.py": source}, tmp_path / "out", checked=False)
    assert int.from_bytes((tmp_path / "out" / name).read_bytes()[4:8], "little") == 0b01


def test_files_that_do_not_compile_get_no_pyc(tmp_path: Path):
    (tmp_path / "py2.py").write_text("print 'hello'\n")
    (tmp_path / "warns.py").write_text("x = '\\d'\n")  # a SyntaxWarning is not an error
    sources = {"py2.py": tmp_path / "py2.py", "warns.py": tmp_path / "warns.py"}
    assert compile_sources(sources, tmp_path / "out") == [f"__pycache__/warns.{TAG}.pyc"]


def test_nothing_to_compile(tmp_path: Path):
    assert compile_sources({}, tmp_path) == []


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
    assert (found.python, found.missing) == (None, "no python3.99 on PATH")
    assert found.note == (
        "Note: no bytecode in the package: no python3.99 on PATH. Each cold start compiles"
        " the code; put a Python 3.99 on PATH as python3.99 to ship it."
    )


def test_a_python_on_path_that_is_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python3.99").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    found = interpreter_for("3.99")
    assert found.python is None
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
    assert found.python is None
    assert found.missing.startswith(f"python3.99 on PATH ({program}) {words}")


def test_bytecode_is_written_by_the_interpreter_named(tmp_path: Path):
    source = tmp_path / "m.py"
    source.write_text("VALUE = 1\n")
    log = tmp_path / "ran"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$@" > {log}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    written = compile_sources({"m.py": source}, tmp_path / "out", str(python))
    assert written == [f"__pycache__/m.{TAG}.pyc"]
    assert log.read_text().split()[-1].endswith("bytecode_worker.py")
