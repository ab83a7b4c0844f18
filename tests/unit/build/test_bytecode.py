from __future__ import annotations

import importlib.util
import marshal
import sys
from pathlib import Path

import pytest

from slam.build.bytecode import Compiled, compile_sources
from slam.errors import SlamError

TAG = sys.implementation.cache_tag


def test_checked_hash_pycs_that_are_the_same_every_time(tmp_path: Path):
    source = tmp_path / "src" / "mod.py"
    source.parent.mkdir()
    source.write_text("import os\n\ndef f():\n    return os.sep\n")
    written = compile_sources({"pkg/mod.py": source}, tmp_path / "one").written
    assert written == (f"pkg/__pycache__/mod.{TAG}.pyc",)
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
    (name,) = compile_sources({"m.py": source}, tmp_path / "out", checked=False).written
    assert int.from_bytes((tmp_path / "out" / name).read_bytes()[4:8], "little") == 0b01


def test_files_that_do_not_compile_get_no_pyc_and_are_named_with_why(tmp_path: Path):
    (tmp_path / "py2.py").write_text("print 'hello'\n")
    (tmp_path / "warns.py").write_text("x = '\\d'\n")  # a SyntaxWarning is not an error
    sources = {"py2.py": tmp_path / "py2.py", "warns.py": tmp_path / "warns.py"}
    compiled = compile_sources(sources, tmp_path / "out")
    assert compiled.written == (f"__pycache__/warns.{TAG}.pyc",)
    ((name, why),) = compiled.not_compiled
    assert (name, why.split(":")[0]) == ("py2.py", "line 1")
    assert "print" in why  # "Missing parentheses in call to 'print'..."


def test_nothing_to_compile(tmp_path: Path):
    assert compile_sources({}, tmp_path) == Compiled(())


def test_bytecode_is_written_by_the_interpreter_named(tmp_path: Path):
    source = tmp_path / "m.py"
    source.write_text("VALUE = 1\n")
    log = tmp_path / "ran"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$@" > {log}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    written = compile_sources({"m.py": source}, tmp_path / "out", str(python)).written
    assert written == (f"__pycache__/m.{TAG}.pyc",)
    assert log.read_text().split()[-1].endswith("bytecode_worker.py")


def test_a_worker_that_fails_is_one_error_naming_the_file_and_writes_its_output_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    source = tmp_path / "m.py"
    source.write_text("VALUE = 1\n")
    (tmp_path / "out").write_text("a file where the output folder should be")
    with pytest.raises(SlamError) as caught:
        compile_sources({"m.py": source}, tmp_path / "out")
    assert caught.value.message.startswith(
        f"byte-compiling the package with {sys.executable} failed: m.py: NotADirectoryError: "
    )
    assert len(caught.value.message.splitlines()) == 1
    assert caught.value.hint == (
        "fix the file it names, or leave it out with package.exclude in slam.yaml; "
        "--debug shows the compiler's output"
    )
    err = capsys.readouterr().err  # the build's steps show it with --debug only
    assert err.startswith("Traceback (most recent call last):")
    assert "CompileFailed: m.py: NotADirectoryError" in err


def test_a_worker_that_crashes_is_named_by_its_last_line(tmp_path: Path):
    source = tmp_path / "m.py"
    source.write_text("VALUE = 1\n")
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\necho 'Fatal Python error: init failed' >&2\nexit 3\n")
    python.chmod(0o755)
    with pytest.raises(SlamError) as caught:
        compile_sources({"m.py": source}, tmp_path / "out", str(python))
    assert caught.value.message == (
        f"byte-compiling the package with {python} failed: Fatal Python error: init failed"
    )
