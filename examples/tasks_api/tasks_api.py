"""A small tasks REST API, the example project of slam's advanced tutorial.

Deployed with ``slam init tasks_api:app --wsgi --dynamodb-tables tasks``; each stage
keeps its tasks in its own DynamoDB table, ``<STAGE>.tasks``. Run it locally with::

    python tasks_api.py

boto3 honours ``AWS_ENDPOINT_URL``, so pointing it at a local AWS emulator needs no
code change.

Environment variables:

- ``STAGE``: the deployment stage, which picks the table (default ``dev``).
- ``LAMBDA_VERSION``: the Lambda version serving the request (default ``local``).
- ``TASKS_USER`` / ``TASKS_PASSWORD``: HTTP basic auth credentials for ``/tasks``
  (default ``miguel`` / ``python``). ``POST /login`` trades them for a session
  cookie, which browsers then send instead.
- ``PORT``: the port of the local development server (default 5000).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypedDict, TypeVar

import boto3
from flask import Flask, Response, abort, jsonify, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse


class Task(TypedDict):
    id: str
    title: str
    description: str
    done: bool


SESSION_COOKIE = "session"  # until the browser closes
REMEMBER_COOKIE = "remember_me"  # the same proof, kept for REMEMBER_DAYS
REMEMBER_DAYS = 30
# A DynamoDB item holds at most 400 KB: the task, and one attachment of up to this.
ATTACHMENT_LIMIT = 256 * 1024

# The fields a client may set, with the JSON type each must have.
TASK_FIELDS: dict[str, tuple[type, str]] = {
    "title": (str, "a string"),
    "description": (str, "a string"),
    "done": (bool, "a boolean"),
}

app = Flask(__name__)

_dynamodb_lock = threading.Lock()
_dynamodb_client: Any = None


def dynamodb() -> Any:
    """Return the DynamoDB client, creating it on first use.

    Creating it lazily lets the module be imported without AWS credentials, and one
    client serves every request of a Lambda container (clients are thread-safe).
    """
    global _dynamodb_client
    with _dynamodb_lock:
        if _dynamodb_client is None:
            _dynamodb_client = boto3.client("dynamodb")
        return _dynamodb_client


def stage() -> str:
    return os.environ.get("STAGE", "dev")


def table_name() -> str:
    """Name the table of the current stage, as slam creates it: ``<stage>.tasks``."""
    return f"{stage()}.tasks"


def to_item(task: Task) -> dict[str, dict[str, Any]]:
    return {
        "id": {"S": task["id"]},
        "title": {"S": task["title"]},
        "description": {"S": task["description"]},
        "done": {"BOOL": task["done"]},
    }


def from_item(item: dict[str, dict[str, Any]]) -> Task:
    return Task(
        id=item["id"]["S"],
        title=item["title"]["S"],
        description=item["description"]["S"],
        done=item["done"]["BOOL"],
    )


def load_tasks() -> list[Task]:
    tasks: list[Task] = []
    scan: dict[str, Any] = {"TableName": table_name()}
    while True:
        page = dynamodb().scan(**scan)
        tasks.extend(from_item(item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return tasks
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def load_task(task_id: str) -> Task:
    """Return the task with this id, or stop the request with a 404."""
    found = dynamodb().get_item(TableName=table_name(), Key={"id": {"S": task_id}})
    if "Item" not in found:
        abort(404, description="task not found")
    return from_item(found["Item"])


def save_task(task: Task, *, replace: bool = False) -> None:
    """Store a task; with ``replace``, only over one that still exists (else a 404),
    keeping what else its item holds (its attachment)."""
    if not replace:
        dynamodb().put_item(TableName=table_name(), Item=to_item(task))
        return
    item = to_item(task)
    fields = list(TASK_FIELDS)
    # a delete landing between our read and this write must not bring the task back
    update_existing(
        task["id"],
        "SET " + ", ".join(f"#{name} = :{name}" for name in fields),
        {f":{name}": item[name] for name in fields},
        names={f"#{name}": name for name in fields},
    )


def update_existing(
    task_id: str,
    expression: str,
    values: dict[str, dict[str, Any]],
    names: dict[str, str] | None = None,
) -> None:
    """Update the item of a task that exists; a 404 if it does not (or no longer does)."""
    try:
        dynamodb().update_item(
            TableName=table_name(),
            Key={"id": {"S": task_id}},
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(id)",
            **({"ExpressionAttributeNames": names} if names else {}),
            ExpressionAttributeValues=values,
        )
    except dynamodb().exceptions.ConditionalCheckFailedException:
        abort(404, description="task not found")


def task_json(task: Task) -> dict[str, Any]:
    return {**task, "uri": url_for("get_task", task_id=task["id"], _external=True)}


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="the request body must be a JSON object")
    return body


def task_fields(body: dict[str, Any]) -> dict[str, Any]:
    """Pick the task fields present in a request body, checking their types.

    Other keys are ignored, so a client may send back a task as it received it.
    """
    fields: dict[str, Any] = {}
    for name, (expected_type, type_name) in TASK_FIELDS.items():
        if name not in body:
            continue
        if not isinstance(body[name], expected_type):
            abort(400, description=f"{name} must be {type_name}")
        fields[name] = body[name]
    if "title" in fields and not fields["title"].strip():
        abort(400, description="title must not be empty")
    return fields


def session_token(username: str) -> str:
    """Proof of a login: the user name, signed with the password (no other secret to keep)."""
    key = os.environ.get("TASKS_PASSWORD", "python").encode()
    signature = hmac.new(key, username.encode(), hashlib.sha256).hexdigest()
    return f"{username}.{signature}"


def session_valid(token: str) -> bool:
    """Whether a session cookie proves a login of the current user."""
    expected = session_token(os.environ.get("TASKS_USER", "miguel"))
    return hmac.compare_digest(token.encode(), expected.encode())


def credentials_match(username: str, password: str) -> bool:
    expected_user = os.environ.get("TASKS_USER", "miguel")
    expected_password = os.environ.get("TASKS_PASSWORD", "python")
    # Compare both, always, in constant time, so timing tells nothing about either.
    user_ok = hmac.compare_digest(username.encode(), expected_user.encode())
    password_ok = hmac.compare_digest(password.encode(), expected_password.encode())
    return user_ok and password_ok


Params = ParamSpec("Params")
Result = TypeVar("Result")


def requires_auth(view: Callable[Params, Result]) -> Callable[Params, Result | Response]:
    """Let the request reach the view only with the right HTTP basic auth credentials."""

    @wraps(view)
    def checked(*args: Params.args, **kwargs: Params.kwargs) -> Result | Response:
        auth = request.authorization
        if auth is None or auth.type != "basic":
            cookie = request.cookies.get(SESSION_COOKIE) or request.cookies.get(REMEMBER_COOKIE)
            if cookie and session_valid(cookie):
                return view(*args, **kwargs)
            return unauthorized("authentication required")
        if not credentials_match(auth.username or "", auth.password or ""):
            return unauthorized("invalid credentials")
        return view(*args, **kwargs)

    return checked


def unauthorized(message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Basic realm="tasks"'
    return response


@app.errorhandler(HTTPException)
def json_error(error: HTTPException) -> WerkzeugResponse:
    """Answer every HTTP error as ``{"error": "<short message>"}``."""
    response = error.get_response()  # keeps headers such as Allow on a 405
    # werkzeug's own errors carry a long sentence meant for HTML; ours carry a short one
    own_message = error.description != type(error).description
    message = error.description if own_message else (error.name or "error").lower()
    response.set_data(app.json.dumps({"error": message}))
    response.content_type = "application/json"
    return response


@app.get("/")
def index() -> dict[str, str]:
    return {
        "name": "tasks_api",
        "version": os.environ.get("LAMBDA_VERSION", "local"),
        "stage": stage(),
    }


@app.get("/tasks")
@requires_auth
def list_tasks() -> dict[str, Any]:
    return {"tasks": [task_json(task) for task in load_tasks()]}


@app.get("/tasks/<task_id>")
@requires_auth
def get_task(task_id: str) -> dict[str, Any]:
    return {"task": task_json(load_task(task_id))}


@app.post("/tasks")
@requires_auth
def create_task() -> tuple[dict[str, Any], int]:
    fields = task_fields(json_body())
    if "title" not in fields:
        abort(400, description="title is required")
    task = Task(
        id=uuid.uuid4().hex,
        title=fields["title"],
        description=fields.get("description", ""),
        done=fields.get("done", False),
    )
    save_task(task)
    return {"task": task_json(task)}, 201


@app.put("/tasks/<task_id>")
@requires_auth
def update_task(task_id: str) -> dict[str, Any]:
    fields = task_fields(json_body())
    task = load_task(task_id)
    task.update(fields)  # type: ignore[typeddict-item]
    save_task(task, replace=True)
    return {"task": task_json(task)}


@app.delete("/tasks/<task_id>")
@requires_auth
def delete_task(task_id: str) -> tuple[str, int]:
    deleted = dynamodb().delete_item(
        TableName=table_name(), Key={"id": {"S": task_id}}, ReturnValues="ALL_OLD"
    )
    if "Attributes" not in deleted:
        abort(404, description="task not found")
    return "", 204


@app.put("/tasks/<task_id>/attachment")
@requires_auth
def attach(task_id: str) -> tuple[str, int]:
    """Store the request's body, any bytes, as the task's attachment, with its type."""
    data = request.get_data()
    if len(data) > ATTACHMENT_LIMIT:
        abort(413, description=f"an attachment holds at most {ATTACHMENT_LIMIT // 1024} KB")
    values = {
        ":data": {"B": data},
        ":type": {"S": request.content_type or "application/octet-stream"},
    }
    update_existing(task_id, "SET attachment = :data, attachment_type = :type", values)
    return "", 204


@app.get("/tasks/<task_id>/attachment")
@requires_auth
def attachment(task_id: str) -> Response:
    """The task's attachment, as it was stored."""
    found = dynamodb().get_item(TableName=table_name(), Key={"id": {"S": task_id}})
    item = found.get("Item")
    if item is None:
        abort(404, description="task not found")
    if "attachment" not in item:
        abort(404, description="the task has no attachment")
    return Response(item["attachment"]["B"], content_type=item["attachment_type"]["S"])


@app.post("/login")
@requires_auth
def login() -> Response:
    """Start a browser session: a session cookie, and with ``{"remember": true}`` a
    cookie that keeps the login for REMEMBER_DAYS days."""
    body = request.get_json(silent=True)
    remember = isinstance(body, dict) and body.get("remember") is True
    user = os.environ.get("TASKS_USER", "miguel")
    response = jsonify(user=user, remembered=remember)
    token = session_token(user)
    response.set_cookie(SESSION_COOKIE, token, **cookie_options())
    if remember:
        days = REMEMBER_DAYS * 24 * 3600
        response.set_cookie(REMEMBER_COOKIE, token, max_age=days, **cookie_options())
    return response


@app.post("/logout")
def logout() -> Response:
    response = Response(status=204)
    for name in (SESSION_COOKIE, REMEMBER_COOKIE):
        response.delete_cookie(name, **cookie_options())
    return response


def cookie_options() -> dict[str, Any]:
    """The session cookies' settings: for this app's path only, never read by scripts."""
    return {
        "path": request.script_root or "/",
        "secure": request.is_secure,
        "httponly": True,
        "samesite": "Lax",
    }


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
