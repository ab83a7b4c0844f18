"""What ``slam serve`` prints, as development servers print it, one writer at a time.

- a line per request: ``12:04:05 GET /dev/tasks?page=2 200 3.1 ms``;
- the function's own output (its prints, logging records, tracebacks), without
  Lambda's ``START``, ``END`` and ``REPORT`` lines around each invocation, and with
  the project's own files named where they are, not where the unpacked build has them;
- reloads, and errors as slam reports them (``slam: error:`` and ``hint:`` lines).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..errors import SlamError
from .worker import LogEntry

# The lines Lambda's log frames each invocation with: not the function's own output.
FRAMING = ("START RequestId: ", "END RequestId: ", "REPORT RequestId: ", "INIT_REPORT ")
TRACEBACK_FILE = re.compile(r'File "([^"]+)"')


class Console:
    """Whole lines to one stream, from any thread."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._lock = threading.Lock()
        # (unpacked build, project): tracebacks name the project's files in the project
        self.sources: tuple[Path, Path] | None = None

    def write(self, text: str) -> None:
        """Write ``text``, ending it with a newline if it has none."""
        if not text:
            return
        with self._lock:
            self.out.write(text if text.endswith("\n") else text + "\n")
            self.out.flush()

    def request(self, method: str, target: str, status: int, seconds: float) -> None:
        stamp = time.strftime("%H:%M:%S")
        self.write(f"{stamp} {method} {target} {status} {seconds * 1000:.1f} ms")

    def function_output(self, entries: Iterable[LogEntry]) -> None:
        """What a function wrote during an invocation or an init."""
        text = "".join(e.message for e in entries if not e.message.startswith(FRAMING))
        self.write(TRACEBACK_FILE.sub(self._source, text) if self.sources else text)

    def _source(self, found: re.Match[str]) -> str:
        assert self.sources is not None
        unpacked, project = self.sources
        try:
            relative = Path(found.group(1)).relative_to(unpacked)
        except ValueError:
            return found.group(0)
        source = project / relative
        return f'File "{source}"' if source.is_file() else found.group(0)

    def error(self, error: SlamError) -> None:
        lines = []
        for message, hint in error.lines():
            lines.append(f"slam: error: {message}")
            if hint:
                lines.append(f"hint: {hint}")
        self.write("\n".join(lines))
