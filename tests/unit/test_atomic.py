"""Writing a file all at once: readers see the old file or the new one, never half."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from slam import atomic
from slam.atomic import AlreadyExists, write_atomically
from slam.errors import SlamError


def test_text_and_bytes_replace_the_file_and_leave_no_temporary_file(tmp_path: Path):
    path = tmp_path / "out.json"
    write_atomically(path, "first\n")
    write_atomically(path, b"second\n")
    assert path.read_bytes() == b"second\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["out.json"]


def test_without_overwrite_an_existing_file_is_left_untouched(tmp_path: Path):
    path = tmp_path / "slam.yaml"
    path.write_text("mine\n")
    with pytest.raises(AlreadyExists) as caught:
        write_atomically(path, "theirs\n", overwrite=False)
    assert (caught.value.message, caught.value.hint) == (
        f"{path} already exists",
        "edit it, or remove it to start over",
    )
    assert path.read_text() == "mine\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["slam.yaml"]


def test_a_file_that_appears_while_writing_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "slam.yaml"
    link = os.link

    def someone_else_first(source: str, target: str) -> None:
        Path(target).write_text("theirs\n")
        link(source, target)

    monkeypatch.setattr(atomic.os, "link", someone_else_first)
    with pytest.raises(AlreadyExists):
        write_atomically(path, "mine\n", overwrite=False)
    assert path.read_text() == "theirs\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["slam.yaml"]


def test_a_missing_folder_says_so(tmp_path: Path):
    with pytest.raises(SlamError) as caught:
        write_atomically(tmp_path / "nope" / "slam.yaml", "x")
    assert caught.value.message == (
        f"cannot write {tmp_path}/nope/slam.yaml: folder {tmp_path}/nope does not exist"
    )
    assert caught.value.hint == "create it first"


def test_another_failure_names_the_file_and_the_reason(tmp_path: Path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(SlamError) as caught:
        write_atomically(tmp_path / "taken", "x")
    assert caught.value.message == f"cannot write {tmp_path}/taken: Is a directory"
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["taken"]


def test_temporary_names_are_hidden_beside_the_file_and_never_repeat(tmp_path: Path):
    names = {atomic.temporary_path(tmp_path / "deps.zip").name for _ in range(100)}
    assert len(names) == 100
    for name in names:
        assert re.fullmatch(rf"\.deps\.zip\.{os.getpid()}-[0-9a-f]{{8}}\.tmp", name)


def test_what_a_block_leaves_under_a_temporary_name_is_removed_even_on_ctrl_c(tmp_path: Path):
    with pytest.raises(KeyboardInterrupt), atomic.temporary(tmp_path / "deps") as folder:
        (folder / "pkg").mkdir(parents=True)
        (folder / "pkg" / "mod.py").write_text("x = 1\n")
        raise KeyboardInterrupt
    with atomic.temporary(tmp_path / "out.zip") as file:
        file.write_bytes(b"zip")
    with atomic.temporary(tmp_path / "kept.zip") as file:
        file.write_bytes(b"zip")
        file.replace(tmp_path / "kept.zip")
    assert [entry.name for entry in tmp_path.iterdir()] == ["kept.zip"]


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "package.json"
    path.write_text("old\n")

    def interrupted(source: str, target: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, "new\n")
    assert [entry.name for entry in tmp_path.iterdir()] == ["package.json"]
    assert path.read_text() == "old\n"


def test_leftovers_of_killed_writes_are_removed_and_nothing_else(tmp_path: Path):
    (tmp_path / ".deps.4242-0123abcd.tmp" / "pkg").mkdir(parents=True)
    (tmp_path / ".deps.zip.4242-89abcdef.tmp").write_bytes(b"half a zip")
    (tmp_path / ".lambda_package.zip.17-deadbeef.tmp").write_bytes(b"half a zip")
    kept = ["deps", "deps.json", "notes.tmp", ".hidden.tmp", ".x.12-nothex00.tmp"]
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / ".inside.4242-0123abcd.tmp").write_text("not at the top")
    for name in kept[1:]:
        (tmp_path / name).write_text("mine\n")
    assert atomic.remove_temporaries(tmp_path) == [
        ".deps.4242-0123abcd.tmp",
        ".deps.zip.4242-89abcdef.tmp",
        ".lambda_package.zip.17-deadbeef.tmp",
    ]
    assert sorted(entry.name for entry in tmp_path.iterdir()) == sorted(kept)
    assert (tmp_path / "deps" / ".inside.4242-0123abcd.tmp").exists()
    assert atomic.remove_temporaries(tmp_path / "missing") == []
