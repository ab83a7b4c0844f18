"""moto's Lambda, running the uploaded code: ``Invoke`` answers as Lambda does.

``Invoke`` resolves the function version (``Qualifier=``, a qualifier in the name or an
alias ARN; an unknown one is ``ResourceNotFoundException``), runs it on a warm worker of
:mod:`slam.local.functions` and writes the log to ``/aws/lambda/<function>`` in moto's
CloudWatch Logs. ``RequestResponse`` answers with the payload, ``FunctionError:
Unhandled`` for an error, ``X-Amz-Executed-Version``, and with ``LogType=Tail`` the log's
last 4 KB; ``Event`` answers 202 at once and runs in the background; ``DryRun`` answers
204 and runs nothing. A request over 6 MB is ``RequestEntityTooLargeException``, one
that is not JSON ``InvalidRequestContentException``. An update of a function's code or
configuration stops its warm workers. ``AddPermission`` answers 201, and
``PublishVersion`` refuses a ``CodeSha256`` other than ``$LATEST``'s, as on AWS.

Where this reaches into moto (checked against moto 5.2.5):

- ``moto.awslambda.responses.LambdaResponse.invoke`` and ``.invoke_async``: replaced by
  :func:`invoke_response` and :func:`invoke_async_response` (moto dispatches the
  ``Invoke`` action to the method of that name).
- ``moto.core.responses.BaseResponse._enrich_response``, as ``LambdaResponse``'s: wrapped,
  so that ``Invoke``'s answer keeps the request ID its invocation logs (moto gives every
  answer a new one).
- ``moto.awslambda.responses.LambdaResponse.add_permission``: wrapped, to answer 201.
- ``moto.awslambda.responses.LambdaResponse.publish_version``: wrapped, to check
  ``CodeSha256`` against ``LambdaFunction.code_sha_256`` (moto ignores it).
- ``moto.awslambda.models.LambdaBackend.delete_function``: wrapped, so that deleting a
  function or a version stops its workers.
- ``moto.awslambda.models.LambdaBackend.update_function_code`` and
  ``.update_function_configuration``: wrapped, so that an update stops the warm workers
  of ``$LATEST`` at once.
- ``moto.awslambda.models.LambdaBackend.add_permission``: wrapped, so that a qualifier
  given in the function name (``fn:dev``, an alias ARN) qualifies the statement's
  ``Resource``, as on AWS (moto records the unqualified ARN).
- ``LambdaFunction`` attributes read: ``account_id``, ``region``, ``function_name``,
  ``version``, ``run_time``, ``handler``, ``timeout``, ``memory_size``,
  ``environment_vars``, ``code_bytes``, ``code_sha_256``, and ``policy.statements``.
- ``moto.awslambda.utils.get_backend`` to find a function, and
  ``moto.logs.models.logs_backends`` (``ensure_log_group``, ``ensure_log_stream``,
  ``put_log_events``) to write the log.
- ``moto.awslambda.exceptions``: ``LambdaClientError`` (subclassed for Invoke's own
  errors), ``InvalidParameterValueException`` and ``PreconditionFailedException``.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from .functions import REQUEST_LIMIT, Functions, FunctionVersion, Invocation
from .runtimes import UnsupportedRuntime, python_version

log = logging.getLogger("slam.local")

#: Every function's workers, for this process.
FUNCTIONS = Functions()
# The header naming the request, which Invoke's answer shares with the invocation's log.
REQUEST_ID = "x-amzn-requestid"
_log_lock = threading.Lock()
# the URLs of the servers running in this process, the latest last: what workers call
_servers: list[str] = []


@functools.cache
def _errors() -> Any:
    from moto.awslambda import exceptions

    class RequestTooLarge(exceptions.LambdaClientError):
        code = 413

        def __init__(self, limit: int) -> None:
            message = f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
            super().__init__("RequestEntityTooLargeException", message)

    class InvalidRequestContent(exceptions.LambdaClientError):
        code = 400

        def __init__(self, error: str) -> None:
            message = f"Could not parse request body into json: {error}"
            super().__init__("InvalidRequestContentException", message)

    class InvalidRuntime(exceptions.LambdaClientError):
        code = 502

        def __init__(self, message: str) -> None:
            super().__init__("InvalidRuntimeException", message)

    return RequestTooLarge, InvalidRequestContent, InvalidRuntime


@dataclass(frozen=True)
class Target:
    """The function version an invocation runs, and the ARN it was invoked by."""

    version: FunctionVersion
    invoked_arn: str
    policy: tuple[Mapping[str, Any], ...]


def split_qualifier(reference: str) -> tuple[str, str | None]:
    """A function name, partial ARN or ARN, without its qualifier; and the qualifier."""
    parts = reference.split(":")
    if reference.startswith("arn:"):
        return ":".join(parts[:7]), (parts[7] if len(parts) > 7 else None)
    if len(parts) >= 3 and parts[1] == "function":  # account:function:name[:qualifier]
        return parts[2], (parts[3] if len(parts) > 3 else None)
    return parts[0], (parts[1] if len(parts) > 1 else None)


def resolve(account: str, region: str, reference: str, qualifier: str | None = None) -> Target:
    """The version a function reference names, as Lambda resolves it for ``Invoke``.

    Raises moto's ``ResourceNotFoundException`` for an unknown function, version or
    alias, and ``InvalidParameterValueException`` when the name's qualifier and
    ``qualifier`` differ.
    """
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.utils import get_backend

    name, named_qualifier = split_qualifier(reference)
    if named_qualifier and qualifier and named_qualifier != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    qualifier = named_qualifier or qualifier
    function = get_backend(account, region).get_function(name, qualifier)
    version = function_version(function)
    invoked_arn = version.arn + (f":{qualifier}" if qualifier else "")
    return Target(version, invoked_arn, tuple(function.policy.statements))


def function_version(function: Any) -> FunctionVersion:
    """What :mod:`slam.local.functions` needs of a moto ``LambdaFunction``."""
    code_id = (function.code_sha_256 or "empty").replace("/", "_").replace("+", "-").rstrip("=")
    variables = function.environment_vars or {}
    return FunctionVersion(
        account=function.account_id,
        region=function.region,
        name=function.function_name,
        version=str(function.version),
        runtime=function.run_time or "",
        handler=function.handler or "",
        timeout=int(function.timeout),
        memory=int(function.memory_size),
        environment=tuple(sorted((key, str(value)) for key, value in variables.items())),
        code_dir=FUNCTIONS.code_dir(getattr(function, "code_bytes", b""), code_id),
    )


def check_runtime(version: FunctionVersion) -> None:
    """Raise moto's ``InvalidRuntimeException`` for a runtime the local AWS cannot run."""
    try:
        python_version(version.runtime)
    except UnsupportedRuntime as error:
        raise _errors()[2](str(error)) from None


