"""Byte-compiled files for the package, so Lambda's cold starts skip compiling.

Lambda's code folder is read-only: without .pyc files in the zip, every cold start
compiles every module it imports. slam writes them when the build's Python is the
runtime's version, as PEP 552 *checked-hash* pycs: they hold no timestamp (so the zip
stays reproducible), and Python checks each against its source's hash when importing,
so a source edited after the build (in the Lambda console, say) is still what runs.
The check reads and hashes the source, which costs far less than compiling it:
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


def compile_sources(sources: Mapping[str, Path], output: Path, checked: bool = True) -> list[str]:
    """Write a .pyc under ``output`` for each ``{name in the zip: source file}``.

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
        [sys.executable, "-I", "-S", str(WORKER)],
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
