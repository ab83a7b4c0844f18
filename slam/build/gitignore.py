"""The project's ``.gitignore`` files, read with git's rules, git repository or not.

A ``.gitignore`` applies to the folder holding it and everything below, its patterns
relative to that folder. A deeper file's verdict wins over a shallower one's, and in a
file the last matching pattern wins (``!`` puts a path back). When the project sits in
a git work tree, the ``.gitignore`` files of the folders between the top of that work
tree (the nearest folder holding ``.git``) and the project count too, as git applies
them. ``.git/info/exclude`` and the user's global excludes file do not: they are one
machine's settings, and the package must not depend on the machine that builds it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from ..errors import SlamError
from .patterns import compile_patterns, joined

GITIGNORE = ".gitignore"


@dataclass(frozen=True)
class IgnoreFile:
    """One ``.gitignore``: its patterns, and how a project path reads from its folder."""

    spec: GitIgnoreSpec
    prefix: str = ""  # the project's place below the file's folder, ending in "/"
    strip: int = 0  # the length of the file's folder in a project path, "/" included
    # finds the paths some pattern matches: most match none, and need no more
    some_pattern: re.Pattern[str] | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "some_pattern", joined(self.spec))

    def verdict(self, path: str) -> bool | None:
        """True: ignored; False: put back by a ``!`` pattern; None: no pattern matches."""
        path = self.prefix + path[self.strip :]
        if self.some_pattern is None or not self.some_pattern.search(path):
            return None
        result: bool | None = self.spec.check_file(path).include
        return result


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
        spec = read_ignore_file(folder / GITIGNORE, relative + GITIGNORE)
        return IgnoreRules((*self.files, IgnoreFile(spec, strip=len(relative))))


def read_ignore_file(path: Path, shown: str) -> GitIgnoreSpec:
    """The patterns of the ``.gitignore`` at ``path``, called ``shown`` in errors."""
    try:
        # git skips a UTF-8 byte order mark; names it cannot decode still compare
        text = path.read_text(encoding="utf-8-sig", errors="surrogateescape")
    except OSError as error:
        raise SlamError(
            f"cannot read {shown}: {error.strerror}",
            "make it readable: slam reads it to leave out what git ignores",
        ) from error
    return compile_patterns(text.splitlines())


def enclosing_rules(root: Path) -> IgnoreRules:
    """The ``.gitignore`` files above ``root`` (absolute) that git applies inside it:
    those up to the top of the git work tree holding ``root``, if one does."""
    if _is_work_tree_top(root):
        return IgnoreRules()
    folders = []
    for folder in root.parents:
        folders.append(folder)
        if _is_work_tree_top(folder):
            break
    else:
        return IgnoreRules()  # not in a git work tree
    files = []
    for folder in reversed(folders):
        path = folder / GITIGNORE
        if os.path.isfile(path):
            prefix = root.relative_to(folder).as_posix() + "/"
            files.append(IgnoreFile(read_ignore_file(path, str(path)), prefix=prefix))
    return IgnoreRules(tuple(files))


def _is_work_tree_top(folder: Path) -> bool:
    # a folder for a repository, a file for a linked work tree or a submodule
    return os.path.lexists(folder / ".git")
