"""End to end for examples/tasks_api: ``python tasks_api.py`` over real HTTP, on a moto server."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any, NamedTuple
from urllib.error import HTTPError
from urllib.request import ProxyHandler, Request, build_opener

import boto3
import pytest
from moto.server import ThreadedMotoServer

pytestmark = pytest.mark.slow  # a moto server, and the app in a subprocess

TASKS_API_DIR = Path(__file__).resolve().parents[2] / "examples" / "tasks_api"
BASIC_AUTH = "Basic " + base64.b64encode(b"miguel:python").decode()
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Talk to 127.0.0.1 directly, whatever proxy the environment names.
http = build_opener(ProxyHandler({}))


@pytest.fixture
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_env(moto_url: str, port: int, tmp_path: Path) -> dict[str, str]:
    """The test's environment without its AWS, proxy and app settings, plus the ones we choose."""
    dropped = ("STAGE", "LAMBDA_VERSION", "TASKS_USER", "TASKS_PASSWORD", "PORT")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and "proxy" not in name.lower() and name not in dropped
    }
    return {
        **env,
        **FAKE_AWS,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_ENDPOINT_URL": moto_url,
        "PORT": str(port),
        "STAGE": "staging",
    }


@pytest.fixture
def dynamodb(moto_url: str) -> Any:
    """A DynamoDB client on the moto server, which holds an empty ``staging.tasks`` table."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=moto_url,
        aws_access_key_id=FAKE_AWS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
        region_name=FAKE_AWS["AWS_DEFAULT_REGION"],
    )
    client.create_table(
        TableName="staging.tasks",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


@pytest.fixture
def tasks_api_url(moto_url: str, dynamodb: Any, tmp_path: Path) -> Iterator[str]:
    """Run ``python tasks_api.py`` against the moto server; yield its URL once it answers."""
    port = free_port()
    log_path = tmp_path / "tasks_api.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "tasks_api.py"],
            cwd=TASKS_API_DIR,
            env=app_env(moto_url, port, tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(url, server, log_path)
            yield url
        finally:
            stop(server)


def wait_until_answering(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60  # a generous bound for a loaded machine, not a check
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"tasks_api.py exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            with http.open(url + "/", timeout=5):
                return
        except OSError:  # not listening yet; URLError is an OSError too
            time.sleep(0.05)
    pytest.fail(f"tasks_api.py did not answer on {url}:\n{log_path.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Answer(NamedTuple):
    status: int
    body: Any
    headers: Message


def call(method: str, url: str, body: Any = None, auth: bool = True) -> Answer:
    """Send one request, with basic auth unless told otherwise; error statuses are answers too."""
    request = Request(url, method=method)
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header("Authorization", BASIC_AUTH)
    try:
        with http.open(request, timeout=10) as response:
            return Answer(response.status, json_or_none(response.read()), response.headers)
    except HTTPError as error:
        with error:
            return Answer(error.code, json_or_none(error.read()), error.headers)


def json_or_none(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


def test_task_lifecycle_over_http(tasks_api_url: str, dynamodb: Any) -> None:
    tasks_url = f"{tasks_api_url}/tasks"

    index = call("GET", f"{tasks_api_url}/", auth=False)
    assert index[:2] == (200, {"name": "tasks_api", "version": "local", "stage": "staging"})

    refused = call("POST", tasks_url, {"title": "Buy milk"}, auth=False)
    assert refused[:2] == (401, {"error": "authentication required"})
    assert refused.headers["WWW-Authenticate"] == 'Basic realm="tasks"'

    created = call("POST", tasks_url, {"title": "Buy milk"})
    assert created.status == 201
    task = created.body["task"]
    assert task == {
        "id": task["id"],
        "title": "Buy milk",
        "description": "",
        "done": False,
        "uri": f"{tasks_url}/{task['id']}",
    }

    assert call("GET", tasks_url)[:2] == (200, {"tasks": [task]})
    assert call("GET", task["uri"])[:2] == (200, {"task": task})

    updated = call("PUT", task["uri"], {"done": True, "description": "2 litres"})
    task = {**task, "done": True, "description": "2 litres"}
    assert updated[:2] == (200, {"task": task})
    stored = dynamodb.get_item(TableName="staging.tasks", Key={"id": {"S": task["id"]}})
    assert stored["Item"] == {
        "id": {"S": task["id"]},
        "title": {"S": "Buy milk"},
        "description": {"S": "2 litres"},
        "done": {"BOOL": True},
    }

    assert call("DELETE", task["uri"])[:2] == (204, None)
    assert call("GET", task["uri"])[:2] == (404, {"error": "task not found"})
    assert dynamodb.scan(TableName="staging.tasks")["Items"] == []
