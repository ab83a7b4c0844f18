"""Compile Python files to hash-based .pyc files; run by slam.build.bytecode as a script.

It runs as ``python -I -S bytecode_worker.py``, in a fresh interpreter that imports
almost nothing, because marshal's output depends on what else the process holds
(shared strings are written as back-references): compiling inside slam, or inside
a user's doit run, would make the bytes differ from run to run.

Reads JSON ``{"output": folder, "files": [[name, source path], ...], "checked": bool}``
from stdin, writes each ``<output>/<cache path of name>`` and prints the written names as a
JSON list. Files that do not compile (Python 2 leftovers, templates) get no .pyc,
as with compileall. Standard library only.
"""

from __future__ import annotations

import importlib.util
import json
import marshal
import os
import sys
import warnings

TASK_ROOT = "/var/task/"  # where Lambda unpacks the zip: tracebacks name these paths


def pyc_bytes(source: bytes, filename: str, checked: bool) -> bytes:
    """A hash-based pyc (PEP 552), as py_compile writes it, for ``source``."""
    code = compile(source, filename, "exec", dont_inherit=True)
    flags = 0b01 | (0b10 if checked else 0)
    return (
        importlib.util.MAGIC_NUMBER
        + flags.to_bytes(4, "little")
        + importlib.util.source_hash(source)
        + marshal.dumps(code)
    )


def compile_files(output: str, files: list[list[str]], checked: bool) -> list[str]:
    written = []
    for name, source_path in files:
        with open(source_path, "rb") as source_file:
            source = source_file.read()
        try:
            data = pyc_bytes(source, TASK_ROOT + name, checked)
        except (SyntaxError, ValueError):
            continue
        pyc_name = importlib.util.cache_from_source(name)
        target = os.path.join(output, pyc_name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as pyc_file:
            pyc_file.write(data)
        written.append(pyc_name)
    return written


def main() -> None:
    warnings.simplefilter("ignore")  # SyntaxWarnings in third-party code are not ours to show
    request = json.load(sys.stdin)
    json.dump(compile_files(request["output"], request["files"], request["checked"]), sys.stdout)


if __name__ == "__main__":
    main()
