"""The project's ``.gitignore`` files, read with git's rules, git repository or not.

A ``.gitignore`` applies to the folder holding it and everything below, its patterns
relative to that folder. A deeper file's verdict wins over a shallower one's, and in a
file the last pattern matching a path wins (``!`` puts it back). A folder left out is
not looked into, so nothing in it can be put back. When the project sits in a git work
tree, the ``.gitignore`` files of the folders between the top of that work tree (the
nearest folder holding ``.git``) and the project count too, as git applies them.
``.git/info/exclude`` and the user's global excludes file do not: they are one
machine's settings, and the package must not depend on the machine that builds it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SlamError
from .patterns import folder_form, join_regexes, own_patterns

GITIGNORE = ".gitignore"
Patterns = tuple[tuple[bool, re.Pattern[str]], ...]  # (include, regex), in order


@dataclass(frozen=True)
class IgnorePatterns:
    """One ``.gitignore``'s patterns, as git applies them to each path it looks at: the
    last pattern matching the path itself decides. A folder is judged by the patterns'
    folder form (``docs/`` matches the folder ``docs``), a file by the patterns as
    written; so ``logs/**`` leaves out what ``logs`` holds, not ``logs`` itself, and
    ``!logs/.gitkeep`` puts that file back."""

    files: Patterns
    folders: Patterns
    # find the paths some pattern matches: most match none, and need no more
    some_file: re.Pattern[str] | None
    some_folder: re.Pattern[str] | None

    @classmethod
    def of(cls, lines: list[str]) -> IgnorePatterns:
        files = own_patterns(lines)
        folders = own_patterns(folder_form(line) for line in lines)
        return cls(files, folders, _some(files), _some(folders))

    def verdict(self, path: str) -> bool | None:
        """True: ignored; False: put back by a ``!`` pattern; None: no pattern matches.
        ``path`` is relative to the file's folder; a folder's ends with ``/``."""
        if path.endswith("/"):
            patterns, some, path = self.folders, self.some_folder, path[:-1]
        else:
            patterns, some = self.files, self.some_file
        if some is not None and some.search(path):
            for include, regex in reversed(patterns):
                if regex.search(path):
                    return include
        return None


def _some(patterns: Patterns) -> re.Pattern[str] | None:
    return join_regexes(regex.pattern for _, regex in patterns)


@dataclass(frozen=True)
class IgnoreFile:
    """One ``.gitignore``, and how a project path reads from its folder."""

    patterns: IgnorePatterns
    prefix: str = ""  # the project's place below the file's folder, ending in "/"
    strip: int = 0  # the length of the file's folder in a project path, "/" included

    def verdict(self, path: str) -> bool | None:
        """This file's verdict (see IgnorePatterns) on ``path``, relative to the project."""
        return self.patterns.verdict(self.prefix + path[self.strip :])


@dataclass(frozen=True)
class IgnoreRules:
    """The ``.gitignore`` files that apply in one folder, the deepest last."""

    files: tuple[IgnoreFile, ...] = ()

    def ignores(self, path: str) -> bool:
        """Whether git ignores ``path``: relative to the project, with ``/``, a folder's
        ending in ``/``."""
        for file in reversed(self.files):
            verdict = file.verdict(path)
            if verdict is not None:
                return verdict
        return False

    def below(self, folder: Path, relative: str) -> IgnoreRules:
        """The rules inside ``folder`` (at ``relative`` in the project, ending in ``/``),
        whose own ``.gitignore`` exists."""
        patterns = read_ignore_file(folder / GITIGNORE, relative + GITIGNORE)
        return IgnoreRules((*self.files, IgnoreFile(patterns, strip=len(relative))))


def read_ignore_file(path: Path, shown: str) -> IgnorePatterns:
    """The patterns of the ``.gitignore`` at ``path``, called ``shown`` in errors."""
    try:
        # git skips a UTF-8 byte order mark; names it cannot decode still compare
        text = path.read_text(encoding="utf-8-sig", errors="surrogateescape")
    except OSError as error:
        raise SlamError(
            f"cannot read {shown}: {error.strerror}",
            "make it readable: slam reads it to leave out what git ignores",
        ) from error
    return IgnorePatterns.of(text.splitlines())


def enclosing_rules(root: Path) -> IgnoreRules:
    """The ``.gitignore`` files above ``root`` (absolute) that git applies inside it:
    those up to the top of the git work tree holding ``root``, if one does.

    None when they ignore ``root`` itself or a folder holding it: git would then leave
    out every file of the project, which the work tree does not hold (a scratch folder,
    a home folder kept in git that ignores ``*``); its own .gitignore files decide.
    """
    if _is_work_tree_top(root):
        return IgnoreRules()
    levels = [root]  # the folders from root up to the top of the work tree
    for folder in root.parents:
        levels.append(folder)
        if _is_work_tree_top(folder):
            break
    else:
        return IgnoreRules()  # not in a git work tree
    top = levels[-1]
    found = []  # (the folder's place below the top, ending in "/"; its patterns)
    for folder in reversed(levels[1:]):
        path = folder / GITIGNORE
        if os.path.isfile(path):
            place = "" if folder == top else folder.relative_to(top).as_posix() + "/"
            found.append((place, read_ignore_file(path, str(path))))
    # from the top's view: each file applies below its folder, the deepest deciding
    for level in reversed(levels[:-1]):
        place = level.relative_to(top).as_posix() + "/"
        above = [
            IgnoreFile(patterns, strip=len(at))
            for at, patterns in found
            if place.startswith(at) and place != at
        ]
        if IgnoreRules(tuple(above)).ignores(place):
            return IgnoreRules()
    project = root.relative_to(top).as_posix() + "/"
    return IgnoreRules(
        tuple(IgnoreFile(patterns, prefix=project[len(at) :]) for at, patterns in found)
    )


def _is_work_tree_top(folder: Path) -> bool:
    # a folder for a repository, a file for a linked work tree or a submodule
    return os.path.lexists(folder / ".git")
