"""The program a worker process runs: one Lambda function's handler, as Lambda's Python runtime.

Run as ``python -I -S -B bootstrap.py TOKEN CODE_DIR [RUNTIME_DIR]`` with the function's
environment, where ``_HANDLER`` names the handler. Standard library only: it runs under
the Python of the function's runtime, which may not be the one running slam.

It imports the handler once (Lambda's init phase), then answers one invocation per line
read from stdin, a JSON object ``{"id", "arn", "deadline", "event", "client_context"}``.
stdout and stderr are one pipe, the function's log. On it, a line holding ``"\\x1e" +
TOKEN + " "`` followed by JSON is a message to the parent, not log text: ``{"log"}`` for
one log entry of several lines (a logging record, an error), ``{"ready"}`` after init,
``{"init_error"}`` when init fails, then ``{"result"}`` or ``{"error"}`` after each
invocation. What the handler prints is on the pipe before the message that follows it,
so the parent reads the log in order.

Errors are shaped as Lambda's Python runtime (awslambdaric) shapes them: handler
exceptions as ``{errorMessage, errorType, requestId, stackTrace}`` without this file's
frames, init failures as ``Runtime.ImportModuleError`` and its kin.
"""

from __future__ import annotations

import base64
import decimal
import importlib
import json
import logging
import os
import sys
import time
import traceback
from types import SimpleNamespace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, BinaryIO

    Handler = Callable[[Any, "LambdaContext"], Any]

# Starts a message to the parent: a control character that starts no log line.
RECORD_SEPARATOR = b"\x1e"
# Lambda's runtime indents the frames of an error in the log with no-break spaces.
ERROR_INDENT = "\u00a0"


class InitError(Exception):
    """The handler cannot be loaded: an error type of Lambda's runtime, and its message."""

    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


class LambdaContext:
    """The context object a handler receives, with the attributes Lambda's runtime sets."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.aws_request_id: str = request["id"]
        self.invoked_function_arn: str = request["arn"]
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        client_context = request.get("client_context")
        self.client_context = (
            SimpleNamespace(**{key: client_context.get(key) for key in ("custom", "env", "client")})
            if isinstance(client_context, dict)
            else None
        )
        self.identity = SimpleNamespace(cognito_identity_id=None, cognito_identity_pool_id=None)
        self._deadline_ms: int = request["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: object) -> None:
        sys.stdout.write(str(message))


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Channel:
    """Requests from the parent on one file, messages to it on the log pipe."""

    def __init__(self, token: str, requests: BinaryIO, log_fd: int) -> None:
        self.prefix = RECORD_SEPARATOR + token.encode("ascii") + b" "
        self.requests = requests
        self.log_fd = log_fd
        self.request_id = ""

    def send(self, message: dict[str, Any]) -> None:
        write_all(self.log_fd, self.prefix + json.dumps(message).encode() + b"\n")

    def receive(self) -> dict[str, Any] | None:
        line = self.requests.readline()
        return json.loads(line) if line else None


class LogWriter:
    """A text stream writing straight to the log pipe, as Lambda's unbuffered stdout does."""

    encoding = "utf-8"
    errors = "backslashreplace"

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        write_all(self.fd, text.encode("utf-8", "backslashreplace"))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.fd


class LogHandler(logging.Handler):
    """One log entry per record, however many lines it has, as Lambda's runtime writes it."""

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel
        self.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )

    def emit(self, record: logging.LogRecord) -> None:
        record.aws_request_id = self.channel.request_id
        try:
            self.channel.send({"log": self.format(record)})
        except Exception:
            self.handleError(record)


