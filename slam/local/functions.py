"""Lambda's invoke, run locally: warm workers per function version, and Lambda's log lines.

    functions = Functions(endpoint_url)
    invocation = functions.invoke(version, payload, invoked_arn)
    invocation.payload, invocation.function_error, invocation.logs

    future = functions.submit(version, payload, invoked_arn)   # in the background
    reply = reply_within(future, wait=29.0)   # as API Gateway waits for it: None if late

A :class:`FunctionVersion` is what Lambda knows of one version of a function (its
unpacked code included). Workers stay warm per version, as Lambda's containers do: init
runs once, a second invocation reuses the worker, and a version whose configuration or
code changed gets new ones. Each invocation's log is framed by ``START``, ``END`` and
``REPORT`` lines as Lambda writes them, in the worker's log stream
``YYYY/MM/DD/[<version>]<id>``. Nothing here knows about moto.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .restapi import LambdaReply
from .runtimes import python_for, runtime_libraries, unpack
from .worker import LogEntry, Reply, Worker, WorkerSpec, now_ms

log = logging.getLogger("slam.local")

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
#: Lambda's limit on a synchronous request (the event), in bytes.
REQUEST_LIMIT = 6 * 1024 * 1024
# Lambda's limit on a synchronous response; the message is Lambda's own.
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100
RESPONSE_TOO_LARGE = {
    "errorMessage": f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT}"
    " bytes).",
    "errorType": "Function.ResponseSizeTooLarge",
}
# Lambda retries an init that ran past its 10 s within the invocation, under its timeout.
INIT_SECONDS = 10.0
TAIL_BYTES = 4096


@dataclass(frozen=True)
class FunctionVersion:
    """One version of a function, as Lambda's configuration describes it."""

    account: str
    region: str
    name: str
    version: str  # "$LATEST" or "1", "2"...
    runtime: str
    handler: str
    timeout: int  # seconds
    memory: int  # MB
    environment: tuple[tuple[str, str], ...]
    code_dir: str

    @property
    def arn(self) -> str:
        """The unqualified function ARN."""
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.name}"


@dataclass(frozen=True)
class Invocation:
    """One invocation's outcome: the payload Lambda answers, and the log it wrote."""

    request_id: str
    version: FunctionVersion
    payload: bytes
    function_error: bool
    status: str  # "success", "error" or "timeout"
    log_stream: str
    logs: tuple[LogEntry, ...]

    @property
    def log_tail(self) -> str:
        """The last 4 KB of the invocation's log, base64-encoded, as ``LogType=Tail`` gives it."""
        text = "".join(entry.message for entry in self.logs).encode()
        return base64.b64encode(text[-TAIL_BYTES:]).decode("ascii")


@dataclass
class _Instance:
    """A worker and what Lambda's log says about it."""

    worker: Worker
    log_stream: str
    max_memory_mb: int = 0


@dataclass
class _Pool:
    version: FunctionVersion
    idle: list[_Instance] = field(default_factory=list)
    busy: list[_Instance] = field(default_factory=list)


@dataclass(frozen=True)
class _Start:
    """A worker just started for an invocation: how its init went, and how long it took."""

    reply: Reply
    init_ms: float


def log_stream_name(version: str) -> str:
    """A new log stream's name, as Lambda names one per execution environment."""
    return f"{datetime.now(timezone.utc):%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"


