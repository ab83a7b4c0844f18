"""The worker that writes the package's bytecode, run in this process to see each branch.

slam runs it as ``python -I -S bytecode_worker.py`` (see test_bytecode.py); here its
functions are called directly, reading and writing the same JSON.
"""

from __future__ import annotations

import importlib.util
import io
import json
import marshal
import sys
import warnings
from pathlib import Path

import pytest

from slam.build import bytecode_worker
from slam.build.bytecode_worker import compile_files, pyc_bytes

TAG = sys.implementation.cache_tag


def test_pyc_bytes_are_a_hash_based_pyc_naming_the_file_in_lambda():
    source = b"ANSWER = 42\n"
    checked = pyc_bytes(source, "/var/task/answer.py", checked=True)
    unchecked = pyc_bytes(source, "/var/task/answer.py", checked=False)
    assert checked[:4] == importlib.util.MAGIC_NUMBER
    assert (checked[4], unchecked[4]) == (0b11, 0b01)
    assert checked[8:16] == importlib.util.source_hash(source)
    code = marshal.loads(checked[16:])
    assert code.co_filename == "/var/task/answer.py"
    namespace: dict[str, object] = {}
    exec(code, namespace)
    assert namespace["ANSWER"] == 42


def test_files_that_do_not_compile_get_no_pyc(tmp_path: Path):
    (tmp_path / "good.py").write_text("x = 1\n")
    (tmp_path / "py2.py").write_text("print 'hello'\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    files = [[f"pkg/{name}", str(tmp_path / name)] for name in ("good.py", "py2.py", "nul.py")]
    written, not_compiled = compile_files(str(tmp_path / "out"), files, checked=True)
    assert written == [f"pkg/__pycache__/good.{TAG}.pyc"]
    assert [name for name, _ in not_compiled] == ["pkg/py2.py", "pkg/nul.py"]
    assert not_compiled[1][1] == "source code string cannot contain null bytes"
    assert [path.name for path in (tmp_path / "out" / "pkg" / "__pycache__").iterdir()] == [
        f"good.{TAG}.pyc"
    ]


def test_main_reads_a_request_and_prints_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "mod.py").write_text("import warnings\nx = '\\d'\n")  # a SyntaxWarning
    request = {"output": str(tmp_path / "out"), "files": [["mod.py", str(tmp_path / "mod.py")]]}
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({**request, "checked": False})))
    monkeypatch.setattr(sys, "stdout", out)
    with warnings.catch_warnings():  # main() ignores warnings for the rest of its process
        assert bytecode_worker.main() == 0
    assert json.loads(out.getvalue()) == {
        "written": [f"__pycache__/mod.{TAG}.pyc"],
        "not_compiled": [],
    }
    assert (tmp_path / "out" / "__pycache__" / f"mod.{TAG}.pyc").read_bytes()[4] == 0b01
