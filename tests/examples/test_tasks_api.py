"""Tests for examples/tasks_api, in process: Flask's test client, DynamoDB from moto."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from flask.testing import FlaskClient
from moto import mock_aws

AUTH = ("miguel", "python")
UNKNOWN_ID = "0" * 32

# Every route under /tasks, with a body good enough to pass validation.
TASK_ROUTES = [
    ("GET", "/tasks", None),
    ("POST", "/tasks", {"title": "Buy milk"}),
    ("GET", f"/tasks/{UNKNOWN_ID}", None),
    ("PUT", f"/tasks/{UNKNOWN_ID}", {"done": True}),
    ("DELETE", f"/tasks/{UNKNOWN_ID}", None),
]

APP_ENV = ("STAGE", "LAMBDA_VERSION", "TASKS_USER", "TASKS_PASSWORD", "PORT")


def clear_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own AWS settings and the app's settings out of the test."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", *APP_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture(scope="module")
def moto_dynamodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """moto, started once for this module, behind fake credentials: a DynamoDB client."""
    with pytest.MonkeyPatch.context() as patch:
        clear_aws_env(patch, tmp_path_factory.mktemp("aws"))
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        with mock_aws():
            yield boto3.client("dynamodb")


@pytest.fixture
def dynamodb(moto_dynamodb: Any) -> Any:
    """The module's DynamoDB on moto, holding no table when a test starts."""
    for name in moto_dynamodb.list_tables()["TableNames"]:
        moto_dynamodb.delete_table(TableName=name)
    return moto_dynamodb


def create_table(dynamodb: Any, name: str) -> None:
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def stored_items(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = dynamodb.scan(TableName=table)["Items"]
    return items


@pytest.fixture
def tasks_api(load_example: Callable[[str], ModuleType]) -> ModuleType:
    return load_example("tasks_api")


@pytest.fixture
def client(dynamodb: Any, tasks_api: ModuleType) -> FlaskClient:
    create_table(dynamodb, "dev.tasks")
    test_client: FlaskClient = tasks_api.app.test_client()
    return test_client


def create(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/tasks", json=fields, auth=AUTH)
    assert response.status_code == 201, response.get_json()
    task: dict[str, Any] = response.get_json()["task"]
    return task


# --- GET / ---------------------------------------------------------------------------


def test_index_needs_no_aws_credentials(
    load_example: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clear_aws_env(monkeypatch, tmp_path)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    response = load_example("tasks_api").app.test_client().get("/")

    assert response.status_code == 200
    assert response.get_json() == {"name": "tasks_api", "version": "local", "stage": "dev"}


def test_index_reports_stage_and_lambda_version(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("LAMBDA_VERSION", "7")

    response = client.get("/")

    assert response.get_json() == {"name": "tasks_api", "version": "7", "stage": "prod"}


# --- create --------------------------------------------------------------------------


def test_create_with_title_only_fills_defaults_and_stores_the_task(
    client: FlaskClient, dynamodb: Any
) -> None:
    response = client.post("/tasks", json={"title": "Buy milk"}, auth=AUTH)

    assert response.status_code == 201
    task = response.get_json()["task"]
    task_id = task["id"]
    assert len(task_id) == 32
    assert int(task_id, 16) >= 0
    assert task == {
        "id": task_id,
        "title": "Buy milk",
        "description": "",
        "done": False,
        "uri": f"http://localhost/tasks/{task_id}",
    }
    assert stored_items(dynamodb, "dev.tasks") == [
        {
            "id": {"S": task_id},
            "title": {"S": "Buy milk"},
            "description": {"S": ""},
            "done": {"BOOL": False},
        }
    ]


def test_create_with_every_field(client: FlaskClient) -> None:
    task = create(client, title="Learn slam", description="Read the tutorial", done=True)

    assert task == {
        "id": task["id"],
        "title": "Learn slam",
        "description": "Read the tutorial",
        "done": True,
        "uri": f"http://localhost/tasks/{task['id']}",
    }


def test_create_gives_each_task_its_own_id(client: FlaskClient) -> None:
    assert create(client, title="one")["id"] != create(client, title="two")["id"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "title is required"),
        ({"description": "no title"}, "title is required"),
        ({"title": 42}, "title must be a string"),
        ({"title": None}, "title must be a string"),
        ({"title": "  "}, "title must not be empty"),
        ({"title": "ok", "description": ["x"]}, "description must be a string"),
        ({"title": "ok", "done": "yes"}, "done must be a boolean"),
        ({"title": "ok", "done": 1}, "done must be a boolean"),
        (["title"], "the request body must be a JSON object"),
        ("title", "the request body must be a JSON object"),
    ],
)
def test_create_rejects_a_bad_body(
    client: FlaskClient, dynamodb: Any, body: Any, message: str
) -> None:
    response = client.post("/tasks", json=body, auth=AUTH)

    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    assert stored_items(dynamodb, "dev.tasks") == []


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"title": ', "application/json"),
        ('{"title": "Buy milk"}', "text/plain"),
        ("", None),
    ],
)
def test_create_rejects_a_body_that_is_not_json(
    client: FlaskClient, data: str, content_type: str | None
) -> None:
    response = client.post("/tasks", data=data, content_type=content_type, auth=AUTH)

    assert response.status_code == 400
    assert response.get_json() == {"error": "the request body must be a JSON object"}


