"""``slam serve`` over a project being edited, and how it starts and stops."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam.local.server import client_of

from .project import edit, make_project
from .served import SLAM, Served, children, environment, process_running

pytestmark = pytest.mark.slow  # slam serve in a subprocess

BANNER = re.compile(r"^Serving .* at (http://\S+/)$", re.MULTILINE)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    with Served(project) as running:
        yield running


def message(served: Served) -> str:
    response = served.get("/dev/")
    assert response.status == 200, response
    return str(json.loads(response.body)["message"])


def test_an_edit_is_served_by_the_next_request(served: Served, project: Path):
    assert message(served) == "hello"

    edit(project / "app.py", 'MESSAGE = "hello"', 'MESSAGE = "hello again"')

    assert message(served) == "hello again"
    assert "Reloading: app.py changed." in served.output
    served.wait_for("Reloaded in ")


def test_a_broken_edit_keeps_the_last_good_build_serving_and_says_why(
    served: Served, project: Path
):
    edit(project / "app.py", 'MESSAGE = "hello"', 'MESSAGE = "hello" +')

    assert message(served) == "hello"
    served.wait_for("Still serving the last good build.")
    assert "slam: error: app.py:" in served.output
    assert ": invalid syntax" in served.wait_for("slam: error: app.py:")

    edit(project / "app.py", 'MESSAGE = "hello" +', 'MESSAGE = "fixed"')
    assert message(served) == "fixed"


def test_an_app_that_cannot_be_imported_is_a_502_with_the_reason_in_the_output(
    served: Served, project: Path
):
    edit(project / "app.py", "import time\n", "import time\nimport missing_module\n")

    response = served.get("/dev/")

    assert (response.status, json.loads(response.body)) == (
        502,
        {"message": "Internal server error"},
    )
    assert "No module named 'missing_module'" in served.wait_for("missing_module")
    assert b"missing_module" not in response.body
    edit(project / "app.py", "import missing_module\n", "")
    assert message(served) == "hello"


def test_a_change_of_slam_yaml_reloads_the_stages_environment_and_tables(
    served: Served, project: Path
):
    config = project / "slam.yaml"
    edit(config, "GREETING: hello dev", "GREETING: hi there")
    edit(
        config,
        "dynamodb_tables:\n",
        "dynamodb_tables:\n  notes:\n    attributes: {id: S}\n    key: id\n",
    )

    answer = json.loads(served.get("/dev/").body)

    assert answer["greeting"] == "hi there"
    url = served.wait_for("DynamoDB tables are in a local AWS at ").split(" at ")[1].split(",")[0]
    dynamodb = client_of(url, "dynamodb")
    assert sorted(dynamodb.list_tables()["TableNames"]) == ["dev.items", "dev.notes"]


def test_ctrl_c_stops_the_server_and_every_worker_with_exit_code_0(project: Path):
    served = Served(project).start()
    assert served.get("/dev/").status == 200
    workers = children(served.pid)
    assert workers  # the function's worker

    assert served.stop() == 0

    assert served.output.rstrip().endswith("Stopped.")
    assert [pid for pid in workers if process_running(pid)] == []


def run_slam(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SLAM, "serve", *options],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
        check=False,
    )


def test_a_port_in_use_is_one_line(project: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_slam(project, "--port", str(port))

    assert result.returncode == 1
    assert result.stderr == (
        f"slam: error: port {port} on 127.0.0.1 is already in use\n"
        "hint: stop what uses it, or choose another port with --port\n"
    )
    assert not (project / ".slam" / "serve").exists()  # nothing was built


def test_a_stage_that_is_not_configured_is_one_line(project: Path):
    result = run_slam(project, "--stage", "qa", "--port", "0")

    assert result.returncode == 2  # a usage error, as for every command's --stage
    assert result.stderr == (
        "slam: error: --stage 'qa' is not a stage of app (its stages: dev, prod)\n"
        "hint: use one of them, or add qa under stage_environments in slam.yaml\n"
    )


def test_a_project_without_an_api_has_nothing_to_serve(project: Path):
    edit(project / "slam.yaml", "deploy_api_gateway: true", "deploy_api_gateway: false")

    result = run_slam(project, "--port", "0")

    assert result.returncode == 1
    assert result.stderr == (
        "slam: error: the stage 'dev' has no API Gateway REST API to serve\n"
        "hint: slam serve serves a WSGI app: set wsgi.deploy_api_gateway: true in slam.yaml\n"
    )


def test_output_written_into_the_project_is_no_reason_to_reload(project: Path):
    log = project / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [SLAM, "serve", "--port", "0"],
            cwd=project,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment(),
        )
    try:
        deadline = time.monotonic() + 120
        while not (banner := BANNER.search(log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert banner is not None, log.read_text()
        served = Served(project)
        served.url = banner.group(1)
        assert served.get("/dev/").status == 200
        time.sleep(1.5)  # the watcher's looks, and its listing of the files
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0

    text = log.read_text()
    assert (
        "slam: warning: the server's output, serve.log, is one of the package's files:"
        " add it to package.exclude in slam.yaml"
    ) in text
    assert "Reloading" not in text
