"""``python -m slam.local.aws`` as a user runs it: banner, Ctrl-C, a taken port, no extra."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import Iterator

import boto3
import pytest

from slam.local import aws as cli
from slam.local.server import LocalAWS

from .conftest import process_running

BLOCK_MOTO = textwrap.dedent(
    """
    import runpy, sys

    class NoMoto:
        def find_spec(self, name, path=None, target=None):
            if name == "moto" or name.startswith("moto."):
                raise ModuleNotFoundError(f"No module named {name!r}")
            return None

    sys.meta_path.insert(0, NoMoto())
    sys.argv = ["python -m slam.local.aws"]
    runpy.run_module("slam.local.aws", run_name="__main__")
    """
)


def start(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "slam.local.aws", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """The command on a free port, and its banner once it has printed it."""
    process = start("--port", "0")
    banner: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            banner.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        yield process, banner
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_banner_says_where_it_runs_and_ctrl_c_stops_it_and_its_workers(
    server: tuple[subprocess.Popen[str], list[str]],
):
    process, banner = server
    url = banner[0].removeprefix("The local AWS is running at ").removesuffix(". Use it with:")
    assert url.startswith("http://127.0.0.1:")
    assert banner == [
        f"The local AWS is running at {url}. Use it with:",
        f"  export AWS_ENDPOINT_URL={url}",
        "  export AWS_ACCESS_KEY_ID=testing",
        "  export AWS_SECRET_ACCESS_KEY=testing",
        "  export AWS_DEFAULT_REGION=us-east-1",
        f"REST API stages answer at {url}/_aws/execute-api/<api-id>/<stage>/",
        "Press Ctrl-C to stop it.",
    ]
    pid = run_a_function(url)
    assert process_running(pid)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert out == "Stopped.\n"
    (line,) = err.splitlines()  # one line per invocation, nothing else
    assert line.split()[1:3] == ["lambda", "probe:$LATEST"]
    assert not process_running(pid)


def test_sigterm_stops_it_too(server: tuple[subprocess.Popen[str], list[str]]):
    process, _ = server
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (0, "Stopped.\n", "")


def run_a_function(url: str) -> int:
    """Deploy a function that answers its process ID, and invoke it: the worker's PID."""
    options = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    role = boto3.client("iam", **options).create_role(
        RoleName="probe", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(
            "app.py", "import os\ndef handler(event, context):\n    return os.getpid()\n"
        )
    lam = boto3.client("lambda", **options)
    lam.create_function(
        FunctionName="probe",
        Runtime=f"python{sys.version_info[0]}.{sys.version_info[1]}",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": package.getvalue()},
    )
    return int(json.loads(lam.invoke(FunctionName="probe")["Payload"].read()))


def test_a_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start("--port", str(port))
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (1, "")
    assert err == (
        f"slam: error: port {port} on 127.0.0.1 is already in use\n"
        "hint: stop what uses it, or choose another port with --port\n"
    )


def test_without_the_local_extra_it_says_how_to_install_it():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_MOTO], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "slam: error: the local AWS needs moto, which is not installed\n"
        "hint: install the local AWS with: pip install 'slam-deploy[local]'\n"
    )


@pytest.fixture
def restored_process_state() -> Iterator[None]:
    """The signal handlers and the slam.local logger as they were, after main() changed them."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    local_log = logging.getLogger("slam.local")
    log_state = (list(local_log.handlers), local_log.level, local_log.propagate)
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    local_log.handlers[:], local_log.level, local_log.propagate = log_state


def test_main_in_process_serves_until_ctrl_c(
    restored_process_state: None, capsys: pytest.CaptureFixture[str]
):
    def press_ctrl_c_once_it_waits() -> None:
        deadline = time.monotonic() + 60  # a bound for a loaded machine, not a timing check
        while signal.getsignal(signal.SIGINT) is not cli._interrupt:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c_once_it_waits)
    presser.start()
    assert cli.main(["--port", "0"]) == 0
    presser.join()
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("The local AWS is running at http://127.0.0.1:")
    assert out[-2:] == ["Press Ctrl-C to stop it.", "Stopped."]


def test_main_in_process_reports_a_taken_port(
    local_aws: LocalAWS, capsys: pytest.CaptureFixture[str]
):
    assert cli.main(["--port", str(local_aws.port)]) == 1
    assert capsys.readouterr().err == (
        f"slam: error: port {local_aws.port} on 127.0.0.1 is already in use\n"
        "hint: stop what uses it, or choose another port with --port\n"
    )
