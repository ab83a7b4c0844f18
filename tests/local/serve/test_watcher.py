"""Noticing edits by comparing stats: changed, added, removed and replaced files."""

from __future__ import annotations

import os
from pathlib import Path

from slam.local.watcher import Snapshot

NAMES = ["app.py", "lib/tool.py"]


def project(tmp_path: Path) -> Path:
    (tmp_path / "lib").mkdir()
    for name in NAMES:
        (tmp_path / name).write_text("v1\n")
        os.utime(tmp_path / name, ns=(1_000_000_000, 1_000_000_000))
    return tmp_path


def test_an_untouched_project_has_not_changed(tmp_path: Path):
    root = project(tmp_path)
    before = Snapshot.take(root, NAMES)

    assert not before.looks_changed()
    assert Snapshot.take(root, NAMES).changed_since(before) == []


def test_an_edit_is_seen_by_its_modification_time_alone(tmp_path: Path):
    root = project(tmp_path)
    before = Snapshot.take(root, NAMES)
    (root / "lib/tool.py").write_text("v2\n")  # same size
    os.utime(root / "lib/tool.py", ns=(2_000_000_000, 2_000_000_000))

    assert before.looks_changed()
    assert Snapshot.take(root, NAMES).changed_since(before) == ["lib/tool.py"]


def test_a_file_saved_by_renaming_another_over_it_is_seen(tmp_path: Path):
    root = project(tmp_path)
    before = Snapshot.take(root, NAMES)
    (root / "lib/new.tmp").write_text("v1\n")
    os.utime(root / "lib/new.tmp", ns=(1_000_000_000, 1_000_000_000))  # even the same stat
    os.replace(root / "lib/new.tmp", root / "lib/tool.py")

    assert Snapshot.take(root, NAMES).changed_since(before) == ["lib/tool.py"]  # a new inode


def test_a_new_file_beside_watched_ones_makes_it_look_changed(tmp_path: Path):
    root = project(tmp_path)
    os.utime(root / "lib", ns=(1, 1))  # so that adding a file surely moves it
    before = Snapshot.take(root, NAMES)
    (root / "lib/extra.py").write_text("")

    assert before.looks_changed()  # the folder's time moved
    after = Snapshot.take(root, [*NAMES, "lib/extra.py"])
    assert after.changed_since(before) == ["lib/extra.py"]


def test_a_removed_file_is_a_change(tmp_path: Path):
    root = project(tmp_path)
    before = Snapshot.take(root, NAMES)
    (root / "app.py").unlink()

    assert before.looks_changed()
    assert Snapshot.take(root, ["lib/tool.py"]).changed_since(before) == ["app.py"]