# --- list and get --------------------------------------------------------------------


def test_list_is_empty_at_first(client: FlaskClient) -> None:
    response = client.get("/tasks", auth=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {"tasks": []}


def test_list_returns_every_task(client: FlaskClient) -> None:
    created = [create(client, title="one"), create(client, title="two", done=True)]

    listed = client.get("/tasks", auth=AUTH).get_json()["tasks"]

    assert sorted(listed, key=lambda task: task["title"]) == created


def test_list_reads_every_page_of_the_table(
    client: FlaskClient, dynamodb: Any, tasks_api: ModuleType
) -> None:
    # DynamoDB answers a scan 1 MB at a time: three 400 kB tasks need more than one page.
    big = "x" * 400_000
    for number in range(3):
        task = tasks_api.Task(id=f"task{number}", title=str(number), description=big, done=False)
        dynamodb.put_item(TableName="dev.tasks", Item=tasks_api.to_item(task))
    assert "LastEvaluatedKey" in dynamodb.scan(TableName="dev.tasks")

    listed = client.get("/tasks", auth=AUTH).get_json()["tasks"]

    assert sorted(task["id"] for task in listed) == ["task0", "task1", "task2"]


def test_get_returns_the_task(client: FlaskClient) -> None:
    task = create(client, title="Buy milk", description="2 litres")

    response = client.get(f"/tasks/{task['id']}", auth=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {"task": task}


def test_get_unknown_task_is_404(client: FlaskClient) -> None:
    response = client.get(f"/tasks/{UNKNOWN_ID}", auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": "task not found"}


# --- uri -----------------------------------------------------------------------------


def test_uri_leads_back_to_the_task(client: FlaskClient) -> None:
    task = create(client, title="Buy milk")

    assert client.get(task["uri"], auth=AUTH).get_json() == {"task": task}


def test_uri_follows_the_host_scheme_and_stage_prefix(client: FlaskClient) -> None:
    # API Gateway serves a stage under a path prefix, which reaches the app as SCRIPT_NAME.
    base_url = "https://abc123.execute-api.us-east-1.amazonaws.com/dev"
    response = client.post("/tasks", json={"title": "Buy milk"}, auth=AUTH, base_url=base_url)
    task = response.get_json()["task"]

    assert task["uri"] == f"{base_url}/tasks/{task['id']}"
    listed = client.get("/tasks", auth=AUTH, base_url=base_url).get_json()["tasks"]
    assert [entry["uri"] for entry in listed] == [task["uri"]]


# --- update --------------------------------------------------------------------------


def test_update_changes_only_the_given_fields(client: FlaskClient, dynamodb: Any) -> None:
    task = create(client, title="Buy milk", description="2 litres")

    response = client.put(f"/tasks/{task['id']}", json={"done": True}, auth=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {"task": {**task, "done": True}}
    assert stored_items(dynamodb, "dev.tasks") == [
        {
            "id": {"S": task["id"]},
            "title": {"S": "Buy milk"},
            "description": {"S": "2 litres"},
            "done": {"BOOL": True},
        }
    ]


def test_update_every_field(client: FlaskClient) -> None:
    task = create(client, title="Buy milk")
    changes = {"title": "Buy bread", "description": "wholemeal", "done": True}

    response = client.put(f"/tasks/{task['id']}", json=changes, auth=AUTH)

    assert response.get_json() == {"task": {**task, **changes}}
    assert client.get(task["uri"], auth=AUTH).get_json() == {"task": {**task, **changes}}


def test_update_ignores_id_and_uri_in_the_body(client: FlaskClient) -> None:
    task = create(client, title="Buy milk")
    sent_back = {**task, "id": UNKNOWN_ID, "uri": "http://elsewhere/", "done": True}

    response = client.put(f"/tasks/{task['id']}", json=sent_back, auth=AUTH)

    assert response.get_json() == {"task": {**task, "done": True}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": 1}, "title must be a string"),
        ({"title": ""}, "title must not be empty"),
        ({"description": None}, "description must be a string"),
        ({"done": "true"}, "done must be a boolean"),
        ({"done": 0}, "done must be a boolean"),
        ([{"done": True}], "the request body must be a JSON object"),
    ],
)
def test_update_rejects_a_bad_body(client: FlaskClient, body: Any, message: str) -> None:
    task = create(client, title="Buy milk")

    response = client.put(f"/tasks/{task['id']}", json=body, auth=AUTH)

    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    assert client.get(task["uri"], auth=AUTH).get_json() == {"task": task}


def test_update_unknown_task_is_404(client: FlaskClient, dynamodb: Any) -> None:
    response = client.put(f"/tasks/{UNKNOWN_ID}", json={"done": True}, auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": "task not found"}
    assert stored_items(dynamodb, "dev.tasks") == []


def test_update_racing_a_delete_does_not_resurrect_the_task(
    client: FlaskClient, dynamodb: Any, tasks_api: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = create(client, title="doomed")
    read_task = tasks_api.load_task

    def read_then_deleted_elsewhere(task_id: str) -> Any:
        found = read_task(task_id)
        dynamodb.delete_item(TableName="dev.tasks", Key={"id": {"S": task_id}})
        return found

    monkeypatch.setattr(tasks_api, "load_task", read_then_deleted_elsewhere)
    response = client.put(f"/tasks/{task['id']}", json={"done": True}, auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": "task not found"}
    assert stored_items(dynamodb, "dev.tasks") == []


# --- delete --------------------------------------------------------------------------


def test_delete_removes_the_task(client: FlaskClient, dynamodb: Any) -> None:
    kept = create(client, title="keep")
    task = create(client, title="remove")

    response = client.delete(f"/tasks/{task['id']}", auth=AUTH)

    assert response.status_code == 204
    assert response.data == b""
    assert client.get(task["uri"], auth=AUTH).status_code == 404
    assert [item["id"]["S"] for item in stored_items(dynamodb, "dev.tasks")] == [kept["id"]]


def test_delete_unknown_task_is_404(client: FlaskClient) -> None:
    response = client.delete(f"/tasks/{UNKNOWN_ID}", auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": "task not found"}


# --- authentication ------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), TASK_ROUTES)
@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "authentication required"),
        ({"Authorization": "Bearer abc"}, "authentication required"),
        ({"Authorization": "Basic not-base64!"}, "authentication required"),
        ({"Authorization": "Basic Z3JhY2U6cHl0aG9u"}, "invalid credentials"),  # grace:python
        ({"Authorization": "Basic bWlndWVsOnJ1Ynk="}, "invalid credentials"),  # miguel:ruby
        ({"Authorization": "Basic bWlndWVsOg=="}, "invalid credentials"),  # miguel:
    ],
    ids=["missing", "bearer", "malformed", "wrong-user", "wrong-password", "empty-password"],
)
def test_every_task_route_needs_basic_auth(
    client: FlaskClient,
    dynamodb: Any,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    message: str,
) -> None:
    response = client.open(path, method=method, json=body, headers=headers)

    assert response.status_code == 401
    assert response.get_json() == {"error": message}
    assert response.headers["WWW-Authenticate"] == 'Basic realm="tasks"'
    assert stored_items(dynamodb, "dev.tasks") == []


def test_credentials_come_from_the_environment(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKS_USER", "grace")
    monkeypatch.setenv("TASKS_PASSWORD", "hopper ✓")

    assert client.get("/tasks", auth=AUTH).status_code == 401
    assert client.get("/tasks", auth=("grace", "hopper ✓")).get_json() == {"tasks": []}


def test_index_needs_no_auth(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200


# --- other errors --------------------------------------------------------------------


def test_unknown_route_is_json_404(client: FlaskClient) -> None:
    response = client.get("/nowhere", auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/tasks", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("PATCH", f"/tasks/{UNKNOWN_ID}", {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}),
        ("POST", "/", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_wrong_method_is_json_405(
    client: FlaskClient, method: str, path: str, allowed: set[str]
) -> None:
    response = client.open(path, method=method, auth=AUTH)

    assert response.status_code == 405
    assert response.get_json() == {"error": "method not allowed"}
    assert set(response.headers["Allow"].split(", ")) == allowed


def test_a_missing_table_is_json_500(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE", "staging")  # no staging.tasks table exists

    response = client.get("/tasks", auth=AUTH)

    assert response.status_code == 500
    assert response.get_json() == {"error": "internal server error"}


# --- stages --------------------------------------------------------------------------


def test_each_stage_uses_its_own_table(
    client: FlaskClient, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_table(dynamodb, "prod.tasks")
    monkeypatch.setenv("STAGE", "prod")

    task = create(client, title="Ship it")

    assert [item["id"]["S"] for item in stored_items(dynamodb, "prod.tasks")] == [task["id"]]
    assert stored_items(dynamodb, "dev.tasks") == []
    assert client.get("/tasks", auth=AUTH).get_json() == {"tasks": [task]}
    monkeypatch.setenv("STAGE", "dev")
    assert client.get("/tasks", auth=AUTH).get_json() == {"tasks": []}
    assert client.get(task["uri"], auth=AUTH).status_code == 404