def compact(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


def reply_within(future: Future[Invocation], wait: float) -> LambdaReply | None:
    """An invocation's answer as API Gateway gets it, or None if it took over ``wait`` seconds.

    A late invocation runs on to its own timeout, as on AWS; only the caller stops waiting.
    """
    try:
        invocation = future.result(timeout=wait)
    except FutureTimeout:
        return None
    return LambdaReply(invocation.payload, invocation.function_error, invocation.request_id)


class Functions:
    """The warm workers of every function version, and the invocations running on them."""

    def __init__(self, endpoint_url: str = "") -> None:
        self.endpoint_url = endpoint_url
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, str, str, str], _Pool] = {}
        self._threads: set[threading.Thread] = set()
        self._folder: Path | None = None
        self._folder_lock = threading.Lock()

    def code_dir(self, package: bytes, name: str) -> str:
        """The folder holding ``package`` unpacked; ``name`` (its hash) names it."""
        return str(unpack(package, self._workspace() / "code" / name))

    def invoke(
        self,
        version: FunctionVersion,
        payload: bytes,
        invoked_arn: str,
        client_context: Mapping[str, Any] | None = None,
        request_id: str | None = None,
    ) -> Invocation:
        """Run one invocation on a warm worker of ``version`` (or a new one) and wait for it.

        ``request_id`` names the invocation (a new one if None), as its log and answer show.
        """
        request_id = request_id or str(uuid.uuid4())
        instance, start = self._acquire(version)
        try:
            if start is not None and start.reply.kind != "ready":
                return self._failed_init(version, instance, start, request_id)
            request = {
                "id": request_id,
                "arn": invoked_arn,
                "deadline": now_ms() + version.timeout * 1000,
                "event": payload.decode("utf-8", "replace") if payload.strip() else "{}",
                "client_context": client_context,
            }
            began = now_ms()
            started = time.perf_counter()
            reply = instance.worker.invoke(request, version.timeout)
            elapsed_ms = (time.perf_counter() - started) * 1000
            instance.max_memory_mb = reply.message.get("max_memory_mb", instance.max_memory_mb)
            run = _Run(request_id, began, reply, elapsed_ms, start)
            return _framed(version, instance, run)
        finally:
            self._release(version, instance)

    def submit(
        self,
        version: FunctionVersion,
        payload: bytes,
        invoked_arn: str,
        client_context: Mapping[str, Any] | None = None,
        request_id: str | None = None,
    ) -> Future[Invocation]:
        """Start an invocation in the background; its future holds the outcome."""
        future: Future[Invocation] = Future()

        def run() -> None:
            try:
                future.set_result(
                    self.invoke(version, payload, invoked_arn, client_context, request_id)
                )
            except BaseException as error:  # the caller sees it through the future
                future.set_exception(error)
            finally:
                with self._lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, daemon=True, name=f"invoke {version.name}")
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return future

    def warm(self, version: FunctionVersion) -> Reply:
        """Start a worker of ``version`` ahead of its invocations: ``ready``, or why not.

        A worker whose init failed is not kept: the next invocation starts another,
        which meets (and reports) the same failure, as on Lambda.
        """
        instance, start = self._start(version)
        if start.reply.kind != "ready":
            instance.worker.kill()
        self._release(version, instance)
        return start.reply

    def retire(self, account: str, region: str, name: str, version: str | None = None) -> None:
        """Stop the workers of a function (of one version, if given): it changed or is gone."""
        with self._lock:
            keys = [
                key
                for key in self._pools
                if key[:3] == (account, region, name) and version in (None, key[3])
            ]
            idle = [instance for key in keys for instance in self._pools.pop(key).idle]
        for instance in idle:
            instance.worker.kill()

    def worker_pids(self) -> list[int]:
        """The process IDs of every worker, idle or busy."""
        with self._lock:
            instances = [i for pool in self._pools.values() for i in (*pool.idle, *pool.busy)]
        return [pid for i in instances if (pid := i.worker.pid) is not None]

    def shutdown(self) -> None:
        """Kill every worker, let the invocations they ran end, and remove unpacked code."""
        with self._lock:
            pools = list(self._pools.values())
            self._pools.clear()
            threads = list(self._threads)
        for pool in pools:
            for instance in (*pool.idle, *pool.busy):
                instance.worker.kill()
        for thread in threads:
            thread.join(timeout=5)
        with self._folder_lock:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None

    def _workspace(self) -> Path:
        with self._folder_lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="slam-local-"))
            return self._folder

    def _acquire(self, version: FunctionVersion) -> tuple[_Instance, _Start | None]:
        """An idle worker of ``version``, or a new one, started: the start says how init went."""
        with self._lock:
            pool = self._pool(version)
            if pool.idle:
                instance = pool.idle.pop()
                pool.busy.append(instance)
                return instance, None
        return self._start(version)

    def _start(self, version: FunctionVersion) -> tuple[_Instance, _Start]:
        """A new worker of ``version``, busy in its pool, and how its init went."""
        stream = log_stream_name(version.version)
        instance = _Instance(Worker(self._spec(version, stream)), stream)
        with self._lock:
            self._pool(version).busy.append(instance)
        started = time.perf_counter()
        reply = instance.worker.start(INIT_SECONDS + version.timeout)
        instance.max_memory_mb = reply.message.get("max_memory_mb", 0)
        return instance, _Start(reply, (time.perf_counter() - started) * 1000)

    def _pool(self, version: FunctionVersion) -> _Pool:
        """The pool of ``version``, new if its configuration changed (call with the lock held)."""
        key = (version.account, version.region, version.name, version.version)
        pool = self._pools.get(key)
        if pool is not None and pool.version != version:
            for instance in self._pools.pop(key).idle:
                instance.worker.kill()
            pool = None
        if pool is None:
            pool = self._pools[key] = _Pool(version)
        return pool

    def _release(self, version: FunctionVersion, instance: _Instance) -> None:
        key = (version.account, version.region, version.name, version.version)
        with self._lock:
            pool = self._pools.get(key)
            current = pool is not None and instance in pool.busy
            if pool is not None and current:
                pool.busy.remove(instance)
                if instance.worker.alive:
                    pool.idle.append(instance)
                    return
        instance.worker.kill()

    def _spec(self, version: FunctionVersion, log_stream: str) -> WorkerSpec:
        python = python_for(version.runtime)
        if python.warning:
            log.warning("warning: %s", python.warning)
        libraries = runtime_libraries(self._workspace() / "runtime")
        environment = self._environment(version, log_stream)
        return WorkerSpec(python.path, version.code_dir, str(libraries), environment)

    def _environment(self, version: FunctionVersion, log_stream: str) -> dict[str, str]:
        """The configuration's variables, then Lambda's own, which a function cannot change."""
        environment = {
            "PATH": os.environ.get("PATH", os.defpath),
            "LANG": "en_US.UTF-8",
            **({"AWS_ENDPOINT_URL": self.endpoint_url} if self.endpoint_url else {}),
            **dict(version.environment),
        }
        environment.update(
            {
                "_HANDLER": version.handler,
                "AWS_EXECUTION_ENV": f"AWS_Lambda_{version.runtime}",
                "AWS_LAMBDA_FUNCTION_NAME": version.name,
                "AWS_LAMBDA_FUNCTION_VERSION": version.version,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(version.memory),
                "AWS_LAMBDA_LOG_GROUP_NAME": version.log_group,
                "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
                "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
                "AWS_REGION": version.region,
                "AWS_DEFAULT_REGION": version.region,
                "LAMBDA_TASK_ROOT": version.code_dir,
                "TZ": ":UTC",
                # no ~/.aws of this machine's user: a function has only its role
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                **DUMMY_CREDENTIALS,
            }
        )
        return environment

    def _failed_init(
        self, version: FunctionVersion, instance: _Instance, start: _Start, request_id: str
    ) -> Invocation:
        """The invocation that met an init error, or an init that ran past its time."""
        instance.worker.kill()
        reply = start.reply
        if reply.kind == "init_error":
            document = reply.message["init_error"]
            error_type = document["errorType"]
            payload = json.dumps(document).encode()
        else:
            error_type = "Runtime.ExitError" if reply.kind == "exit" else "Sandbox.Timedout"
            payload = _lost(reply, request_id, version)
        status = "timeout" if reply.kind == "timeout" else "error"
        lines = [
            f"INIT_REPORT Init Duration: {start.init_ms:.2f} ms\tPhase: init\tStatus: {status}"
            + (f"\tError Type: {error_type}" if status == "error" else ""),
            f"START RequestId: {request_id} Version: {version.version}",
            f"END RequestId: {request_id}",
            _report(request_id, start.init_ms, version.memory, instance.max_memory_mb)
            + (
                f"\tStatus: {status}" + (f"\tError Type: {error_type}" if status == "error" else "")
            ),
        ]
        logs = [*reply.logs, *(LogEntry(now_ms(), line + "\n") for line in lines)]
        return Invocation(
            request_id, version, payload, True, status, instance.log_stream, tuple(logs)
        )