def run(target: Target, payload: bytes, request_id: str | None = None) -> Future[Invocation]:
    """Start an invocation; its log lands in CloudWatch Logs when it ends."""
    check_runtime(target.version)
    future = FUNCTIONS.submit(target.version, payload, target.invoked_arn, None, request_id)
    future.add_done_callback(_record)
    return future


def _record(future: Future[Invocation]) -> None:
    if future.exception() is None:
        write_log(future.result())


def write_log(invocation: Invocation) -> None:
    """Append an invocation's log to its stream in ``/aws/lambda/<function>``."""
    from moto.logs.models import logs_backends

    version = invocation.version
    backend = logs_backends[version.account][version.region]
    events = [
        {"timestamp": entry.timestamp, "message": entry.message}
        for entry in invocation.logs
        if entry.message
    ]
    with _log_lock:
        backend.ensure_log_group(version.log_group)
        backend.ensure_log_stream(version.log_group, invocation.log_stream)
        backend.put_log_events(version.log_group, invocation.log_stream, events)
    status = "" if invocation.status == "success" else f" ({invocation.status})"
    log.info("lambda %s:%s %s%s", version.name, version.version, invocation.request_id, status)


def _payload(response: Any, limit: int) -> bytes:
    body = response.raw_body or b""
    payload = body.encode() if isinstance(body, str) else bytes(body)
    too_large, invalid, _ = _errors()
    if len(payload) > limit:
        raise too_large(limit)
    if payload.strip():
        try:
            json.loads(payload)
        except ValueError as error:
            raise invalid(str(error)) from None
    return payload


def invoke_response(response: Any) -> tuple[int, dict[str, str], bytes]:
    """``Invoke``: stands for moto's ``LambdaResponse.invoke``."""
    reference = unquote(response.path.rsplit("/", 2)[-2])
    qualifier = parse_qs(response.parsed_url.query).get("Qualifier", [None])[0]
    target = resolve(response.current_account, response.region, reference, qualifier)
    payload = _payload(response, REQUEST_LIMIT)
    kind = response.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
    request_id = str(uuid.uuid4())
    # moto takes the status from the headers; the invocation's ID is the request's, as on AWS
    if kind == "DryRun":
        return 204, {"status": "204", REQUEST_ID: request_id}, b""
    future = run(target, payload, request_id)
    if kind == "Event":
        return 202, {"status": "202", REQUEST_ID: request_id}, b""
    invocation = future.result()
    headers = {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": invocation.version.version,
        REQUEST_ID: request_id,
    }
    if invocation.function_error:
        headers["X-Amz-Function-Error"] = "Unhandled"
    if response.headers.get("X-Amz-Log-Type") == "Tail":
        headers["X-Amz-Log-Result"] = invocation.log_tail
    return 200, headers, invocation.payload


def invoke_async_response(response: Any) -> tuple[int, dict[str, str], bytes]:
    """``InvokeAsync`` (deprecated by AWS): an ``Event`` invocation of ``$LATEST``."""
    reference = unquote(response.path.rstrip("/").rsplit("/", 2)[-2])
    target = resolve(response.current_account, response.region, reference)
    request_id = str(uuid.uuid4())
    run(target, _payload(response, REQUEST_LIMIT), request_id)
    return 202, {"status": "202", REQUEST_ID: request_id}, json.dumps({"Status": 202}).encode()


