"""moto's API Gateway, serving the deployed stages of its REST APIs over HTTP.

A request to ``http://HOST:PORT/_aws/execute-api/<api-id>/<stage>/<path>``, or one whose
``Host`` is ``<api-id>.execute-api.<region>.amazonaws.com`` and whose path is
``/<stage>/<path>``, is served by :func:`slam.local.gateway.execute` from the API moto
holds; every other request goes on to moto. The functions run through
:mod:`slam.local.awslambda`, and a stage whose method settings enable logging gets its
execution log in ``API-Gateway-Execution-Logs_<api-id>/<stage>``.

As on AWS, setting a logging level with ``UpdateStage`` fails with
``BadRequestException`` until ``UpdateAccount`` has given the account a CloudWatch role.

Where this reaches into moto (checked against moto 5.2.5):

- ``moto.apigateway.models.apigateway_backends``: the REST APIs (``apis``), read through
  the API's own shapes: ``RestAPI.to_dict()``, ``Resource.to_dict()``,
  ``Stage.to_json()`` and ``RestAPI.stages``.
- ``moto.apigateway.models.APIGatewayBackend.update_stage``: wrapped for the logging
  check, which reads ``APIGatewayBackend.account.cloudwatch_role_arn``.
- ``moto.apigateway.responses.APIGatewayResponse.create_rest_api`` and
  ``moto.apigateway.models.RestAPI.create_from_cloudformation_json``: wrapped, so that
  an API keeps the binary media types it is created with (``RestAPI.binaryMediaTypes``).
- ``moto.logs.models.logs_backends``: ``ensure_log_group``, ``ensure_log_stream`` and
  ``put_log_events`` for the execution log.
- ``moto.apigateway.exceptions.BadRequestException`` (raised) and
  ``moto.awslambda.exceptions.LambdaClientError`` (caught).
"""

from __future__ import annotations

import functools
import http
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import awslambda, gateway, restapi
from .functions import reply_within
from .gateway_logs import ExecutionLog
from .resource_policy import permits
from .server import RAW_HEADERS

log = logging.getLogger("slam.local")

LOGGING_NEEDS_ROLE = "CloudWatch Logs role ARN must be set in account settings to enable logging"
_PATH_PREFIX = "/_aws/execute-api/"
_HOST = re.compile(r"^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$")
_log_lock = threading.Lock()
_log_streams: dict[tuple[str, str], str] = {}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def locate(environ: Mapping[str, Any]) -> tuple[str, str | None, str, str] | None:
    """``(api id, region or None, stage, path in the stage)`` of a request to a stage.

    The path is percent-encoded as the client sent it. None for a request to moto.
    """
    raw = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/").partition("?")[0]
    host = _HOST.match(str(environ.get("HTTP_HOST", "")).lower())
    if host is not None:
        api_id, region, rest = host.group(1), host.group(2), raw.lstrip("/")
    elif raw.startswith(_PATH_PREFIX):
        api_id, _, rest = raw[len(_PATH_PREFIX) :].partition("/")
        region = None
    else:
        return None
    stage, _, path = rest.partition("/")
    return api_id, region, stage, "/" + path


def find_api(api_id: str, region: str | None) -> Any:
    """moto's RestAPI with this ID, in any account and (unless given) any region."""
    from moto.apigateway.models import apigateway_backends

    for account_backends in list(apigateway_backends.values()):
        for name, backend in list(account_backends.items()):
            if region in (None, name) and api_id in backend.apis:
                return backend.apis[api_id]
    return None


def rest_api(api: Any) -> restapi.RestApi:
    """The gateway's view of moto's RestAPI."""
    resources = []
    for resource in list(api.resources.values()):
        shape = resource.to_dict()
        methods: dict[str, restapi.Integration | None] = {}
        for verb, method in (shape.get("resourceMethods") or {}).items():
            integration = method.get("methodIntegration")
            methods[verb] = (
                restapi.Integration(
                    integration.get("type") or "",
                    integration.get("uri") or "",
                    int(integration.get("timeoutInMillis") or restapi.DEFAULT_TIMEOUT_MS),
                )
                if integration
                else None
            )
        resources.append(restapi.Resource(shape["id"], shape["path"], methods))
    media_types = tuple(api.to_dict().get("binaryMediaTypes") or ())
    return restapi.RestApi(api.id, api.account_id, api.region_name, tuple(resources), media_types)


def stage_of(api: Any, name: str) -> restapi.Stage | None:
    stage = api.stages.get(name)
    if stage is None:
        return None
    shape = stage.to_json()
    variables = {key: str(value) for key, value in (shape.get("variables") or {}).items()}
    return restapi.Stage(name, variables, dict(shape.get("methodSettings") or {}))


