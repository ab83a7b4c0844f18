"""Which of the project's files go into the Lambda package.

Always left out: ``.slam/`` (build state). Left out by default: virtual environments
(any folder holding ``pyvenv.cfg``), cache folders (any folder holding ``CACHEDIR.TAG``,
as pytest, mypy and ruff write), VCS folders, ``__pycache__``, ``*.pyc``, the
configuration file and earlier ``lambda_package*.zip`` outputs. ``package.exclude``
leaves more out; ``package.include`` puts matching files back, even default exclusions.
Both hold patterns in ``.gitignore`` syntax (:mod:`.patterns`), relative to the project
folder: ``*.md`` matches at any depth, ``/docs`` only at the top, ``docs/`` folders only.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..settings import PackageSettings
from . import STATE_DIR
from .patterns import any_of, may_match_below

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj"})
MARKER_FILES = ("pyvenv.cfg", "CACHEDIR.TAG")  # a virtualenv, a cache folder
EXCLUDED_FILES = ("*.pyc", "*.pyo", "lambda_package*.zip")


@dataclass(frozen=True)
class Selection:
    """The package's include / exclude patterns, and the configuration file's name."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    config_file: str = "slam.yaml"

    @classmethod
    def from_settings(cls, settings: PackageSettings, config_file: str) -> Selection:
        return cls(settings.include, settings.exclude, config_file)

    @cached_property
    def _include(self) -> re.Pattern[str] | None:
        return any_of(self.include)

    @cached_property
    def _exclude(self) -> re.Pattern[str] | None:
        return any_of(self.exclude)

    def includes(self, path: str) -> bool:
        """Whether package.include matches ``path`` (a folder's ends with ``/``)."""
        return self._include is not None and self._include.search(path) is not None

    def excludes(self, path: str) -> bool:
        return self._exclude is not None and self._exclude.search(path) is not None

    def packages(self, path: str, excluded_by_default: bool) -> bool:
        """Whether the file or folder at ``path`` (relative, with ``/``, a folder's
        ending in ``/``) goes in the zip."""
        if self.includes(path):
            return True
        return not excluded_by_default and not self.excludes(path)

    def may_include_below(self, folder: str) -> bool:
        """Whether an include pattern could match something inside ``folder``."""
        return any(may_match_below(pattern, folder) for pattern in self.include)


def _folder_excluded_by_default(path: Path) -> bool:
    return (
        path.name in VCS_DIRS
        or path.name == "__pycache__"
        or any((path / marker).is_file() for marker in MARKER_FILES)
    )


def _file_excluded_by_default(relative: str, selection: Selection) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return relative == selection.config_file or any(
        fnmatch.fnmatchcase(name, pattern) for pattern in EXCLUDED_FILES
    )


def project_files(root: Path, selection: Selection) -> list[str]:
    """The files to package, relative to ``root`` with ``/``, sorted."""
    files: list[str] = []
    excluded_folders: set[str] = set()  # relative folders excluded by default
    for folder, subfolders, names in os.walk(root):
        relative = Path(folder).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        folder_excluded = relative in excluded_folders
        kept = []
        for name in sorted(subfolders):
            path = prefix + name
            if path == STATE_DIR:
                continue
            if folder_excluded or _folder_excluded_by_default(Path(folder, name)):
                excluded_folders.add(path)
            # walk a left-out folder only when an include pattern may reach into it
            packaged = selection.packages(path + "/", path in excluded_folders)
            if packaged or selection.may_include_below(path):
                kept.append(name)
        subfolders[:] = kept
        for name in names:
            path = prefix + name
            if not os.path.isfile(os.path.join(folder, name)):
                continue  # a broken link, a socket...
            by_default = folder_excluded or _file_excluded_by_default(path, selection)
            if selection.packages(path, by_default):
                files.append(path)
    return sorted(files)
