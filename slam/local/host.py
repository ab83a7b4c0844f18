"""Whether this machine can load the package's compiled wheels, and the same requirements
installed for this machine when it cannot.

A package's dependencies are wheels for Lambda: Linux with glibc, the function's
architecture and its runtime's Python version. On a machine like that, ``slam serve``
runs the very package that would be deployed. On any other (macOS, another
architecture, another Python version for the worker) compiled extensions cannot load,
so serve installs the same requirements for this machine, once, into
``.slam/host-deps/``, and runs the package's own files with those.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically
from ..build.lambda_platform import LambdaPlatform
from ..build.pip import Pip, RequirementsFile, fresh_folder
from ..errors import SlamError

# platform.machine()'s names, in Lambda's
ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
SYSTEMS = {"Darwin": "macOS"}


@dataclass(frozen=True)
class Machine:
    """What decides which wheels load: the system, its architecture, its C library, and
    the version of the Python that runs the function's workers."""

    system: str  # platform.system(): "Linux", "Darwin", "Windows"
    machine: str  # platform.machine(): "x86_64", "arm64", "aarch64", "AMD64"
    libc: str  # platform.libc_ver()[0]: "glibc" on most Linux systems
    python_version: str  # "3.12"

    @classmethod
    def this(cls, python_version: str) -> Machine:
        """This machine, running workers with a Python of ``python_version``."""
        return cls(platform.system(), platform.machine(), platform.libc_ver()[0], python_version)

    @property
    def architecture(self) -> str:
        return ARCHITECTURES.get(self.machine.lower(), self.machine)

    def __str__(self) -> str:
        return f"{SYSTEMS.get(self.system, self.system)} {self.architecture}"


def foreign_reason(machine: Machine, function: LambdaPlatform) -> str | None:
    """Why ``machine`` cannot load wheels built for ``function``'s platform; None if it can."""
    wanted = f"Linux {function.architecture} with Python {function.python_version}"
    if machine.system != "Linux" or machine.architecture != function.architecture:
        return f"this machine runs {machine}, the function {wanted}"
    if machine.libc != "glibc":
        return "this Linux has no glibc, which the function's manylinux wheels need"
    if machine.python_version != function.python_version:
        return (
            f"workers run Python {machine.python_version} here, the function"
            f" Python {function.python_version}"
        )
    return None


@dataclass(frozen=True)
class HostDependencies:
    """The project's requirements, installed for this machine's worker Python."""

    requirements: Path  # the requirements file; it may not exist
    folder: Path  # .slam/host-deps
    python: str  # the worker's Python
    log: Path

    @property
    def stamp_file(self) -> Path:
        return self.folder.with_name(self.folder.name + ".json")

    def stamp(self) -> dict[str, object]:
        """What the installed folder depends on: the requirements' content, the Python."""
        files = RequirementsFile(self.requirements).files() if self.requirements.is_file() else []
        return {
            "requirements": {
                str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in files
            },
            "python": self.python,
            "machine": platform.machine(),
        }

    def up_to_date(self) -> bool:
        try:
            return bool(json.loads(self.stamp_file.read_text()) == self.stamp())
        except (OSError, ValueError):
            return False

    def install(self) -> None:
        """Install the requirements for this machine into the folder, replacing it."""
        staging = fresh_folder(self.folder.with_name(self.folder.name + ".partial"))
        if self.requirements.is_file():
            self.log.parent.mkdir(parents=True, exist_ok=True)
            self.log.write_text("")
            pip = Pip(self.log, self.requirements.parent, markers_for=self.python)
            result = pip.run("install", "--target", staging, "-r", self.requirements)
            if not result.ok:
                shutil.rmtree(staging, ignore_errors=True)
                raise SlamError(
                    f"pip could not install {self.requirements.name} for this machine:\n"
                    + result.indented_errors(),
                    f"pip's full output is in {self.log}",
                )
        shutil.rmtree(self.folder, ignore_errors=True)
        staging.rename(self.folder)
        write_atomically(self.stamp_file, json.dumps(self.stamp(), indent=2) + "\n")
