"""Byte-compiled files for the package, so Lambda's cold starts skip compiling.

Lambda's code folder is read-only: without .pyc files in the zip, every cold start
compiles every module it imports. Bytecode belongs to one Python version, so slam
writes it with a Python of the runtime's version (see :mod:`.interpreters`); without
one, the package ships sources only, and ``slam build`` says so.

The files are PEP 552 *checked-hash* pycs: they hold no timestamp (so the zip stays
reproducible), and Python checks each against its source's hash when importing, so a
source edited after the build (in the Lambda console, say) is still what runs. The
check reads and hashes the source, which costs far less than compiling it:
``benchmarks/build.py`` measures both.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import SlamError

WORKER = Path(__file__).with_name("bytecode_worker.py")


@dataclass(frozen=True)
class Compiled:
    """What byte-compiling wrote (pyc names, relative to the output folder, sorted), and
    the sources that do not compile, each with why (``("helper.py", "line 2: ...")``)."""

    written: tuple[str, ...]
    not_compiled: tuple[tuple[str, str], ...] = ()


def compile_sources(
    sources: Mapping[str, Path], output: Path, python: str = sys.executable, checked: bool = True
) -> Compiled:
    """Write a .pyc under ``output`` for each ``{name in the zip: source file}``.

    ``python`` is the interpreter that compiles (its version's bytecode is written).
    A source that does not compile gets no .pyc and is named in the result; any other
    failure is a one-line SlamError, the worker's own output going to standard error,
    which the build shows only with --debug.
    """
    if not sources:
        return Compiled(())
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
        sys.stderr.write(result.stderr)  # the build's steps show it with --debug only
        raise SlamError(
            f"byte-compiling the package with {python} failed: {_failure(result)}",
            "fix the file it names, or leave it out with package.exclude in slam.yaml; "
            "--debug shows the compiler's output",
        )
    answer = json.loads(result.stdout)
    return Compiled(
        tuple(sorted(answer["written"])),
        tuple((name, why) for name, why in answer["not_compiled"]),
    )


def _failure(result: subprocess.CompletedProcess[str]) -> str:
    """The file and error the worker names, or the last line it wrote when it crashed."""
    try:
        return str(json.loads(result.stdout)["failed"])
    except (ValueError, KeyError, TypeError):
        lines = result.stderr.strip().splitlines()
        return lines[-1] if lines else f"exit code {result.returncode}"
