"""Tests for examples/tasks_api's attachments (any bytes) and browser sessions (cookies),
in process: Flask's test client, DynamoDB from moto."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import pytest
from flask.testing import FlaskClient

from . import test_tasks_api as tasks_api_tests
from .test_tasks_api import AUTH, UNKNOWN_ID, create, stored_items

# the fixtures of tasks_api's own tests: moto's DynamoDB, the app, its test client
moto_dynamodb = tasks_api_tests.moto_dynamodb
dynamodb = tasks_api_tests.dynamodb
tasks_api = tasks_api_tests.tasks_api
client = tasks_api_tests.client

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def cookies_set(response: Any) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header of a response, parsed, by cookie name."""
    parsed = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        parsed[next(iter(cookie))] = cookie
    return parsed


# --- attachments ---------------------------------------------------------------------


def test_an_attachment_comes_back_byte_for_byte_with_its_type(client: FlaskClient) -> None:
    task = create(client, title="Draw the logo")

    stored = client.put(
        f"/tasks/{task['id']}/attachment", data=PNG, content_type="image/png", auth=AUTH
    )
    response = client.get(f"/tasks/{task['id']}/attachment", auth=AUTH)

    assert (stored.status_code, stored.data) == (204, b"")
    assert (response.status_code, response.data) == (200, PNG)
    assert response.content_type == "image/png"


def test_updating_a_task_keeps_its_attachment(client: FlaskClient, dynamodb: Any) -> None:
    task = create(client, title="Draw the logo")
    client.put(f"/tasks/{task['id']}/attachment", data=PNG, content_type="image/png", auth=AUTH)

    updated = client.put(f"/tasks/{task['id']}", json={"done": True}, auth=AUTH)

    assert updated.get_json() == {"task": {**task, "done": True}}
    assert client.get(f"/tasks/{task['id']}/attachment", auth=AUTH).data == PNG
    [item] = stored_items(dynamodb, "dev.tasks")
    assert item["done"] == {"BOOL": True}


def test_an_attachment_without_a_type_is_plain_bytes(client: FlaskClient) -> None:
    task = create(client, title="Keep the key")
    client.put(f"/tasks/{task['id']}/attachment", data=b"\x00\xff", auth=AUTH)

    response = client.get(f"/tasks/{task['id']}/attachment", auth=AUTH)

    assert (response.data, response.content_type) == (b"\x00\xff", "application/octet-stream")


def test_an_attachment_too_large_for_dynamodb_is_refused(client: FlaskClient) -> None:
    task = create(client, title="Huge")

    response = client.put(f"/tasks/{task['id']}/attachment", data=b"x" * 262_145, auth=AUTH)

    assert response.status_code == 413
    assert response.get_json() == {"error": "an attachment holds at most 256 KB"}
    assert client.get(f"/tasks/{task['id']}/attachment", auth=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("method", "message"),
    [("PUT", "task not found"), ("GET", "task not found")],
)
def test_an_unknown_tasks_attachment_is_404(
    client: FlaskClient, dynamodb: Any, method: str, message: str
) -> None:
    response = client.open(f"/tasks/{UNKNOWN_ID}/attachment", method=method, data=b"x", auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": message}
    assert stored_items(dynamodb, "dev.tasks") == []


def test_a_task_without_an_attachment_says_so(client: FlaskClient) -> None:
    task = create(client, title="Nothing attached")

    response = client.get(f"/tasks/{task['id']}/attachment", auth=AUTH)

    assert response.status_code == 404
    assert response.get_json() == {"error": "the task has no attachment"}


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_attachments_need_auth(client: FlaskClient, method: str) -> None:
    task = create(client, title="Private")

    response = client.open(f"/tasks/{task['id']}/attachment", method=method, data=b"x")

    assert response.status_code == 401


# --- sessions ------------------------------------------------------------------------


def test_login_sets_a_session_cookie_that_then_stands_for_basic_auth(
    client: FlaskClient,
) -> None:
    response = client.post("/login", auth=AUTH)

    assert response.get_json() == {"user": "miguel", "remembered": False}
    cookies = cookies_set(response)
    assert list(cookies) == ["session"]
    session = cookies["session"]["session"]
    assert (session["httponly"], session["samesite"], session["path"]) == (True, "Lax", "/")
    assert session["max-age"] == ""  # gone when the browser closes
    assert client.get("/tasks").get_json() == {"tasks": []}  # the test client sends it


def test_login_remembering_the_user_sets_two_cookies_at_once(client: FlaskClient) -> None:
    response = client.post("/login", json={"remember": True}, auth=AUTH)

    assert response.get_json() == {"user": "miguel", "remembered": True}
    cookies = cookies_set(response)
    assert list(cookies) == ["session", "remember_me"]
    remember = cookies["remember_me"]["remember_me"]
    assert remember["max-age"] == str(30 * 24 * 3600)
    assert remember.value == cookies["session"]["session"].value


def test_the_remember_me_cookie_alone_is_a_login(client: FlaskClient) -> None:
    client.post("/login", json={"remember": True}, auth=AUTH)
    client.delete_cookie("session")

    assert client.get("/tasks").status_code == 200


def test_logout_clears_both_cookies(client: FlaskClient) -> None:
    client.post("/login", json={"remember": True}, auth=AUTH)

    response = client.post("/logout")

    assert response.status_code == 204
    assert {name: cookie[name].value for name, cookie in cookies_set(response).items()} == {
        "session": "",
        "remember_me": "",
    }
    assert client.get("/tasks").status_code == 401


def test_a_forged_session_cookie_is_no_login(client: FlaskClient) -> None:
    client.set_cookie("session", "miguel.0123456789abcdef")

    response = client.get("/tasks")

    assert response.status_code == 401
    assert response.get_json() == {"error": "authentication required"}


def test_a_session_ends_when_the_password_changes(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post("/login", auth=AUTH)

    monkeypatch.setenv("TASKS_PASSWORD", "rotated")

    assert client.get("/tasks").status_code == 401


def test_login_needs_credentials(client: FlaskClient) -> None:
    response = client.post("/login")

    assert response.status_code == 401
    assert cookies_set(response) == {}
