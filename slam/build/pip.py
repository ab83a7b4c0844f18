"""pip, run in a subprocess with its full output in a log file, and its errors in plain words."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import SlamError
from .lambda_platform import LambdaPlatform

NO_MATCH_RE = re.compile(r"No matching distribution found for (\S+)")
NAME_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")
# Requirements-file options that say where packages come from: the local wheel builds
# need them too.
INDEX_OPTIONS = {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host"}
INDEX_FLAGS = {"--no-index", "--pre", "--prefer-binary"}
INCLUDE_OPTIONS = {"-r", "--requirement", "-c", "--constraint"}
ERROR_LINES_SHOWN = 5


@dataclass(frozen=True)
class PipResult:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def missing_distribution(self) -> str | None:
        """The requirement pip found no compatible distribution for, if that is the error."""
        match = NO_MATCH_RE.search(self.output)
        return match[1] if match else None

    def error_lines(self) -> list[str]:
        """pip's ERROR lines, else the last lines of its output."""
        lines = [line.rstrip() for line in self.output.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR:")]
        return (errors or lines)[-ERROR_LINES_SHOWN:]

    def indented_errors(self) -> str:
        """The error lines, indented to sit under slam's own message."""
        return "\n".join(f"  {line}" for line in self.error_lines())


def fresh_folder(folder: Path) -> Path:
    """``folder``, emptied (or created) for pip to write into."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


class Pip:
    """Runs this Python's pip in the folder ``cwd``, appending everything it prints to ``log``.

    With ``markers_for``, another interpreter, pip runs for that one (its ``--python``
    option): environment markers are then evaluated for that Python's version. pip
    reads a requirement's relative path (``./libs/x``) from ``cwd``.
    """

    def __init__(self, log: Path, cwd: Path, markers_for: str | None = None) -> None:
        self.log = log
        self.cwd = cwd
        self.options = ["--disable-pip-version-check", "--no-input"]
        if markers_for and markers_for != sys.executable:
            self.options += ["--python", markers_for]

    def run(self, *args: str | Path) -> PipResult:
        command = [sys.executable, "-m", "pip", *self.options, *(str(arg) for arg in args)]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"$ {shlex.join(command)}\n")
            log.flush()
            start = log.tell()
            completed = subprocess.run(
                command,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        with self.log.open(encoding="utf-8", errors="replace") as log:
            log.seek(start)
            return PipResult(completed.returncode, log.read())


def _option_lines(path: Path) -> Iterator[tuple[str, str | None]]:
    """(option, value) for each option line of a requirements file."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8", errors="replace"))
    for line in text.splitlines():
        try:
            words = shlex.split(re.sub(r"(^|\s)#.*", "", line))
        except ValueError:
            continue
        if not words or not words[0].startswith("-"):
            continue
        option, _, value = words[0].partition("=")
        yield option, value or (words[1] if len(words) > 1 else None)


@dataclass(frozen=True)
class RequirementsFile:
    """A requirements file: the files it pulls in, and its index options."""

    path: Path

    def files(self) -> list[Path]:
        """This file and the existing ones it includes with -r / -c, at any depth."""
        files = [self.path]
        for path in files:  # grows while it is read
            for option, value in _option_lines(path):
                included = Path(os.path.normpath(path.parent / (value or "")))
                if option in INCLUDE_OPTIONS and value and included.is_file():
                    files += [] if included in files else [included]
        return files

    def index_options(self) -> list[str]:
        """The options saying where packages come from, with local paths made absolute."""
        options: list[str] = []
        for path in self.files():
            for option, value in _option_lines(path):
                if option in INDEX_FLAGS:
                    options.append(option)
                elif option in INDEX_OPTIONS and value:
                    local = path.parent / value
                    options += [option, str(local) if local.exists() else value]
        return options


def requirement_name(spec: str) -> str:
    match = NAME_RE.match(spec)
    return match[0] if match else spec


def sdist_version(filename: str) -> str:
    stem = next((filename[: -len(s)] for s in SDIST_SUFFIXES if filename.endswith(s)), filename)
    return stem.rpartition("-")[2]


@dataclass(frozen=True)
class WheelBuild:
    """Building a wheel locally for a requirement Lambda's platform has none for."""

    pip: Pip
    platform: LambdaPlatform
    requirements: RequirementsFile
    scratch: Path

    def build(self, spec: str, wheels: Path) -> str:
        """Build ``spec``'s wheel into ``wheels`` if it is pure Python; returns "name version"."""
        name = requirement_name(spec)
        index = self.requirements.index_options()
        downloads = fresh_folder(self.scratch / "sdists")
        download = self.pip.run(
            "download", "--no-deps", "--no-binary", name, "--dest", downloads, *index, spec
        )
        if not download.ok:
            raise SlamError(
                f"{spec} has no wheel for {self.platform}, and pip found no source "
                "distribution to build one from:\n" + download.indented_errors(),
                f"check its name and version in {self.requirements.path.name}; "
                f"pip's full output is in {self.pip.log}",
            )
        sdist = min(downloads.iterdir())
        version = sdist_version(sdist.name)
        built = fresh_folder(self.scratch / "wheel")
        if not self.pip.run("wheel", "--no-deps", "--wheel-dir", built, *index, sdist).ok:
            raise SlamError(
                f"{name} {version} has no wheel for {self.platform}, and building one "
                "from its source distribution failed",
                f"pip's full output is in {self.pip.log}",
            )
        wheel = min(built.glob("*.whl"))
        if not wheel.name.endswith("-none-any.whl"):
            raise SlamError(
                f"{name} {version} has no wheel for {self.platform}, and its source "
                "distribution holds compiled code, which slam can only build for this machine",
                f"use a version of {name} that publishes manylinux wheels for "
                f"{self.platform.machine}, or build its wheel for Lambda (e.g. in the "
                f"public.ecr.aws/lambda/python:{self.platform.python_version} image) and "
                f"add its folder to {self.requirements.path.name} with --find-links",
            )
        wheels.mkdir(parents=True, exist_ok=True)
        shutil.move(wheel, wheels / wheel.name)
        return f"{name} {version}"
