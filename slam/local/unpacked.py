"""The unpacked build ``slam serve`` runs: a folder kept in sync with the package's zip.

    changes = sync(folder, zip_entries(package))

Lambda unpacks a new zip into a fresh code folder; ``slam serve`` keeps one folder and,
after each build, rewrites only the files whose content changed and removes those the
package no longer holds. An edit to one module rewrites that module and its bytecode,
however much the dependencies weigh. Each file is replaced in one step, so a worker
never reads half of one. A record beside the folder (``<folder>.json``) keeps what each
file was made from: a zip entry's CRC and size, or a copied file's size and mtime.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..atomic import write_atomically


@dataclass(frozen=True)
class Entry:
    """One file of the unpacked build: its name, what it is made from, and its mode."""

    name: str
    stamp: str  # changes whenever the content does
    mode: int
    package: Path | None = None  # read from this zip...
    source: Path | None = None  # ...or copied from this file


@dataclass
class Changes:
    """What a sync did: the files it wrote and those it removed."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def zip_entries(package: Path, leave_out: Iterable[str] = ()) -> list[Entry]:
    """The files of a zip, but those named in ``leave_out``."""
    skipped = set(leave_out)
    with zipfile.ZipFile(package) as archive:
        return [
            Entry(info.filename, f"zip:{info.CRC:08x}:{info.file_size}", _mode(info), package)
            for info in archive.infolist()
            if not info.is_dir() and info.filename not in skipped
        ]


def zip_names(package: Path) -> set[str]:
    """The names of a zip's files; none for a missing zip."""
    try:
        with zipfile.ZipFile(package) as archive:
            return {info.filename for info in archive.infolist() if not info.is_dir()}
    except (OSError, zipfile.BadZipFile):
        return set()


def folder_entries(folder: Path) -> list[Entry]:
    """The files under ``folder``, each named by its path relative to it."""
    entries = []
    for path in _files(folder):
        stat = path.stat()
        name = path.relative_to(folder).as_posix()
        stamp = f"file:{stat.st_size}:{stat.st_mtime_ns}"
        entries.append(Entry(name, stamp, stat.st_mode & 0o777, source=path))
    return entries


def _files(folder: Path) -> Iterator[Path]:
    for parent, _, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            if path.is_file():
                yield path


def _mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0o777 or 0o644


def record_of(folder: Path) -> Path:
    return folder.with_name(folder.name + ".json")


def sync(folder: Path, entries: Iterable[Entry]) -> Changes:
    """Make ``folder`` hold exactly ``entries``, writing only what changed since the last sync."""
    record_path = record_of(folder)
    previous = _read_record(record_path) if folder.is_dir() else {}
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry for entry in entries if _safe(entry.name)}
    changes = Changes()
    stale = [
        entry
        for name, entry in sorted(wanted.items())
        if previous.get(name) != entry.stamp or not (folder / name).is_file()
    ]
    _write(folder, stale)
    changes.written = [entry.name for entry in stale]
    for name in sorted(set(previous) - set(wanted)):
        _remove(folder, name)
        changes.removed.append(name)
    record = {name: entry.stamp for name, entry in sorted(wanted.items())}
    write_atomically(record_path, json.dumps(record, indent=0) + "\n")
    return changes


def _read_record(path: Path) -> dict[str, str]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in record.items()} if isinstance(record, dict) else {}


def _safe(name: str) -> bool:
    """Whether a name stays inside the folder (no absolute path, no ``..``)."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def _write(folder: Path, entries: list[Entry]) -> None:
    archives: dict[Path, zipfile.ZipFile] = {}
    try:
        for entry in entries:
            if entry.package is not None:
                if entry.package not in archives:
                    archives[entry.package] = zipfile.ZipFile(entry.package)
                content = archives[entry.package].read(entry.name)
            else:
                assert entry.source is not None
                content = entry.source.read_bytes()
            _replace(folder / entry.name, content, entry.mode)
    finally:
        for archive in archives.values():
            archive.close()


def _replace(path: Path, content: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.slam-partial")
    partial.write_bytes(content)
    partial.chmod(mode)
    os.replace(partial, path)


def _remove(folder: Path, name: str) -> None:
    path = folder / name
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != folder:  # the folders it leaves empty go too
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent
