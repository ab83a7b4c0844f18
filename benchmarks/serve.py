"""How fast ``slam serve`` shows an edit, and what it adds to each request.

For a plain WSGI app and for examples/tasks_api (Flask; its first build needs the
package index), each served by ``slam serve`` in a subprocess:

- edit to served: from saving an edit of the app's module to the first response that
  shows it (goal: under 1 s), next to the two costs any reload pays, measured alone
  in the same run: ``slam build`` after the same kind of edit, and importing the app
  in a fresh worker Python;
- per request: a warm ``GET /<stage>/`` over HTTP (one kept-alive connection) minus the
  same event handled by slam's handler called in a worker Python, in a loop (goal:
  under 2 ms over the handler).

Prints tables; the numbers depend on the machine, so nothing here passes or fails.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from slam.local.deployed import Deployment, Place
from slam.local.proxy import proxy_event
from slam.local.restapi import HttpRequest, Route
from slam.local.runtimes import python_for, runtime_libraries
from slam.local.worker import PYTHON_OPTIONS

SLAM = shutil.which("slam", path=os.path.dirname(sys.executable)) or "slam"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "tasks_api"
EDITS = 7
REQUESTS = 300
GIVE_UP_SECONDS = 60.0
PLAIN_APP = textwrap.dedent(
    """
    MESSAGE = b"hello"

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [MESSAGE]
    """
)
# The handler, called as a worker calls it, REQUESTS times: the median, in ms.
HANDLER_LOOP = """
import json, os, statistics, sys, time
from types import SimpleNamespace
sys.path[:0] = sys.argv[1:3]
os.chdir(sys.argv[1])
event, arn = json.loads(sys.stdin.read())
from slam_runtime.handler import handler
context = SimpleNamespace(invoked_function_arn=arn, function_version="$LATEST")
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    handler(json.loads(json.dumps(event)), context)
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
"""


class Server:
    """``slam serve --port 0`` in a project, until stopped."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [SLAM, "serve", "--port", "0"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found = re.match(r"Serving .* at http://([\d.]+):(\d+)/", line)
            if found:
                break
        else:
            raise SystemExit(f"slam serve did not start in {project}")
        self.connection = http.client.HTTPConnection(found.group(1), int(found.group(2)))

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path)
        return self.connection.getresponse().read()

    def stop(self) -> None:
        self.connection.close()
        self.process.send_signal(2)
        assert self.process.stdout is not None
        self.process.stdout.read()
        self.process.wait()


def edit_to_served_ms(server: Server, module: Path, literal: str) -> list[float]:
    """Edit a string literal of the app EDITS times; each time, how long until a response
    shows the new string."""
    times = []
    for run in range(1, EDITS + 1):
        new_literal = f"{literal[:-1]} {run}{literal[-1]}"
        module.write_text(module.read_text().replace(literal, new_literal, 1))
        shown = new_literal[1:-1].encode()
        started = time.perf_counter()
        while shown not in server.get("/dev/"):
            if time.perf_counter() - started > GIVE_UP_SECONDS:
                raise SystemExit(f"the edit of {module.name} was not served")
        times.append((time.perf_counter() - started) * 1000)
        literal = new_literal
    return times


def build_ms(project: Path, module: Path) -> float:
    """``slam build`` after a one-line edit, median of EDITS runs."""
    times = []
    for run in range(EDITS):
        with module.open("a") as source:
            source.write(f"# build {run}\n")
        started = time.perf_counter()
        subprocess.run([SLAM, "build"], cwd=project, capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def worker_command(project: Path, runtime: str, script: str, *arguments: str) -> list[str]:
    """A worker's Python running ``script`` with the unpacked build and Lambda's libraries."""
    python = python_for(runtime).path
    libraries = runtime_libraries(project / ".slam" / "bench-runtime")
    code = project / ".slam" / "serve" / "dev"
    return [python, *PYTHON_OPTIONS, "-c", script, str(code), str(libraries), *arguments]


def import_ms(project: Path, runtime: str) -> float:
    """Importing slam's handler and the app in a fresh worker Python, median of EDITS runs."""
    script = (
        "import os, sys, time; sys.path[:0] = sys.argv[1:3]; os.chdir(sys.argv[1]);"
        "start = time.perf_counter(); import slam_runtime.handler;"
        "print((time.perf_counter() - start) * 1000)"
    )
    command = worker_command(project, runtime, script)
    runs = [
        subprocess.run(command, capture_output=True, text=True, check=True) for _ in range(EDITS)
    ]
    return statistics.median(float(run.stdout) for run in runs)


def handler_ms(project: Path, config: dict[str, Any]) -> float:
    """slam's handler on the event of ``GET /dev/``, called in a worker Python."""
    template = json.loads((project / ".slam" / "build" / "template.json").read_text())
    deployment = Deployment(template, Place("123456789012", "us-east-1", config["name"]))
    found = deployment.stage_api("dev")
    assert found is not None
    api, stage = found
    root = next(resource for resource in api.resources if resource.path == "/")
    route = Route(root, "ANY", root.methods["ANY"], None)
    request = HttpRequest("GET", "/", "", (("Accept", "*/*"),), b"", "127.0.0.1")
    event = proxy_event(api, stage, route, request, "bench")
    arn = f"{deployment.function('').arn}:dev"
    command = worker_command(project, config["runtime"], HANDLER_LOOP, str(REQUESTS))
    run = subprocess.run(
        command, input=json.dumps([event, arn]), capture_output=True, text=True, check=True
    )
    return float(run.stdout)


def served_ms(server: Server) -> float:
    server.get("/dev/")
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        server.get("/dev/")
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def plain_project(folder: Path) -> tuple[Path, Path, str]:
    project = folder / "plain"
    project.mkdir()
    subprocess.run(
        [SLAM, "init", "app:app", "--wsgi"], cwd=project, capture_output=True, check=True
    )
    (project / "app.py").write_text(PLAIN_APP)
    return project, project / "app.py", '"hello"'


def tasks_api_project(folder: Path) -> tuple[Path, Path, str]:
    project = folder / "tasks_api"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".slam", "__pycache__"))
    return project, project / "tasks_api.py", '"tasks_api"'


def runtime_of(project: Path) -> str:
    text = (project / "slam.yaml").read_text()
    found = re.search(r"lambda_runtime: (\S+)", text)
    return found.group(1) if found else f"python{sys.version_info[0]}.{sys.version_info[1]}"


def measure(name: str, project: Path, module: Path, marker: str) -> dict[str, Any]:
    server = Server(project)
    try:
        edits = edit_to_served_ms(server, module, marker)
        served = served_ms(server)
    finally:
        server.stop()
    config = {"name": re.search(r"^name: (\S+)", (project / "slam.yaml").read_text(), re.M)}
    config = {"name": config["name"].group(1) if config["name"] else name}
    config["runtime"] = runtime_of(project)
    return {
        "app": name,
        "edit": statistics.median(edits),
        "edit max": max(edits),
        "build": build_ms(project, module),
        "import": import_ms(project, config["runtime"]),
        "served": served,
        "handler": handler_ms(project, config),
    }


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, make in (("plain WSGI", plain_project), ("tasks_api (Flask)", tasks_api_project)):
            try:
                rows.append(measure(name, *make(Path(folder))))
            except (subprocess.CalledProcessError, SystemExit) as error:
                print(f"{name}: not measured ({error})")
    print(f"\nslam serve: edit to served (median and worst of {EDITS} edits; goal < 1000 ms)")
    print(f"{'app':<20} {'edit->served':>13} {'worst':>8} {'slam build':>11} {'app import':>11}")
    for row in rows:
        print(
            f"{row['app']:<20} {row['edit']:>10.0f} ms {row['edit max']:>5.0f} ms"
            f" {row['build']:>8.0f} ms {row['import']:>8.0f} ms"
        )
    print(
        f"\nslam serve: per request (median of {REQUESTS} warm GETs; goal < 2 ms over the handler)"
    )
    print(f"{'app':<20} {'handler':>10} {'slam serve':>11} {'overhead':>10} {'ratio':>7}")
    for row in rows:
        overhead = row["served"] - row["handler"]
        ratio = row["served"] / row["handler"]
        print(
            f"{row['app']:<20} {row['handler']:>7.2f} ms {row['served']:>8.2f} ms"
            f" {overhead:>7.2f} ms {ratio:>6.1f}x"
        )


if __name__ == "__main__":
    main()
