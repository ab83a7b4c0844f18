"""Byte-compiled files for the package, so Lambda's cold starts skip compiling.

Lambda's code folder is read-only: without .pyc files in the zip, every cold start
compiles every module it imports. Bytecode belongs to one Python version, so slam
writes it with an interpreter of the runtime's version: the one running slam when it
is that version, else ``python3.X`` from PATH (see :func:`interpreter_for`). With
neither, the package ships sources only, and ``slam build`` says so.

The files are PEP 552 *checked-hash* pycs: they hold no timestamp (so the zip stays
reproducible), and Python checks each against its source's hash when importing, so a
source edited after the build (in the Lambda console, say) is still what runs. The
check reads and hashes the source, which costs far less than compiling it:
``benchmarks/build.py`` measures both.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import SlamError

WORKER = Path(__file__).with_name("bytecode_worker.py")
_VERSION_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"


@dataclass(frozen=True)
class Interpreter:
    """The Python that writes a package's bytecode, or why there is none."""

    version: str  # "3.12"
    python: str | None
    missing: str = ""  # why there is no interpreter: "no python3.12 on PATH"

    @property
    def note(self) -> str:
        """What ``slam build`` says when there is no interpreter; "" when there is one."""
        if self.python:
            return ""
        return (
            f"Note: no bytecode in the package: {self.missing}. Each cold start compiles the"
            f" code; put a Python {self.version} on PATH as python{self.version} to ship it."
        )


def interpreter_for(version: str) -> Interpreter:
    """The interpreter for Lambda's Python ``version`` (``"3.12"``).

    The running Python when it is that version; else ``python3.12`` from PATH, once it
    has said it is Python 3.12 (a pyenv shim may name a version it cannot run).
    """
    return _interpreter_for(version, os.environ.get("PATH", os.defpath))


@functools.cache
def _interpreter_for(version: str, search_path: str) -> Interpreter:
    if version == f"{sys.version_info[0]}.{sys.version_info[1]}":
        return Interpreter(version, sys.executable)
    name = f"python{version}"
    found = shutil.which(name, path=search_path)
    if found is None:
        return Interpreter(version, None, f"no {name} on PATH")
    try:
        probe = subprocess.run(
            [found, "-I", "-S", "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Interpreter(version, None, f"{name} on PATH ({found}) does not run: {error}")
    actual = probe.stdout.strip()
    if probe.returncode != 0 or actual != version:
        said = f"is Python {actual}" if actual else "does not run"
        return Interpreter(version, None, f"{name} on PATH ({found}) {said}")
    return Interpreter(version, found)


def compile_sources(
    sources: Mapping[str, Path], output: Path, python: str = sys.executable, checked: bool = True
) -> list[str]:
    """Write a .pyc under ``output`` for each ``{name in the zip: source file}``.

    ``python`` is the interpreter that compiles (its version's bytecode is written).
    Returns the names of the .pyc files written (relative to ``output``), sorted.
    """
    if not sources:
        return []
    request = {
        "output": str(output),
        "files": [[name, str(path)] for name, path in sorted(sources.items())],
        "checked": checked,
    }
    result = subprocess.run(
        [python, "-I", "-S", str(WORKER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise SlamError(
            f"byte-compiling the package failed: {last_line}",
            "re-run with --debug, and report it to slam's issue tracker",
        )
    return sorted(json.loads(result.stdout))