def open_channel(token: str) -> Channel:
    """Take stdin for requests, give the function /dev/null, and make stdout write through."""
    requests = os.fdopen(os.dup(0), "rb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = LogWriter(1)
    sys.stderr = LogWriter(2)
    channel = Channel(token, requests, 1)
    logging.Formatter.converter = time.gmtime
    logging.getLogger().addHandler(LogHandler(channel))
    return channel


def load_handler(name: str) -> Handler:
    """Import the handler ``module.function`` as Lambda's runtime does, or raise InitError."""
    try:
        module_name, function_name = name.rsplit(".", 1)
    except ValueError as error:
        raise InitError("Runtime.MalformedHandlerName", f"Bad handler '{name}': {error}") from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise InitError(
            "Runtime.BuiltInModuleConflict",
            f"Cannot use built-in module {module_name} as a handler module",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        ) from None
    except SyntaxError as error:
        frame = f'  File "{error.filename}" Line {error.lineno}\n    {error.text}'
        raise InitError(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {error}",
            [frame],
        ) from None
    try:
        handler: Handler = getattr(module, function_name)
    except AttributeError:
        raise InitError(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        ) from None
    return handler


def error_document(
    error_type: str, message: str, request_id: str, frames: list[str]
) -> dict[str, Any]:
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": frames,
    }


def exception_document(error: BaseException, request_id: str) -> dict[str, Any]:
    """The error document of an exception, without this file's frames."""
    # plain tuples, as Lambda's runtime passes them: no column markers under the lines
    frames = [
        (f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(error.__traceback__)
    ]
    while frames and frames[0][0] == __file__:
        del frames[0]
    stack = traceback.format_list(frames)  # type: ignore[arg-type]
    return error_document(type(error).__name__, str(error), request_id, stack)


def error_log(document: dict[str, Any]) -> str:
    """The log entry Lambda's runtime writes for an error document."""
    lines = [f"[ERROR] {document['errorType']}: {document['errorMessage']}"]
    lines.append("Traceback (most recent call last):")
    for frame in document["stackTrace"]:
        for line in frame.splitlines():
            text = line.lstrip(" ")
            lines.append(ERROR_INDENT * (len(line) - len(text)) + text)
    return "\n".join(lines)


def _json_default(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def run(handler: Handler, request: dict[str, Any]) -> dict[str, Any]:
    """Run one invocation: the result, or the error document."""
    request_id = request["id"]
    try:
        event = json.loads(request["event"])
    except ValueError as error:
        message = f"Unable to unmarshal input: {error}"
        return {"error": error_document("Runtime.UnmarshalError", message, request_id, [])}
    try:
        response = handler(event, LambdaContext(request))
    except Exception as error:
        return {"error": exception_document(error, request_id)}
    if isinstance(response, bytes):
        return {"result": base64.b64encode(response).decode("ascii"), "binary": True}
    try:
        return {"result": json.dumps(response, default=_json_default)}
    except (TypeError, ValueError) as error:
        message = f"Unable to marshal response: {error}"
        return {"error": error_document("Runtime.MarshalError", message, request_id, [])}


def max_memory_mb() -> int:
    """The process's peak memory: Linux keeps the parent's peak in ru_maxrss across exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


def serve(channel: Channel, handler: Handler) -> None:
    """Answer invocations until the parent closes stdin."""
    while True:
        request = channel.receive()
        if request is None:
            return
        channel.request_id = request["id"]
        started = time.perf_counter()
        message = run(handler, request)
        message["duration_ms"] = (time.perf_counter() - started) * 1000
        message["max_memory_mb"] = max_memory_mb()
        if "error" in message:
            channel.send({"log": error_log(message["error"])})
        channel.send(message)


def init() -> Handler | dict[str, Any]:
    """Load the handler, or the error document saying why it cannot be."""
    try:
        return load_handler(os.environ.get("_HANDLER", ""))
    except InitError as error:
        return error_document(error.error_type, error.message, "", error.stack_trace)
    except Exception as error:
        return exception_document(error, "")


def main(argv: list[str]) -> int:
    token, code_dir, *runtime_dir = argv[1:]
    channel = open_channel(token)
    sys.path[:0] = [code_dir, *runtime_dir]
    os.chdir(code_dir)
    with channel.requests:
        handler = init()
        if isinstance(handler, dict):
            channel.send({"log": error_log(handler)})
            channel.send({"init_error": handler})
            return 1
        channel.send({"ready": True, "max_memory_mb": max_memory_mb()})
        serve(channel, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
