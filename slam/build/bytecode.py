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
from pathlib import Path

from ..errors import SlamError

WORKER = Path(__file__).with_name("bytecode_worker.py")


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
