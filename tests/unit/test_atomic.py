"""Writing a file all at once: readers see the old file or the new one, never half."""

from __future__ import annotations

import os
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
