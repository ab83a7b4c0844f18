"""CloudFormation's API, served in front of moto: the WSGI middleware and the reads.

Requests signed for the ``cloudformation`` service never reach moto's own (synchronous)
CloudFormation; every other request passes through untouched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .checks import check_template
from .errors import (
    ApiError,
    ChangeSetNotFound,
    NotImplementedAction,
    ValidationError,
    stack_not_found,
)
from .protocol import answer, error_answer, parse_form, read_input
from .providers import Clients, StackContext
from .state import STORE, ChangeSet, Stack
from .template import Template, parse_template

LOGGER = logging.getLogger(__name__)
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")
MAX_BODY = 51200
MAX_URL_BODY = 1_048_576  # a template read from S3 may be 1 MB
PAGE = 100
WsgiApp = Callable[..., Any]
Action = Callable[["ApiRequest"], dict[str, Any]]
ACTIONS: dict[str, Action] = {}
_CLIENTS: dict[tuple[str, str], Clients] = {}


def action(function: Action) -> Action:
    """Register ``function`` as the handler of the API action named like it, in PascalCase."""
    ACTIONS["".join(part.title() for part in function.__name__.split("_"))] = function
    return function


@dataclass(frozen=True)
class ApiRequest:
    """One CloudFormation request: its input, region and the way back to the local AWS."""

    params: dict[str, Any]
    region: str
    clients: Clients

    def context(self, stack: Stack) -> StackContext:
        return StackContext(stack.name, stack.id, stack.region, stack.account, self.clients)

    def account(self) -> str:
        return str(self.clients.client("sts", self.region).get_caller_identity()["Account"])

    def stack(self, include_deleted: bool = True) -> Stack:
        name = str(self.params.get("StackName", ""))
        stack = STORE.find(self.region, name)
        if stack is None or (not include_deleted and stack.status == "DELETE_COMPLETE"):
            raise stack_not_found(name)
        return stack

    def template(self, previous: Stack | None = None) -> Template:
        """The template given by TemplateBody, TemplateURL or UsePreviousTemplate, checked."""
        if self.params.get("UsePreviousTemplate"):
            if previous is None:
                raise ValidationError("UsePreviousTemplate can only be used with existing stacks")
            return previous.configuration.template
        body = self.params.get("TemplateBody")
        url = self.params.get("TemplateURL")
        if body is None and url is None:
            raise ValidationError("Either Template URL or Template Body must be specified.")
        if body is None:
            body = self._fetch(str(url))
            if len(body.encode()) > MAX_URL_BODY:
                raise ValidationError(f"Template may not exceed {MAX_URL_BODY} bytes in size.")
        elif len(body.encode()) > MAX_BODY:
            raise ValidationError(
                "1 validation error detected: Value at 'templateBody' failed to satisfy "
                f"constraint: Member must have length less than or equal to {MAX_BODY}"
            )
        template = parse_template(body)
        check_template(template)
        return template

    def _fetch(self, url: str) -> str:
        """A template from S3: virtual-hosted URLs on amazonaws.com, path-style otherwise."""
        from botocore.exceptions import ClientError

        parts = urlsplit(url)
        host = parts.hostname or ""
        path = parts.path.lstrip("/")
        if ".s3" in host and host.endswith("amazonaws.com") and not host.startswith("s3"):
            bucket, key = host.split(".s3", 1)[0], path
        else:
            bucket, _, key = path.partition("/")
        try:
            body = self.clients.client("s3", self.region).get_object(Bucket=bucket, Key=key)
        except ClientError:
            raise ValidationError(
                "TemplateURL must reference a valid S3 object to which you have access."
            ) from None
        return str(body["Body"].read().decode())

    def change_set(self) -> tuple[Stack, ChangeSet]:
        name = str(self.params["ChangeSetName"])
        stacks = STORE.in_region(self.region)
        if not name.startswith("arn:"):
            stacks = [self.stack()] if "StackName" in self.params else []
        for stack in stacks:
            for change_set in stack.change_sets.values():
                if name in (change_set.id, change_set.name):
                    return stack, change_set
        raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")


def page(items: list[Any], token: Any) -> tuple[list[Any], str | None]:
    """One page of ``items`` from NextToken ``token``, and the token of the next one."""
    start = int(token) if token else 0
    end = start + PAGE
    return items[start:end], (str(end) if end < len(items) else None)


def is_cloudformation(environ: dict[str, Any]) -> bool:
    match = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        return match.group(3) == "cloudformation"
    return str(environ.get("HTTP_HOST", "")).startswith("cloudformation.")


def _endpoint(environ: dict[str, Any]) -> str:
    """How this server's own threads reach it back."""
    host = str(environ.get("SERVER_NAME") or "127.0.0.1")
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{environ.get('SERVER_PORT', '80')}"


def _request(environ: dict[str, Any]) -> tuple[str, ApiRequest]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode() if length else ""
    form = parse_form(body or str(environ.get("QUERY_STRING", "")))
    match = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    access_key, region = (match.group(1), match.group(2)) if match else ("testing", "")
    region = region or _host_region(str(environ.get("HTTP_HOST", "")))
    endpoint = _endpoint(environ)
    clients = _CLIENTS.setdefault((endpoint, access_key), Clients(endpoint, access_key))
    name = form.get("Action", "")
    params = read_input(name, form) if name in ACTIONS else {}
    return name, ApiRequest(params, region, clients)


def _host_region(host: str) -> str:
    parts = host.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "cloudformation" else "us-east-1"


def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer one CloudFormation request."""
    name = ""
    try:
        name, request = _request(environ)
        handler = ACTIONS.get(name)
        if handler is None:
            raise NotImplementedAction(
                f"The local AWS does not implement CloudFormation's {name or 'API'}"
            )
        # One action at a time: checking a stack's status and starting its operation
        # must not interleave with another request's.
        with STORE.lock:
            result = handler(request)
        body, status = answer(name, result), 200
    except ApiError as error:
        body, status = error_answer(error), error.status
    except Exception as error:  # pragma: no cover - a bug in the local AWS itself
        LOGGER.exception("CloudFormation %s failed", name)
        failure = ApiError(f"Internal failure: {error}")
        failure.status = 500
        body, status = error_answer(failure), 500
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))],
    )
    return [body]


def middleware(app: WsgiApp) -> WsgiApp:
    """``app`` with CloudFormation answered here, and moto's reset also forgetting stacks."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") == "/moto-api/reset"
            and environ.get("REQUEST_METHOD") == "POST"
        ):
            STORE.reset()
        elif is_cloudformation(environ):
            return handle(environ, start_response)
        result: Iterable[bytes] = app(environ, start_response)
        return result

    return serve
