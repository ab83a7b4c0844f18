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
from dataclasses import dataclass
from pathlib import Path

Stat = tuple[int, int, int]


def _stat(path: Path) -> Stat | None:
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

    @classmethod
    def take(cls, root: Path, names: Iterable[str]) -> Snapshot:
        files = {name: _stat(root / name) for name in sorted(set(names))}
        parents = {os.path.dirname(name) for name in files} | {""}
        folders = {folder: _stat(root / folder) for folder in sorted(parents)}
        return cls(root, files, folders)

    def looks_changed(self) -> bool:
        """Whether a watched file or folder has changed since the snapshot was taken."""
        return any(_stat(self.root / name) != stat for name, stat in self.files.items()) or any(
            _stat(self.root / folder) != stat for folder, stat in self.folders.items()
        )

    def changed_since(self, earlier: Snapshot) -> list[str]:
        """The files added, removed or changed between ``earlier`` and this snapshot."""
        names = set(self.files) | set(earlier.files)
        return sorted(name for name in names if self.files.get(name) != earlier.files.get(name))
