"""Which of the project's files go into the Lambda package.

Always left out: ``.slam/`` (build state). Left out by default: virtual environments
(any folder holding ``pyvenv.cfg``), cache folders (any folder holding ``CACHEDIR.TAG``,
as pytest, mypy and ruff write), VCS folders, ``__pycache__``, ``*.pyc``, the
configuration file and earlier ``lambda_package*.zip`` outputs. ``package.exclude``
leaves more out; ``package.include`` puts matching files back, even default exclusions.

Patterns are globs relative to the project folder, with ``/`` between folders: ``*``
and ``?`` match within one name, ``**`` matches any number of folders, and a pattern
that matches a folder matches everything in it (``tests`` is the same as ``tests/**``).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..settings import PackageSettings
from . import STATE_DIR

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj"})
MARKER_FILES = ("pyvenv.cfg", "CACHEDIR.TAG")  # a virtualenv, a cache folder
EXCLUDED_FILES = ("*.pyc", "*.pyo", "lambda_package*.zip")


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A regex for a glob pattern over ``/``-separated paths."""
    parts = [part for part in pattern.strip("/").split("/") if part not in ("", ".")]
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**" and last:
            # 'tests/**' also matches the folder itself, so it need not be walked
            regex = regex[:-1] + "(?:/.*)?" if regex else ".*"
        elif part == "**":
            regex += "(?:[^/]+/)*"
        else:
            regex += _name_regex(part) + ("" if last else "/")
    return re.compile(regex)


def _name_regex(part: str) -> str:
    """One path name's glob as a regex; unlike fnmatch's, '*' never matches '/'."""
    regex = []
    index = 0
    while index < len(part):
        char = part[index]
        end = part.find("]", index + 2) if char == "[" else -1
        if char == "*":
            regex.append("[^/]*")
        elif char == "?":
            regex.append("[^/]")
        elif end != -1:
            body = part[index + 1 : end].replace("\\", "\\\\")
            regex.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            index = end
        else:
            regex.append(re.escape(char))
        index += 1
    return "".join(regex)


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
    def _include(self) -> list[re.Pattern[str]]:
        return [glob_regex(pattern) for pattern in self.include]

    @cached_property
    def _exclude(self) -> list[re.Pattern[str]]:
        return [glob_regex(pattern) for pattern in self.exclude]

    def packages(self, path: str, excluded_by_default: bool) -> bool:
        """Whether the file or folder at ``path`` (relative, with ``/``) goes in the zip."""
        if _matches(self._include, path):
            return True
        return not excluded_by_default and not _matches(self._exclude, path)

    def may_include_below(self, folder: str) -> bool:
        """Whether an include pattern could match something inside ``folder``."""
        return any(_may_match_below(pattern, folder) for pattern in self.include)


def _matches(patterns: Sequence[re.Pattern[str]], path: str) -> bool:
    """Whether a pattern matches ``path`` or one of the folders holding it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    return any(pattern.fullmatch(prefix) for pattern in patterns for prefix in prefixes)


def _may_match_below(pattern: str, folder: str) -> bool:
    pattern_parts = [part for part in pattern.strip("/").split("/") if part not in ("", ".")]
    for index, name in enumerate(folder.split("/")):
        if index >= len(pattern_parts) or pattern_parts[index] == "**":
            return True
        if not glob_regex(pattern_parts[index]).fullmatch(name):
            return False
    return True


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
            packaged = selection.packages(path, path in excluded_folders)
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
