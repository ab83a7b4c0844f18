"""A Python of the Lambda runtime's version, for the build steps that need one.

pip evaluates environment markers (``tomli; python_version < "3.11"``, in the
requirements and in every dependency's metadata) for the Python that runs it, whatever
``--python-version`` says; bytecode belongs to one Python version. So the deps step
runs pip for a Python of the runtime's version (pip's ``--python``), and both steps
write bytecode with it. That Python is the one running slam when it is the runtime's
version, else ``python3.X`` from PATH, as pyenv, deadsnakes, Homebrew and the
python.org installers provide. Without one, ``slam build`` says what that costs.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

_VERSION_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"
_OWN_VERSION = f"{sys.version_info[0]}.{sys.version_info[1]}"


@dataclass(frozen=True)
class Interpreter:
    """A Python of the runtime's version, or why there is none."""

    version: str  # "3.12"
    path: str | None
    missing: str = ""  # why there is no interpreter: "no python3.12 on PATH"

    @property
    def note(self) -> str:
        """What ``slam build`` says when there is no interpreter; "" when there is one."""
        if self.path:
            return ""
        return (
            f"Note: {self.missing}, so pip chose the requirements' conditional dependencies"
            f" (python_version markers) for Python {_OWN_VERSION}, and the package has no bytecode:"
            f" each cold start compiles the code.\n"
            f"Put a Python {self.version} on PATH as python{self.version} to build for"
            f" Python {self.version} exactly."
        )


def interpreter_for(version: str) -> Interpreter:
    """The interpreter for Lambda's Python ``version`` (``"3.12"``).

    The running Python when it is that version; else ``python3.12`` from PATH, once it
    has said it is Python 3.12 (a pyenv shim may name a version it cannot run).
    """
    return _interpreter_for(version, os.environ.get("PATH", os.defpath))


@functools.cache
def _interpreter_for(version: str, search_path: str) -> Interpreter:
    if version == _OWN_VERSION:
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
            timeout=10,  # printing its version takes a Python milliseconds
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Interpreter(version, None, f"{name} on PATH ({found}) does not run: {error}")
    actual = probe.stdout.strip()
    if probe.returncode != 0 or actual != version:
        said = f"is Python {actual}" if actual else "does not run"
        return Interpreter(version, None, f"{name} on PATH ({found}) {said}")
    return Interpreter(version, found)
