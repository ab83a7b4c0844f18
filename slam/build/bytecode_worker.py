"""Compile Python files to hash-based .pyc files; run by slam.build.bytecode as a script.

It runs as ``python -I -S bytecode_worker.py``, in a fresh interpreter that imports
almost nothing, because marshal's output depends on what else the process holds
(shared strings are written as back-references): compiling inside slam, or inside
a user's doit run, would make the bytes differ from run to run.

Reads JSON ``{"output": folder, "files": [[name, source path], ...], "checked": bool}``
from stdin, writes each ``<output>/<cache path of name>`` and prints JSON
``{"written": [name, ...], "not_compiled": [[name, "line N: why"], ...]}``. Files whose
source does not compile (Python 2 leftovers, templates) get no .pyc, as with compileall,
and are listed. Any other failure ends the run with exit code 1, its traceback on
stderr and ``{"failed": "<name>: <error>"}`` on stdout. Standard library only.
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


class CompileFailed(Exception):
    """A file that could not be compiled for a reason other than its source."""


def not_compiled_reason(error: SyntaxError | ValueError) -> str:
    """Why a source does not compile, in one line: ``line 2: invalid syntax``."""
    if isinstance(error, SyntaxError):
        return f"line {error.lineno}: {error.msg}" if error.lineno else str(error.msg)
    return str(error)  # "source code string cannot contain null bytes"


def compile_files(
    output: str, files: list[list[str]], checked: bool
) -> tuple[list[str], list[list[str]]]:
    """The names of the pycs written, and ``[name, why]`` for each source that does not compile."""
    written: list[str] = []
    not_compiled: list[list[str]] = []
    for name, source_path in files:
        try:
            pyc_name = _compile_file(output, name, source_path, checked)
        except (SyntaxError, ValueError) as error:
            not_compiled.append([name, not_compiled_reason(error)])
        except Exception as error:  # unreadable, unwritable, too deep to compile...
            raise CompileFailed(f"{name}: {type(error).__name__}: {error}") from error
        else:
            written.append(pyc_name)
    return written, not_compiled


def _compile_file(output: str, name: str, source_path: str, checked: bool) -> str:
    with open(source_path, "rb") as source_file:
        source = source_file.read()
    data = pyc_bytes(source, TASK_ROOT + name, checked)
    pyc_name = importlib.util.cache_from_source(name)
    target = os.path.join(output, pyc_name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as pyc_file:
        pyc_file.write(data)
    return pyc_name


def main() -> int:
    warnings.simplefilter("ignore")  # SyntaxWarnings in third-party code are not ours to show
    request = json.load(sys.stdin)
    try:
        written, not_compiled = compile_files(
            request["output"], request["files"], request["checked"]
        )
    except CompileFailed as failure:
        import traceback  # only now: what the process holds changes marshal's output

        traceback.print_exc()
        json.dump({"failed": str(failure)}, sys.stdout)
        return 1
    json.dump({"written": written, "not_compiled": not_compiled}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
