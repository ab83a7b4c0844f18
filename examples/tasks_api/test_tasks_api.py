"""tasks_api's own quick tests (no AWS needed); dodo.py runs them before packaging."""

import pytest
from tasks_api import app


@pytest.fixture
def client(monkeypatch):
    for name in ("STAGE", "LAMBDA_VERSION", "TASKS_USER", "TASKS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return app.test_client()


def test_index_names_the_api_its_version_and_stage(client):
    response = client.get("/")
    assert response.json == {"name": "tasks_api", "version": "local", "stage": "dev"}


def test_tasks_need_basic_auth(client):
    response = client.get("/tasks")
    assert response.status_code == 401
    assert response.json == {"error": "authentication required"}
    assert response.headers["WWW-Authenticate"] == 'Basic realm="tasks"'
