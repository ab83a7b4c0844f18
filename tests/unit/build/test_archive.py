from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from slam.build.archive import (
    Entry,
    check_unzipped_size,
    extend_zip,
    format_size,
    sha256_of,
    sizes_in_zip,
    write_zip,
)
from slam.errors import SlamError


def files_in(folder: Path, contents: dict[str, str], mode: int = 0o644) -> list[Entry]:
    entries = []
    for name, text in contents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        entries.append(Entry.from_file(name, path))
    return entries


def test_the_same_files_give_the_same_bytes_in_any_folder_at_any_time(tmp_path: Path):
    contents = {"b.py": "b", "a/x.py": "x", "a.py": "a"}
    first = files_in(tmp_path / "one", contents, 0o600)
    second = files_in(tmp_path / "two", dict(reversed(contents.items())), 0o664)
    os.utime(second[0].path, (0, 0))  # type: ignore[arg-type]
    write_zip(tmp_path / "one.zip", first)
    write_zip(tmp_path / "two.zip", reversed(second))
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert archive.namelist() == ["a.py", "a/x.py", "b.py"]
        info = archive.getinfo("a.py")
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_executables_keep_an_executable_mode(tmp_path: Path):
    (entry,) = files_in(tmp_path, {"run": "#!/bin/sh\n"}, 0o700)
    write_zip(tmp_path / "out.zip", [entry, Entry.from_bytes("data.json", b"{}")])
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.getinfo("run").external_attr >> 16 == 0o100755
        assert archive.getinfo("data.json").external_attr >> 16 == 0o100644
        assert archive.read("data.json") == b"{}"


def test_extend_zip_adds_after_the_base_without_touching_it(tmp_path: Path):
    write_zip(tmp_path / "base.zip", [Entry.from_bytes("lib/z.py", b"z")])
    extend_zip(tmp_path / "base.zip", tmp_path / "full.zip", [Entry.from_bytes("app.py", b"a")])
    with zipfile.ZipFile(tmp_path / "full.zip") as archive:
        assert archive.namelist() == ["lib/z.py", "app.py"]
        assert archive.read("app.py") == b"a"
        assert archive.testzip() is None
    assert sizes_in_zip(tmp_path / "full.zip") == {"lib/z.py": 1, "app.py": 1}
    # deterministic too
    extend_zip(tmp_path / "base.zip", tmp_path / "again.zip", [Entry.from_bytes("app.py", b"a")])
    assert sha256_of(tmp_path / "again.zip") == sha256_of(tmp_path / "full.zip")


def test_extend_zip_refuses_a_name_twice(tmp_path: Path):
    write_zip(tmp_path / "base.zip", [Entry.from_bytes("flask/__init__.py", b"")])
    with pytest.raises(SlamError) as error:
        extend_zip(
            tmp_path / "base.zip",
            tmp_path / "full.zip",
            [Entry.from_bytes("flask/__init__.py", b"mine")],
        )
    assert error.value.message == (
        "flask/__init__.py is both a project file and installed by a requirement or slam"
    )
    assert not (tmp_path / "full.zip").exists()


def test_a_module_clashing_with_a_requirement_is_named_by_its_source(tmp_path: Path):
    pyc = "__pycache__/six.cpython-312.pyc"
    write_zip(tmp_path / "base.zip", [Entry.from_bytes(n, b"") for n in ("six.py", pyc)])
    with pytest.raises(SlamError) as error:
        extend_zip(
            tmp_path / "base.zip",
            tmp_path / "full.zip",
            [Entry.from_bytes("six.py", b"mine"), Entry.from_bytes(pyc, b"mine")],
        )
    assert error.value.message.startswith("six.py is both a project file")


def test_sizes_within_the_limit_pass():
    check_unzipped_size({"a": 60, "b/c": 40}, limit=100)


def test_above_the_limit_the_ten_largest_top_level_parts_are_listed():
    sizes = {f"pkg{n}/mod.py": n * 1024 * 1024 for n in range(1, 13)}
    sizes["pkg12/data.bin"] = 512
    with pytest.raises(SlamError) as error:
        check_unzipped_size(sizes, limit=50 * 1024 * 1024)
    lines = error.value.message.splitlines()
    assert lines[0] == (
        "the package is 78.0 MB unzipped, more than Lambda's limit of 50.0 MB; "
        "the largest parts are:"
    )
    assert len(lines) == 11
    assert lines[1:3] == ["  pkg12    12.0 MB", "  pkg11    11.0 MB"]
    assert lines[-1] == "  pkg3      3.0 MB"
    assert error.value.hint == (
        "remove requirements the function does not need, or leave files out with "
        "package.exclude in slam.yaml"
    )


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1536, "1.5 KB"),
        (250 * 1024**2, "250.0 MB"),
        (3 * 1024**4, "3072.0 GB"),
    ],
)
def test_format_size(size: int, text: str):
    assert format_size(size) == text
