"""Noticing that a project's files changed, by comparing their stats: no dependency, no daemon.

    before = Snapshot.take(root, names)     # the files' stats, and their folders'
    before.looks_changed()                  # cheap: stat them again, compare
    Snapshot.take(root, names).changed_since(before)    # which files changed

A file's stat is its modification time, size and inode (an editor that saves by
renaming gives a new inode). A folder's modification time changes when a file is
added to it, removed or renamed in it, so :meth:`Snapshot.looks_changed` also sees a
new file beside the watched ones; listing the files again says which.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Stat = tuple[int, int, int]


def _stat(path: str) -> Stat | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@dataclass(frozen=True)
class Snapshot:
    """The stats of some files under ``root`` (relative names) and of their folders."""

    root: Path
    files: Mapping[str, Stat | None]
    folders: Mapping[str, Stat | None]
    # every path to look at again, spelled out once: a look runs before each request
    _paths: tuple[tuple[str, Stat | None], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def take(cls, root: Path, names: Iterable[str]) -> Snapshot:
        base = os.fspath(root)
        files = {name: _stat(os.path.join(base, name)) for name in sorted(set(names))}
        parents = {os.path.dirname(name) for name in files} | {""}
        folders = {folder: _stat(os.path.join(base, folder)) for folder in sorted(parents)}
        return cls.of(root, files, folders)

    @classmethod
    def of(
        cls, root: Path, files: Mapping[str, Stat | None], folders: Mapping[str, Stat | None]
    ) -> Snapshot:
        """A snapshot of these stats, as if taken then."""
        base = os.fspath(root)
        paths = tuple(
            (os.path.join(base, name), stat)
            for entries in (files, folders)
            for name, stat in entries.items()
        )
        return cls(root, files, folders, paths)

    def looks_changed(self) -> bool:
        """Whether a watched file or folder has changed since the snapshot was taken."""
        return any(_stat(path) != stat for path, stat in self._paths)

    def changed_since(self, earlier: Snapshot) -> list[str]:
        """The files added, removed or changed between ``earlier`` and this snapshot."""
        names = set(self.files) | set(earlier.files)
        return sorted(name for name in names if self.files.get(name) != earlier.files.get(name))
