"""Which of the project's files go into the Lambda package.

Never packaged: ``.slam/`` (build state). Left out by default: virtual environments
(any folder holding ``pyvenv.cfg``), cache folders (any folder holding ``CACHEDIR.TAG``,
as pytest, mypy and ruff write), VCS folders, git's own files (``.gitignore``,
``.gitattributes``, ``.gitmodules``), ``__pycache__``, ``*.pyc``, the configuration file,
earlier ``lambda_package*.zip`` outputs, and what the project's ``.gitignore`` files
ignore (:mod:`.gitignore`). ``package.exclude`` leaves more out; ``package.include``
puts matching files back, even default exclusions. Both hold
patterns in ``.gitignore`` syntax (:mod:`.patterns`), relative to the project folder.

Credential files (:data:`CREDENTIALS`) stay out unless ``package.include`` names them:
a pattern matches the file itself, not only a folder holding it. The walk reports those
it left out, so the build can say so.

Symbolic links are followed, a link's target packaged under the link's name, when the
target is inside the project folder. A link outside it is an error unless
``package.include`` names the link; a broken link or a loop is an error. A link left
out by the rules above is not looked at.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path

from pathspec import GitIgnoreSpec

from ..errors import SlamError
from ..settings import PackageSettings
from . import STATE_DIR
from .gitignore import GITIGNORE, IgnoreRules, enclosing_rules
from .links import LEAVE_OUT_HINT, Link, Project, check_link
from .patterns import any_of, compile_patterns, may_match_below

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj"})
MARKER_FILES = ("pyvenv.cfg", "CACHEDIR.TAG")  # a virtualenv, a cache folder
BYTECODE_SUFFIXES = (".pyc", ".pyo")
GIT_FILES = frozenset({".gitignore", ".gitattributes", ".gitmodules"})  # git's, not the app's
# Well-known files holding credentials, at any depth, in .gitignore syntax.
CREDENTIALS = (
    ".env",
    ".env.*",
    ".aws/",
    ".ssh/",
    "id_rsa",
    "id_rsa.pub",
    "id_ed25519",
    "id_ed25519.pub",
    "id_ecdsa",
    "id_ecdsa.pub",
    "*.pem",
    "*.key",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    "**/.docker/config.json",
)
_CREDENTIALS = any_of(CREDENTIALS)


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
    def _include_each(self) -> list[GitIgnoreSpec]:
        return [compile_patterns([pattern]) for pattern in self.include]

    @cached_property
    def _exclude(self) -> re.Pattern[str] | None:
        return any_of(self.exclude)

    def includes(self, path: str) -> bool:
        """Whether package.include matches ``path`` (a folder's ends with ``/``)."""
        return self._include is not None and self._include.search(path) is not None

    def excludes(self, path: str) -> bool:
        return self._exclude is not None and self._exclude.search(path) is not None

    def names(self, path: str, folder: str) -> bool:
        """Whether a package.include pattern matches ``path`` itself, not only the
        ``folder`` holding it (ending in ``/``; empty for the project folder)."""
        return any(
            spec.match_file(path) and not (folder and spec.match_file(folder))
            for spec in self._include_each
        )

    def may_include_below(self, folder: str) -> bool:
        """Whether an include pattern could match something inside ``folder``."""
        return any(may_match_below(pattern, folder) for pattern in self.include)


def is_credential(path: str) -> bool:
    """Whether ``path`` (a folder's ends with ``/``) is, or is in, a credential file."""
    return _CREDENTIALS is not None and _CREDENTIALS.search(path) is not None


@dataclass(frozen=True)
class ProjectFiles:
    """What goes into the package, and the credential files left out of it."""

    files: tuple[str, ...]  # relative to the project folder, with "/", sorted
    credentials: tuple[str, ...] = ()  # a folder's ends with "/", sorted


def project_files(root: Path, selection: Selection) -> ProjectFiles:
    """The files to package from ``root``, and the credential files left out.

    Raises SlamError for a link outside ``root`` that package.include does not name,
    a broken link, a link loop, and a folder or file that cannot be read.
    """
    project = Project(str(root), os.path.realpath(root))
    walk = _Walk(project, selection)
    rules = enclosing_rules(Path(project.real))
    walk.folder(_Folder(project.root, "", project.real, rules, holders=(project.real,)))
    return ProjectFiles(tuple(sorted(walk.files)), tuple(sorted(walk.credentials)))


class Verdict(Enum):
    PACKAGED = "packaged"
    LEFT_OUT = "left out"
    CREDENTIAL = "left out as a credential file"


@dataclass(frozen=True)
class _Folder:
    """A folder being walked, as the selection sees it."""

    path: str  # where it is listed: through the links that lead to it
    relative: str  # its place in the package: "" or "lib/"
    real: str  # its real path
    rules: IgnoreRules
    left_out: bool = False  # walked only for what package.include may put back
    credential: bool = False  # a credential folder, or one inside it
    holders: tuple[str, ...] = ()  # the real paths of the folders walked to reach it


class _Walk:
    """One walk of the project folder, collecting the files to package."""

    def __init__(self, project: Project, selection: Selection) -> None:
        self.project = project
        self.selection = selection
        self.files: list[str] = []
        self.credentials: list[str] = []

    def folder(self, folder: _Folder) -> None:
        entries = _listing(folder)
        has_gitignore = any(entry.name == GITIGNORE for entry in entries)
        gitignore = os.path.join(folder.path, GITIGNORE)
        if has_gitignore and not folder.left_out and os.path.isfile(gitignore):
            rules = folder.rules.below(Path(folder.path), folder.relative)
            folder = dataclasses.replace(folder, rules=rules)
        for entry in entries:
            relative = folder.relative + entry.name
            if relative == STATE_DIR:
                continue
            if entry.is_symlink():
                self.link(Link.of(entry.path, relative), folder)
            elif entry.is_dir(follow_symlinks=False):
                self.subfolder(entry.path, relative, folder, f"{folder.real}/{entry.name}")
            elif entry.is_file(follow_symlinks=False):
                self.file(entry.path, relative, folder)
            # sockets, pipes and devices are not files to package

    def verdict(self, path: str, folder: _Folder, by_default: bool) -> Verdict:
        """What becomes of ``path`` (a folder's ends with ``/``) in ``folder``."""
        included = self.selection.includes(path)
        if self._credential(path, folder):
            # said only when nothing but this rule leaves it out
            left_out = not included and self._left_out(path, folder, by_default)
            return Verdict.LEFT_OUT if left_out else Verdict.CREDENTIAL
        if included or not self._left_out(path, folder, by_default):
            return Verdict.PACKAGED
        return Verdict.LEFT_OUT

    def _credential(self, path: str, folder: _Folder) -> bool:
        """Whether ``path`` is a credential file package.include does not name."""
        return (
            not folder.credential
            and is_credential(path)
            and not self.selection.names(path, folder.relative)
        )

    def _left_out(self, path: str, folder: _Folder, by_default: bool) -> bool:
        return (
            folder.left_out
            or by_default
            or folder.rules.ignores(path)
            or self.selection.excludes(path)
        )

    def file(self, path: str, relative: str, folder: _Folder) -> None:
        by_default = _file_left_out_by_default(relative, self.selection.config_file)
        verdict = self.verdict(relative, folder, by_default)
        if verdict is Verdict.CREDENTIAL:
            self.credentials.append(relative)
        elif verdict is Verdict.PACKAGED:
            if not os.access(path, os.R_OK):
                raise SlamError(
                    f"cannot read {relative}: {os.strerror(errno.EACCES)}",
                    f"make it readable, {LEAVE_OUT_HINT}",
                )
            self.files.append(relative)

    def subfolder(self, path: str, relative: str, folder: _Folder, real: str) -> None:
        by_default = _folder_left_out_by_default(path)
        verdict = self.verdict(relative + "/", folder, by_default)
        if verdict is Verdict.CREDENTIAL:
            self.credentials.append(relative + "/")
        packaged = verdict is Verdict.PACKAGED
        if packaged or self.selection.may_include_below(relative):
            below = _Folder(
                path,
                relative + "/",
                real,
                folder.rules,
                left_out=not packaged,
                credential=folder.credential or is_credential(relative + "/"),
                holders=(*folder.holders, real),
            )
            self.folder(below)

    def link(self, link: Link, folder: _Folder) -> None:
        path = link.package_path
        by_default = (
            _folder_left_out_by_default(link.path)
            if link.kind == "folder"
            else _file_left_out_by_default(link.relative, self.selection.config_file)
        )
        verdict = self.verdict(path, folder, by_default)
        if verdict is Verdict.CREDENTIAL:
            self.credentials.append(path)
        if verdict is not Verdict.PACKAGED:
            return  # a link left out is neither followed nor judged
        named = self.selection.names(path, folder.relative)
        check_link(link, self.project, folder.holders, named)
        if not named and self._leads_to_credentials(link):
            return
        if link.kind == "folder":
            self.subfolder(link.path, link.relative, folder, link.real)
        elif link.kind == "file":
            self.file(link.path, link.relative, folder)

    def _leads_to_credentials(self, link: Link) -> bool:
        """Whether ``link``, leading inside the project, leads to a credential file, and
        so is left out as that file is (said, with what it leads to)."""
        target = self.project.relative(link.real) + ("/" if link.kind == "folder" else "")
        if not is_credential(target):
            return False
        self.credentials.append(f"{link.package_path} (a link to {target})")
        return True


def _listing(folder: _Folder) -> list[os.DirEntry[str]]:
    """The folder's entries, sorted by name; SlamError naming it when it cannot be read."""
    try:
        if not os.access(folder.path, os.R_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        with os.scandir(folder.path) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        raise SlamError(
            f"cannot read the folder {folder.relative.rstrip('/') or '.'}: {error.strerror}",
            "make it readable, or leave it out with .gitignore or with package.exclude "
            "in slam.yaml",
        ) from error


def _folder_left_out_by_default(path: str) -> bool:
    name = os.path.basename(path)
    return (
        name in VCS_DIRS
        or name == "__pycache__"
        # isfile, not Path.is_file: an unreadable folder is reported as itself later
        or any(os.path.isfile(os.path.join(path, marker)) for marker in MARKER_FILES)
    )


def _file_left_out_by_default(relative: str, config_file: str) -> bool:
    name = relative.rpartition("/")[2]
    return (
        relative == config_file
        or name in GIT_FILES
        or name.endswith(BYTECODE_SUFFIXES)
        or (name.startswith("lambda_package") and name.endswith(".zip"))
    )