def _retiring(delete: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(delete)
    def delete_function(backend: Any, function_name: str, qualifier: str | None = None) -> None:
        name, named_qualifier = split_qualifier(function_name)
        qualifier = named_qualifier or qualifier
        resolved = backend.get_function(name, qualifier)
        delete(backend, function_name, qualifier)
        version = str(resolved.version) if qualifier else None
        FUNCTIONS.retire(resolved.account_id, resolved.region, resolved.function_name, version)

    delete_function.slam_local = True  # type: ignore[attr-defined]
    return delete_function


def _replacing_latest(update: Callable[..., Any]) -> Callable[..., Any]:
    """An update of ``$LATEST``'s code or configuration retires its warm workers at once,
    as Lambda retires its environments, rather than at their next invocation."""

    @functools.wraps(update)
    def update_function(backend: Any, function_name: str, qualifier: Any, body: Any) -> Any:
        answer = update(backend, function_name, qualifier, body)
        name, _ = split_qualifier(function_name)
        function = backend.get_function(name)
        FUNCTIONS.retire(function.account_id, function.region, function.function_name, "$LATEST")
        return answer

    update_function.slam_local = True  # type: ignore[attr-defined]
    return update_function


def _qualifying(add: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(add)
    def add_permission(backend: Any, function_name: str, qualifier: str | None, raw: str) -> Any:
        name, named_qualifier = split_qualifier(function_name)
        return add(backend, name, named_qualifier or qualifier, raw)

    add_permission.slam_local = True  # type: ignore[attr-defined]
    return add_permission


def _created(add: Callable[..., Any]) -> Callable[..., Any]:
    """``AddPermission`` answers 201, as on AWS, where moto answers 200."""

    @functools.wraps(add)
    def add_permission(response: Any) -> tuple[int, dict[str, str], str]:
        return 201, {"status": "201"}, add(response)

    add_permission.slam_local = True  # type: ignore[attr-defined]
    return add_permission


def _code_checked(publish: Callable[..., Any]) -> Callable[..., Any]:
    """``PublishVersion`` refuses a ``CodeSha256`` that is not ``$LATEST``'s, as on AWS:
    the version published is the code the caller deployed, or nothing."""

    @functools.wraps(publish)
    def publish_version(response: Any) -> Any:
        from moto.awslambda.exceptions import PreconditionFailedException

        expected = response._get_param("CodeSha256")
        if expected:
            name, _ = split_qualifier(unquote(response.path.split("/")[-2]))
            current = response.backend.get_function(name).code_sha_256
            if expected != current:
                raise PreconditionFailedException(
                    f"CodeSHA256 ({expected}) is different from current CodeSHA256 in $LATEST "
                    f"({current}). Please try again with the current CodeSHA256."
                )
        return publish(response)

    publish_version.slam_local = True  # type: ignore[attr-defined]
    return publish_version


def _keeping_request_id(enrich: Callable[..., Any]) -> Callable[..., Any]:
    """moto gives every answer a new request ID; Invoke's is its invocation's."""

    def enrich_response(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
        given = headers.get(REQUEST_ID)
        headers, body = enrich(headers, body)
        if given:
            headers[REQUEST_ID] = given
        return headers, body

    enrich_response.slam_local = True  # type: ignore[attr-defined]
    return enrich_response


def install() -> None:
    from moto.awslambda.models import LambdaBackend
    from moto.awslambda.responses import LambdaResponse

    LambdaResponse.invoke = invoke_response  # type: ignore[method-assign]
    LambdaResponse.invoke_async = invoke_async_response  # type: ignore[method-assign]
    responses: Any = LambdaResponse
    if not getattr(responses._enrich_response, "slam_local", False):
        responses._enrich_response = staticmethod(_keeping_request_id(responses._enrich_response))
    if not getattr(responses.add_permission, "slam_local", False):
        responses.add_permission = _created(responses.add_permission)
    if not getattr(responses.publish_version, "slam_local", False):
        responses.publish_version = _code_checked(responses.publish_version)
    backend: Any = LambdaBackend
    if not getattr(backend.delete_function, "slam_local", False):
        backend.delete_function = _retiring(backend.delete_function)
    if not getattr(backend.add_permission, "slam_local", False):
        backend.add_permission = _qualifying(backend.add_permission)
    for name in ("update_function_code", "update_function_configuration"):
        if not getattr(getattr(backend, name), "slam_local", False):
            setattr(backend, name, _replacing_latest(getattr(backend, name)))


def started(url: str) -> None:
    _servers.append(url)
    FUNCTIONS.endpoint_url = url


def stopped(url: str) -> None:
    if url in _servers:
        _servers.remove(url)
    FUNCTIONS.endpoint_url = _servers[-1] if _servers else ""


def shutdown() -> None:
    FUNCTIONS.shutdown()
