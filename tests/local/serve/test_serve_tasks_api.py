"""``slam serve`` running examples/tasks_api offline, over real HTTP: the tutorial's flow."""

from __future__ import annotations

import base64
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .project import edit
from .served import Response, Served, children, process_running

# the first build installs flask from the package index
pytestmark = [pytest.mark.slow, pytest.mark.network]

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "tasks_api"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"miguel:python").decode()}
JSON = {**AUTH, "Content-Type": "application/json"}


def copy_of_example(folder: Path) -> Path:
    project = folder / "tasks_api"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".slam", "__pycache__"))
    return project


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with Served(copy_of_example(tmp_path_factory.mktemp("tasks_api"))) as running:
        yield running


def body(response: Response) -> Any:
    assert response.header("Content-Type") == ["application/json"], response
    return json.loads(response.body)


def test_create_list_get_update_delete(served: Served):
    created = served.request("POST", "/dev/tasks", b'{"title": "Buy milk"}', JSON)
    assert created.status == 201
    task = body(created)["task"]
    assert (task["title"], task["description"], task["done"]) == ("Buy milk", "", False)

    assert body(served.get("/dev/tasks", AUTH)) == {"tasks": [task]}
    assert body(served.get(f"/dev/tasks/{task['id']}", AUTH)) == {"task": task}

    updated = served.request("PUT", f"/dev/tasks/{task['id']}", b'{"done": true}', JSON)
    assert body(updated) == {"task": {**task, "done": True}}

    deleted = served.request("DELETE", f"/dev/tasks/{task['id']}", headers=AUTH)
    assert (deleted.status, deleted.body) == (204, b"")
    assert body(served.get("/dev/tasks", AUTH)) == {"tasks": []}


def test_links_name_the_api_and_its_stage_and_lead_back_locally(served: Served):
    task = body(served.request("POST", "/dev/tasks", b'{"title": "Link"}', JSON))["task"]

    found = re.fullmatch(
        r"https://[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com(/dev/tasks/[0-9a-f]{32})",
        task["uri"],
    )

    assert found is not None
    assert body(served.get(found.group(1), AUTH)) == {"task": task}


def test_tasks_need_basic_auth(served: Served):
    response = served.get("/dev/tasks")

    assert (response.status, body(response)) == (401, {"error": "authentication required"})
    # API Gateway renames the header, as it does on AWS
    assert response.header("x-amzn-Remapped-WWW-Authenticate") == ['Basic realm="tasks"']


def test_unknown_tasks_and_routes_are_json_404s(served: Served):
    task = served.get("/dev/tasks/" + "0" * 32, AUTH)
    route = served.get("/dev/nowhere", AUTH)

    assert (task.status, body(task)) == (404, {"error": "task not found"})
    assert (route.status, body(route)) == (404, {"error": "not found"})


def test_an_attachment_downloads_byte_for_byte(served: Served):
    task = body(served.request("POST", "/dev/tasks", b'{"title": "Logo"}', JSON))["task"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100

    stored = served.request(
        "PUT", f"/dev/tasks/{task['id']}/attachment", png, {**AUTH, "Content-Type": "image/png"}
    )
    download = served.get(f"/dev/tasks/{task['id']}/attachment", AUTH)

    assert stored.status == 204
    assert (download.status, download.body) == (200, png)
    assert download.header("Content-Type") == ["image/png"]


def test_login_sets_two_cookies_at_once(served: Served):
    response = served.request("POST", "/dev/login", b'{"remember": true}', JSON)

    cookies = response.header("Set-Cookie")
    assert [cookie.split("=")[0] for cookie in cookies] == ["session", "remember_me"]
    assert all("Path=/dev;" in cookie and "Secure;" in cookie for cookie in cookies)
    session = cookies[0].split(";")[0]
    assert served.get("/dev/tasks", {"Cookie": session}).status == 200


def test_stopping_leaves_no_process(served: Served):
    workers = children(served.pid)

    assert served.stop() == 0

    assert workers
    assert [pid for pid in workers if process_running(pid)] == []


def test_a_function_for_another_architecture_runs_with_requirements_for_this_machine(
    tmp_path: Path,
):
    project = copy_of_example(tmp_path)
    edit(project / "slam.yaml", "lambda_architecture: x86_64", "lambda_architecture: arm64")

    with Served(project) as running:
        index = running.get("/dev/")
        output = running.output

    assert (index.status, body(index)["name"]) == (200, "tasks_api")
    assert "this machine runs Linux x86_64, the function Linux arm64 with Python 3.11" in output
    assert "Installing requirements.txt for this machine, once, into .slam/host-deps" in (output)
    # the package holds Lambda's arm64 build of markupsafe's speedups; the server, this one's
    [package] = (project / ".slam" / "build").glob("lambda_package.*.zip")
    with zipfile.ZipFile(package) as archive:
        assert any(name.endswith("-aarch64-linux-gnu.so") for name in archive.namelist())
    unpacked = [path.name for path in (project / ".slam/serve/dev/markupsafe").glob("*.so")]
    assert unpacked == ["_speedups.cpython-311-x86_64-linux-gnu.so"]

    with Served(project) as again:  # installed once
        assert again.get("/dev/").status == 200
    assert "Installing requirements.txt for this machine" not in again.output
    assert "Its requirements are installed for this machine" in again.output
