"""Symbolic links in the project: where each one leads, and why one cannot be packaged.

One rule, for links to files and to folders alike: a link is followed, its target's
content packaged under the link's name, when the target is inside the project folder.
A link leading outside is an error unless package.include names it; a broken link, or
a loop (links leading to each other, or to a folder that holds the link), is an error.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

from ..errors import SlamError

LEAVE_OUT_HINT = "or leave it out with package.exclude in slam.yaml"
_NO_TARGET = {errno.ENOENT: "missing", errno.ENOTDIR: "missing", errno.ELOOP: "loop"}
_MAX_LINKS = 40  # Linux's limit on the links followed in one path


@dataclass(frozen=True)
class Link:
    """A symbolic link, and where it leads."""

    path: str  # where it is, through the links that lead to its folder
    relative: str  # its place in the package
    real: str  # its target's real path; empty when there is none
    kind: str  # "file", "folder", "other"; else "missing", "loop" or "unreadable"
    error: str = ""  # the system's words, when the target cannot be reached

    @classmethod
    def of(cls, path: str, relative: str) -> Link:
        try:
            real = os.path.realpath(path, strict=True)
            mode = os.stat(real).st_mode
        except OSError as error:
            kind = _NO_TARGET.get(error.errno or 0, "unreadable")
            return cls(path, relative, "", kind, error.strerror or str(error))
        kind = "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"
        return cls(path, relative, real, kind)

    @property
    def package_path(self) -> str:
        """The link's path as the selection reads it: a folder's ends with ``/``."""
        return self.relative + "/" if self.kind == "folder" else self.relative


@dataclass(frozen=True)
class Project:
    """The project folder, as given (``root``) and with its links resolved (``real``)."""

    root: str
    real: str

    def holds(self, real: str) -> bool:
        return holds(self.real, real)

    def relative(self, real: str) -> str:
        """A real path inside the project, relative to it, with ``/``."""
        return os.path.relpath(real, self.real).replace(os.sep, "/")

    def shown(self, real: str) -> str:
        """A real path as a message shows it: relative to the project when inside."""
        if real == self.real:
            return "the project folder"
        return self.relative(real) if self.holds(real) else real


def holds(folder: str, path: str) -> bool:
    """Whether the real path ``path`` is ``folder`` or inside it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def check_link(link: Link, project: Project, holders: tuple[str, ...], named: bool) -> None:
    """Raise SlamError unless ``link`` may be followed: it leads to a file or folder,
    not to one of ``holders`` (the real paths of the folders holding it) or a folder
    around them, and inside the project unless package.include names it (``named``)."""
    fix = f"correct or remove the link, {LEAVE_OUT_HINT}"
    if link.kind == "missing":
        target = _target(link.path)
        raise SlamError(f"the link {link.relative} is broken: {target} does not exist", fix)
    if link.kind == "loop":
        raise SlamError(f"the link {link.relative} is a loop: {_chain(link, project)}", fix)
    if link.kind == "unreadable":
        raise SlamError(
            f"cannot follow the link {link.relative} to {_target(link.path)}: {link.error}",
            f"make its target readable, {LEAVE_OUT_HINT}",
        )
    if any(holds(link.real, holder) for holder in holders):
        where = project.shown(link.real)
        raise SlamError(
            f"the link {link.relative} is a loop: it points to {where}, which holds it", fix
        )
    if not named and not project.holds(link.real):
        raise SlamError(
            f"the link {link.relative} points outside the project folder, to {link.real}",
            f"to package it anyway, name {link.relative} in package.include in slam.yaml; "
            f"else remove the link, {LEAVE_OUT_HINT}",
        )


def _target(path: str) -> str:
    """What the link at ``path`` says it points to."""
    return os.readlink(path)


def _chain(link: Link, project: Project) -> str:
    """The links of a loop, as ``a -> b -> a``; it stops where the loop goes on through
    a folder of the last target, whose own links then show it."""
    path = link.path
    shown = [link.relative]
    for _ in range(_MAX_LINKS):
        path = os.path.normpath(os.path.join(os.path.dirname(path), _target(path)))
        inside = holds(project.root, path) and path != project.root
        shown.append(os.path.relpath(path, project.root) if inside else path)
        if shown[-1] in shown[:-1] or not os.path.islink(path):
            break
    return " -> ".join(shown)
