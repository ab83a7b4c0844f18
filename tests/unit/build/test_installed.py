"""The zip of what pip installed: what Lambda needs, and nothing naming this machine."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from slam.build.installed import distributions, write_installed_zip

TAG = sys.implementation.cache_tag
RECORD = """\
tool/__init__.py,sha256=abc,10
tool/__pycache__/__init__.cpython-39.pyc,,
tool-1.0.dist-info/METADATA,sha256=def,20
tool-1.0.dist-info/RECORD,,
tool-1.0.dist-info/direct_url.json,sha256=ghi,30
"../../bin/tool",sha256=jkl,40
"""


def installed_folder(root: Path) -> Path:
    """What ``pip install --target`` leaves for one distribution with a console script."""
    folder = root / "deps"
    (folder / "tool" / "__pycache__").mkdir(parents=True)
    (folder / "tool" / "__init__.py").write_text("NAME = 'tool'\n")
    (folder / "tool" / "__pycache__" / "__init__.cpython-39.pyc").write_bytes(b"old")
    info = folder / "tool-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: tool\nVersion: 1.0\n")
    (info / "RECORD").write_text(RECORD)
    (info / "direct_url.json").write_text('{"url": "file:///home/me/tool"}')
    (folder / "bin").mkdir()
    (folder / "bin" / "tool").write_text("#!/home/me/.venv/bin/python\n")
    return folder


def test_distributions_are_named_with_their_versions(tmp_path: Path):
    folder = installed_folder(tmp_path)
    (folder / "other_thing-2.0.1.dist-info").mkdir()
    assert distributions(folder) == ["other_thing 2.0.1", "tool 1.0"]


def test_the_zip_holds_what_lambda_needs_with_fresh_bytecode(tmp_path: Path):
    folder = installed_folder(tmp_path)
    write_installed_zip(folder, tmp_path / "deps.zip", sys.executable)
    with zipfile.ZipFile(tmp_path / "deps.zip") as archive:
        assert archive.namelist() == [  # sorted by name
            "tool-1.0.dist-info/METADATA",
            "tool-1.0.dist-info/RECORD",
            "tool/__init__.py",
            f"tool/__pycache__/__init__.{TAG}.pyc",
        ]
        assert archive.read("tool-1.0.dist-info/RECORD").decode() == (
            "tool/__init__.py,sha256=abc,10\n"
            "tool-1.0.dist-info/METADATA,sha256=def,20\n"
            "tool-1.0.dist-info/RECORD,,\n"
        )
    assert not (tmp_path / "deps.partial").exists()


def test_without_a_python_of_the_runtimes_version_the_zip_has_no_bytecode(tmp_path: Path):
    folder = installed_folder(tmp_path)
    write_installed_zip(folder, tmp_path / "deps.zip", None)
    with zipfile.ZipFile(tmp_path / "deps.zip") as archive:
        assert not [name for name in archive.namelist() if name.endswith(".pyc")]
