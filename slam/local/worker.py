"""A worker: one process running a Lambda handler from an unpacked code folder.

The process runs :mod:`slam.local.bootstrap` (standard library only) under the Python
given, isolated from slam's own environment: its ``sys.path`` is the code folder, the
folder of libraries Lambda's runtime provides, and the standard library. It imports the
handler once, then answers invocations one at a time, as a Lambda container does.

    worker = Worker(WorkerSpec(python, code_dir, runtime_dir, environment))
    reply = worker.start(timeout=10)              # Reply("ready") or Reply("init_error")
    reply = worker.invoke(request, timeout=3.0)   # "result", "error", "timeout" or "exit"
    worker.kill()

Each reply carries the log entries the function wrote meanwhile: what it printed, one
entry per line, and its logging records and errors, one entry each. Nothing here knows
about moto: ``slam serve`` runs the same workers on ``.slam/build``'s package.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BOOTSTRAP = str(Path(__file__).with_name("bootstrap.py"))
# -I: no user site or PYTHON* variables; -S: no site-packages; -B: a code folder is
# read-only on Lambda, so no bytecode is written; utf8: Lambda's LANG is en_US.UTF-8
PYTHON_OPTIONS = ("-I", "-S", "-B", "-X", "utf8")
# how long a killed worker's last log lines may take to arrive
_DRAIN_SECONDS = 1.0


@dataclass(frozen=True)
class WorkerSpec:
    """How to start a worker: the Python, the unpacked code, and the environment."""

    python: str
    code_dir: str
    runtime_dir: str | None
    environment: Mapping[str, str]


@dataclass(frozen=True)
class LogEntry:
    """One log event: milliseconds since the epoch, and the message."""

    timestamp: int
    message: str


@dataclass
class Reply:
    """What a worker answered: its kind, the message's fields, and the log meanwhile.

    Kinds: ``ready`` and ``init_error`` after start; ``result`` and ``error`` after an
    invocation; ``timeout`` when no answer came in time (the worker is then killed);
    ``exit`` when the process ended instead of answering (``exit_status`` says how).
    """

    kind: str
    message: dict[str, Any] = field(default_factory=dict)
    logs: list[LogEntry] = field(default_factory=list)
    exit_status: int | None = None


def now_ms() -> int:
    return int(time.time() * 1000)


class Worker:
    """One worker process; not thread-safe: one invocation at a time, as on Lambda."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self._token = secrets.token_hex(8)
        self._prefix = b"\x1e" + self._token.encode() + b" "
        self._process: subprocess.Popen[bytes] | None = None
        self._output: queue.Queue[tuple[str, Any]] = queue.Queue()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float) -> Reply:
        """Start the process and wait for the handler's init: ``ready`` or why not."""
        runtime_dir = [self.spec.runtime_dir] if self.spec.runtime_dir else []
        command = [self.spec.python, *PYTHON_OPTIONS, BOOTSTRAP, self._token, self.spec.code_dir]
        self._process = subprocess.Popen(
            [*command, *runtime_dir],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(self.spec.environment),
            cwd=self.spec.code_dir,
            start_new_session=True,  # Ctrl-C in a terminal must not reach the function
        )
        threading.Thread(target=self._read, daemon=True).start()
        return self._reply(time.monotonic() + timeout)

    def invoke(self, request: Mapping[str, Any], timeout: float) -> Reply:
        """Send one invocation and wait for its answer, killing the worker after ``timeout``."""
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(request).encode() + b"\n")
            self._process.stdin.flush()
        except OSError:  # the process has ended; _reply says how
            pass
        return self._reply(time.monotonic() + timeout)

    def kill(self) -> None:
        """Kill the process and everything it started."""
        process = self._process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()

    def _read(self) -> None:
        """Turn the process's output into log entries and messages, until it ends."""
        assert self._process is not None and self._process.stdout is not None
        prefix = self._prefix
        for line in self._process.stdout:
            timestamp = now_ms()
            head, found, text = line.partition(prefix)
            if head:
                self._output.put(("log", LogEntry(timestamp, head.decode("utf-8", "replace"))))
            if not found:
                continue
            message = json.loads(text)
            if "log" in message:
                self._output.put(("log", LogEntry(timestamp, message["log"])))
            else:
                self._output.put(("message", message))
        self._process.stdout.close()
        self._output.put(("end", None))

    def _reply(self, deadline: float) -> Reply:
        logs: list[LogEntry] = []
        while True:
            try:
                kind, item = self._output.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                self.kill()
                self._drain(logs)
                return Reply("timeout", logs=logs)
            if kind == "log":
                logs.append(item)
            elif kind == "end":
                assert self._process is not None
                return Reply("exit", logs=logs, exit_status=self._process.wait())
            else:
                reply_kind = next(key for key in _REPLY_KINDS if key in item)
                return Reply(reply_kind, item, logs)

    def _drain(self, logs: list[LogEntry]) -> None:
        """Collect what a killed worker wrote before it died."""
        deadline = time.monotonic() + _DRAIN_SECONDS
        while True:
            try:
                kind, item = self._output.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                return
            if kind == "end":
                return
            if kind == "log":
                logs.append(item)


_REPLY_KINDS = ("ready", "init_error", "result", "error")