def _report(request_id: str, duration_ms: float, memory: int, max_memory: int) -> str:
    return (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms"
        f"\tBilled Duration: {math.ceil(duration_ms)} ms\tMemory Size: {memory} MB"
        f"\tMax Memory Used: {max_memory} MB"
    )


def _exit_message(request_id: str, reply: Reply) -> str:
    status = reply.exit_status
    return f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"


def _lost(reply: Reply, request_id: str, version: FunctionVersion) -> bytes:
    """The payload of an invocation whose worker ran out of time or ended."""
    if reply.kind == "timeout":
        message = (
            f"RequestId: {request_id} Error: Task timed out after {version.timeout:.2f} seconds"
        )
        return compact({"errorType": "Sandbox.Timedout", "errorMessage": message})
    return compact(
        {"errorType": "Runtime.ExitError", "errorMessage": _exit_message(request_id, reply)}
    )


@dataclass(frozen=True)
class _Run:
    """One invocation on a worker: its ID, when it began, the reply, and the init before it."""

    request_id: str
    began: int
    reply: Reply
    elapsed_ms: float
    start: _Start | None


def _framed(version: FunctionVersion, instance: _Instance, run: _Run) -> Invocation:
    """The invocation's outcome, its log framed by START, END and REPORT."""
    request_id, reply = run.request_id, run.reply
    status, payload = _outcome(reply, request_id, version)
    duration_ms = reply.message.get("duration_ms", run.elapsed_ms)
    report = _report(request_id, duration_ms, version.memory, instance.max_memory_mb)
    if run.start is not None:
        report += f"\tInit Duration: {run.start.init_ms:.2f} ms"
    lines = list(reply.logs)
    if reply.kind == "timeout":
        stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        message = f"Task timed out after {version.timeout:.2f} seconds"
        lines.append(LogEntry(now_ms(), f"{stamp[:-6]}Z {request_id} {message}\n"))
        report += "\tStatus: timeout"
    elif reply.kind == "exit":
        lines.append(LogEntry(now_ms(), f"{_exit_message(request_id, reply)}\nRuntime.ExitError\n"))
        report += "\tStatus: error\tError Type: Runtime.ExitError"
    end = now_ms()
    logs = (
        *(run.start.reply.logs if run.start else ()),
        LogEntry(run.began, f"START RequestId: {request_id} Version: {version.version}\n"),
        *lines,
        LogEntry(end, f"END RequestId: {request_id}\n"),
        LogEntry(end, report + "\n"),
    )
    function_error = status != "success"
    return Invocation(
        request_id, version, payload, function_error, status, instance.log_stream, logs
    )


def _outcome(reply: Reply, request_id: str, version: FunctionVersion) -> tuple[str, bytes]:
    """The status and payload of an invocation's reply."""
    if reply.kind == "result":
        result: str = reply.message["result"]
        payload = base64.b64decode(result) if reply.message.get("binary") else result.encode()
        if len(payload) > RESPONSE_LIMIT:
            return "error", json.dumps(RESPONSE_TOO_LARGE).encode()
        return "success", payload
    if reply.kind == "error":
        return "error", json.dumps(reply.message["error"]).encode()
    return ("timeout" if reply.kind == "timeout" else "error"), _lost(reply, request_id, version)