class LambdaIntegrations:
    """The gateway's Lambda side: the functions moto holds, run by :mod:`.awslambda`."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region

    def _target(self, function_arn: str) -> awslambda.Target:
        from moto.awslambda.exceptions import LambdaClientError

        try:
            return awslambda.resolve(self.account, self.region, function_arn)
        except LambdaClientError as error:
            raise gateway.IntegrationError(error.message) from None

    def permitted(self, function_arn: str, source_arn: str) -> bool:
        try:
            target = self._target(function_arn)
        except gateway.IntegrationError:
            return True  # the invocation reports the missing function
        return permits(target.policy, function_arn, source_arn, self.account)

    def invoke(self, function_arn: str, event: bytes, wait: float) -> restapi.LambdaReply | None:
        from moto.awslambda.exceptions import LambdaClientError

        target = self._target(function_arn)
        try:
            future = awslambda.run(target, event)
        except LambdaClientError as error:
            raise gateway.IntegrationError(error.message) from None
        return reply_within(future, wait)


def serve(environ: dict[str, Any], place: tuple[str, str | None, str, str]) -> restapi.HttpResponse:
    """Serve a request to a stage."""
    api_id, region, stage_name, path = place
    request_id = str(uuid.uuid4())
    found = find_api(api_id, region)
    stage = stage_of(found, stage_name) if found is not None else None
    if found is None or stage is None:
        what = f"REST API {api_id}" if found is None else f"stage {stage_name} of REST API {api_id}"
        log.info("api %s %s: no %s", environ.get("REQUEST_METHOD"), path, what)
        return gateway.MISSING_AUTHENTICATION_TOKEN
    api = rest_api(found)
    request = restapi.request_from_environ(environ, path, environ.get(RAW_HEADERS))
    execution_log = ExecutionLog(request_id)
    response = gateway.execute(
        api, stage, request, LambdaIntegrations(api.account, api.region), execution_log
    )
    if execution_log.entries:
        write_execution_log(api, stage.name, execution_log)
    log.info("api %s/%s %s %s %d", api.id, stage.name, request.method, path, response.status)
    return response


def write_execution_log(api: restapi.RestApi, stage: str, execution_log: ExecutionLog) -> None:
    from moto.logs.models import logs_backends

    group = f"API-Gateway-Execution-Logs_{api.id}/{stage}"
    backend = logs_backends[api.account][api.region]
    events = [{"timestamp": e.timestamp, "message": e.message} for e in execution_log.entries]
    with _log_lock:
        stream = _log_streams.setdefault((group, api.region), uuid.uuid4().hex)
        backend.ensure_log_group(group)
        backend.ensure_log_stream(group, stream)
        backend.put_log_events(group, stream, events)


def wrap(app: WsgiApp) -> WsgiApp:
    """The gateway in front of moto: requests to a stage are served, others go on."""

    def local_aws(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        place = locate(environ)
        if place is None:
            return app(environ, start_response)
        response = serve(environ, place)
        status = f"{response.status} {_REASONS.get(response.status, 'Unknown')}"
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(status, headers)
        return [response.body]

    return local_aws


_REASONS = {code.value: code.phrase for code in http.HTTPStatus}


def _logging_checked(update: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(update)
    def update_stage(backend: Any, function_id: str, stage_name: str, patch_operations: Any) -> Any:
        if not backend.account.cloudwatch_role_arn and enables_logging(patch_operations):
            from moto.apigateway.exceptions import BadRequestException

            raise BadRequestException(LOGGING_NEEDS_ROLE)
        return update(backend, function_id, stage_name, patch_operations)

    update_stage.slam_local = True  # type: ignore[attr-defined]
    return update_stage


def enables_logging(patch_operations: Iterable[Mapping[str, Any]]) -> bool:
    """Whether stage patch operations set a logging level other than OFF."""
    return any(
        str(op.get("path", "")).endswith("/logging/loglevel")
        and str(op.get("value", "OFF")).upper() != "OFF"
        for op in patch_operations or ()
    )


def _keeping_binary_media_types(create: Callable[..., Any]) -> Callable[..., Any]:
    """CreateRestApi keeps ``binaryMediaTypes``, which moto drops."""

    @functools.wraps(create)
    def create_rest_api(response: Any) -> Any:
        status, headers, body = create(response)
        media_types = response._get_param("binaryMediaTypes")
        if status != 200 or not media_types:
            return status, headers, body
        api = response.backend.get_rest_api(json.loads(body)["id"])
        api.binaryMediaTypes = list(media_types)
        return status, headers, json.dumps(api.to_dict())

    create_rest_api.slam_local = True  # type: ignore[attr-defined]
    return create_rest_api


def _from_template_keeping_binary_media_types(create: Callable[..., Any]) -> Callable[..., Any]:
    """``AWS::ApiGateway::RestApi`` keeps ``BinaryMediaTypes``, which moto drops."""

    @functools.wraps(create)
    def create_from_cloudformation_json(
        cls: Any, resource_name: str, cloudformation_json: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        api = create(cls, resource_name, cloudformation_json, *args, **kwargs)
        properties = cloudformation_json.get("Properties") or {}
        api.binaryMediaTypes = list(properties.get("BinaryMediaTypes") or [])
        return api

    create_from_cloudformation_json.slam_local = True  # type: ignore[attr-defined]
    return create_from_cloudformation_json


def install() -> None:
    from moto.apigateway.models import APIGatewayBackend, RestAPI
    from moto.apigateway.responses import APIGatewayResponse

    backend: Any = APIGatewayBackend
    if not getattr(backend.update_stage, "slam_local", False):
        backend.update_stage = _logging_checked(backend.update_stage)
    responses: Any = APIGatewayResponse
    if not getattr(responses.create_rest_api, "slam_local", False):
        responses.create_rest_api = _keeping_binary_media_types(responses.create_rest_api)
    model: Any = RestAPI
    if not getattr(model.create_from_cloudformation_json, "slam_local", False):
        create = model.create_from_cloudformation_json
        model.create_from_cloudformation_json = classmethod(
            _from_template_keeping_binary_media_types(create.__func__)
        )
