"""``slam serve`` as a user runs it: a subprocess in a project folder, spoken to over HTTP.

with Served(project) as served:           # waits for the banner's URL
    response = served.get("/dev/")        # http.client, no proxy, no retry
    served.wait_for("Reloaded in")        # its output so far, read as it comes
served.returncode, served.output          # after SIGINT
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

SLAM = shutil.which("slam", path=os.path.dirname(sys.executable)) or "slam"
BANNER = re.compile(r"^Serving .* at (http://\S+/)$")
START_SECONDS = 120.0  # a first build may install requirements


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def process_running(pid: int) -> bool:
    """Whether a process lives (a zombie, dead but not yet reaped, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def environment() -> dict[str, str]:
    """This environment, without the developer's AWS settings or proxies."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and "proxy" not in name.lower()
    }


class Served:
    """A running ``slam serve`` in ``project``, with the options given."""

    def __init__(self, project: Path, *options: str) -> None:
        self.project = project
        self.options = options
        self.lines: list[str] = []
        self.url = ""
        self.returncode: int | None = None
        self._changed = threading.Condition()
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        with self._changed:
            return "".join(self.lines)

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def start(self) -> Served:
        self._process = subprocess.Popen(
            [SLAM, "serve", "--port", "0", *self.options],
            cwd=self.project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment(),
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        match = BANNER.match(self.wait_for("Serving ", START_SECONDS, ended_ok=False).strip())
        assert match is not None, self.output
        self.url = match.group(1)
        return self

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 30.0, ended_ok: bool = True) -> str:
        """Wait until a line of output starts with or holds ``text``; return that line."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines:
                    if text in line:
                        return line
                ended = self._process is not None and self._process.poll() is not None
                if ended and not ended_ok:
                    raise AssertionError(f"slam serve ended:\n{''.join(self.lines)}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"no {text!r} in:\n{''.join(self.lines)}")
                self._changed.wait(0.1)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        where = urlsplit(self.url)
        connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            return Response(answer.status, answer.getheaders(), answer.read())
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def stop(self) -> int:
        """Ctrl-C, as a terminal sends it; the exit code."""
        assert self._process is not None
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        self.returncode = self._process.wait(timeout=60)
        if self._reader is not None:
            self._reader.join(timeout=10)  # the last lines
        if self._process.stdout is not None:
            self._process.stdout.close()
        return self.returncode

    def __enter__(self) -> Served:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
