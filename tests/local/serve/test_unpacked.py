"""The unpacked build: a folder kept in sync with the zip, rewriting only what changed."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

from slam.local.unpacked import folder_entries, record_of, sync, zip_entries, zip_names


def write_zip(path: Path, files: dict[str, bytes], modes: dict[str, int] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (modes or {}).get(name, 0o644) << 16
            archive.writestr(info, content)
    return path


def contents(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_first_sync_unpacks_every_file_with_its_mode(tmp_path: Path):
    package = write_zip(
        tmp_path / "p.zip",
        {"app.py": b"print(1)\n", "lib/tool.py": b"", "bin/run": b"#!/bin/sh\n"},
        {"bin/run": 0o755},
    )
    folder = tmp_path / "code"

    changes = sync(folder, zip_entries(package))

    assert contents(folder) == {
        "app.py": b"print(1)\n",
        "bin/run": b"#!/bin/sh\n",
        "lib/tool.py": b"",
    }
    assert sorted(changes.written) == ["app.py", "bin/run", "lib/tool.py"]
    assert stat.S_IMODE((folder / "bin/run").stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "app.py").stat().st_mode) == 0o644
    assert set(json.loads(record_of(folder).read_text())) == {"app.py", "bin/run", "lib/tool.py"}


def test_a_new_build_rewrites_only_the_files_that_changed(tmp_path: Path):
    folder = tmp_path / "code"
    first = {"app.py": b"v1", "lib/a.py": b"same", "lib/b.py": b"same"}
    sync(folder, zip_entries(write_zip(tmp_path / "1.zip", first)))
    kept = (folder / "lib/a.py").stat().st_ino

    second = {"app.py": b"v2", "lib/a.py": b"same", "lib/b.py": b"same"}
    changes = sync(folder, zip_entries(write_zip(tmp_path / "2.zip", second)))

    assert (changes.written, changes.removed) == (["app.py"], [])
    assert contents(folder) == second
    assert (folder / "lib/a.py").stat().st_ino == kept  # never rewritten


def test_files_the_package_no_longer_holds_go_with_their_empty_folders(tmp_path: Path):
    folder = tmp_path / "code"
    sync(folder, zip_entries(write_zip(tmp_path / "1.zip", {"app.py": b"", "old/deep/x.py": b""})))

    changes = sync(folder, zip_entries(write_zip(tmp_path / "2.zip", {"app.py": b""})))

    assert changes.removed == ["old/deep/x.py"]
    assert sorted(os.listdir(folder)) == ["app.py"]


def test_a_file_removed_by_hand_or_a_lost_record_is_written_again(tmp_path: Path):
    folder = tmp_path / "code"
    entries = zip_entries(write_zip(tmp_path / "p.zip", {"app.py": b"a", "b.py": b"b"}))
    sync(folder, entries)
    (folder / "b.py").unlink()
    assert sync(folder, entries).written == ["b.py"]

    record_of(folder).write_text("not json")
    assert sync(folder, entries).written == ["app.py", "b.py"]
    assert contents(folder) == {"app.py": b"a", "b.py": b"b"}


def test_names_outside_the_folder_are_never_written(tmp_path: Path):
    folder = tmp_path / "code"
    package = write_zip(tmp_path / "p.zip", {"../escape.py": b"x", "/abs.py": b"x", "ok.py": b"x"})

    sync(folder, zip_entries(package))

    assert contents(folder) == {"ok.py": b"x"}
    assert not (tmp_path / "escape.py").exists()


def test_dependencies_for_this_machine_replace_the_packages_own(tmp_path: Path):
    deps = write_zip(tmp_path / "deps.zip", {"lib/fast.so": b"aarch64"})
    package = write_zip(tmp_path / "p.zip", {"lib/fast.so": b"aarch64", "app.py": b"app"})
    host = tmp_path / "host"
    (host / "lib").mkdir(parents=True)
    (host / "lib" / "fast.so").write_bytes(b"x86_64")
    folder = tmp_path / "code"

    sync(folder, [*zip_entries(package, zip_names(deps)), *folder_entries(host)])
    assert contents(folder) == {"app.py": b"app", "lib/fast.so": b"x86_64"}

    os.utime(host / "lib" / "fast.so", ns=(1, 1))  # reinstalled: a new modification time
    (host / "lib" / "fast.so").write_bytes(b"x86_64 v2")
    changes = sync(folder, [*zip_entries(package, zip_names(deps)), *folder_entries(host)])
    assert changes.written == ["lib/fast.so"]
    assert zip_names(tmp_path / "missing.zip") == set()
