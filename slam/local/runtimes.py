"""What a Lambda Python runtime brings besides the function's code, found on this machine.

- :func:`python_for`: a Python of the runtime's version (``python3.12`` from PATH, as
  ``slam build`` finds one), else the nearest version here, with a warning saying so.
- :func:`runtime_libraries`: a folder holding the libraries Lambda's runtime provides
  to every function (boto3 and what it needs), linked from slam's own environment.
- :func:`unpack`: a function's zip, unpacked as Lambda unpacks it into its code folder.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import shutil
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..build.interpreters import interpreter_for

# The Python 3 minor versions worth looking for, oldest to newest.
_MINORS = range(8, 16)
# What Lambda's Python runtimes hold besides the standard library: boto3 and its needs.
RUNTIME_LIBRARIES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


class UnsupportedRuntime(ValueError):
    """The function's runtime is not one of Lambda's Python runtimes."""


@dataclass(frozen=True)
class Python:
    """The Python that runs a runtime's functions, and a warning when it is another version."""

    path: str
    version: str
    warning: str = ""


def python_version(runtime: str) -> tuple[int, int]:
    """``(3, 12)`` for ``python3.12``; UnsupportedRuntime for any other runtime."""
    name, _, minor = runtime.partition("python3.")
    if name or not minor.isdigit():
        raise UnsupportedRuntime(f"the local AWS runs Python functions only, not {runtime}")
    return 3, int(minor)


@functools.cache
def python_for(runtime: str) -> Python:
    """The Python for ``runtime``'s functions: its version if found, else the nearest one."""
    major, minor = python_version(runtime)
    wanted = interpreter_for(f"{major}.{minor}")
    if wanted.path:
        return Python(_real_executable(wanted.path), wanted.version)
    # the running Python is always among them; of two as near, the newer one
    found = [
        interpreter
        for other in _MINORS
        if (interpreter := interpreter_for(f"3.{other}")).path is not None
    ]
    nearest = min(
        found,
        key=lambda interpreter: (
            abs(_minor(interpreter.version) - minor),
            -_minor(interpreter.version),
        ),
    )
    assert nearest.path is not None
    warning = (
        f"{runtime} functions run on Python {nearest.version}, the nearest this machine has:"
        f" {wanted.missing}"
    )
    return Python(_real_executable(nearest.path), nearest.version, warning)


def _minor(version: str) -> int:
    return int(version.partition(".")[2])


@functools.cache
def _real_executable(path: str) -> str:
    """The interpreter behind ``path``, so that a pyenv shim is not run at every cold start."""
    if path == sys.executable:
        return path
    probe = subprocess.run(
        [path, "-I", "-S", "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    real = probe.stdout.strip()
    return real if probe.returncode == 0 and real else path


def runtime_libraries(folder: Path) -> Path:
    """Fill ``folder`` with links to the libraries every Lambda Python runtime provides."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        locations = spec.submodule_search_locations
        source = Path(next(iter(locations))) if locations else Path(spec.origin)
        link = folder / source.name
        if not link.exists():
            link.symlink_to(source)
    return folder


def unpack(package: bytes, folder: Path) -> Path:
    """Unpack a function's zip into ``folder`` (once: an existing folder is kept as it is).

    An empty or damaged package gives an empty folder, where the handler cannot be found.
    """
    if folder.is_dir():
        return folder
    partial = folder.with_name(f"{folder.name}.{uuid.uuid4().hex}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            archive.extractall(partial)
            for member in archive.infolist():
                mode = member.external_attr >> 16 & 0o777
                if mode and not member.is_dir():
                    (partial / member.filename).chmod(mode)
    except zipfile.BadZipFile:
        pass
    try:
        partial.rename(folder)
    except OSError:  # another thread unpacked it first
        shutil.rmtree(partial, ignore_errors=True)
    return folder
