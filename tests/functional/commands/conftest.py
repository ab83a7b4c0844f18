"""The commands that work on a deployment, against the local AWS.

Each test deploys a project of its own (``probe``, or a copy of an example, perhaps
with another slam.yaml) with :meth:`Account.deploy`, which is ``slam deploy`` run in
this process as a user types it: it builds, uploads and creates the stack. The commands
under test then run in process (``slam(...)``) or, for signals and terminals, as a
subprocess (``Account.environment``).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import itertools
import json
import os
import queue
import re
import shutil
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from slam.cli import main
from slam.config import load_config
from slam.local.server import LocalAWS
from slam.plugins import load_plugins

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SLAM = shutil.which("slam", path=os.path.dirname(sys.executable)) or "slam"
REGION = "us-east-1"
ACCOUNT = "123456789012"
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"
WAIT = {"Delay": 0.1, "MaxAttempts": 600}
BASIC_AUTH = "Basic " + base64.b64encode(b"miguel:python").decode()

# A function for these tests: it answers with what it was given, prints, or fails.
PROBE = '''\
"""Answer with the stage, version and arguments; print or fail when asked."""
import os


def probe(action="answer", text="", number=0, data=None):
    if action == "fail":
        raise ValueError(f"cannot {text}")
    if action == "print":
        print(text)
        return text
    stage, version = os.environ.get("STAGE"), os.environ.get("LAMBDA_VERSION")
    return {"stage": stage, "version": version, "number": number, "data": data}
'''
PROBE_YAML = f"""\
name: probe
function: {{module: probe, app: probe}}
stage_environments: {{dev: , prod: }}
aws: {{s3_bucket: probe-packages, lambda_runtime: {RUNTIME}}}
"""


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAWS]:
    with LocalAWS(region=REGION) as aws:
        yield aws


def write_project(name: str, folder: Path) -> None:
    """Project ``name`` in ``folder``: the probe, or a copy of an example's sources."""
    if name == "probe":
        folder.mkdir()
        (folder / "probe.py").write_text(PROBE)
        (folder / "slam.yaml").write_text(PROBE_YAML)
    else:
        ignore = shutil.ignore_patterns(".slam", "__pycache__")
        shutil.copytree(EXAMPLES / name, folder, ignore=ignore)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


class Account:
    """The local AWS as the tests see it: boto3 clients, and slam deploying projects."""

    def __init__(self, aws: LocalAWS, folder: Path) -> None:
        self.aws = aws
        self.folder = folder
        self._clients: dict[str, Any] = {}
        self._copies = itertools.count(1)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.aws.client(
                service, retries={"max_attempts": 1}, read_timeout=120
            )
        return self._clients[service]

    def reset(self) -> None:
        """A clean account: nothing from the tests before."""
        request = urllib.request.Request(f"{self.aws.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request).close()

    @property
    def environment(self) -> dict[str, str]:
        """The environment of a ``slam`` subprocess on this account, and nothing of this
        machine's AWS settings."""
        kept = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        return {**kept, **self.aws.environment, **NO_AWS_FILES}

    def project(self, name: str, edit: Callable[[str], str] | None = None) -> Path:
        """A new folder holding project ``name``, its slam.yaml edited."""
        folder = self.folder / f"{name}-{next(self._copies)}"
        write_project(name, folder)
        if edit is not None:
            slam_yaml = folder / "slam.yaml"
            slam_yaml.write_text(edit(slam_yaml.read_text()))
        return folder

    def slam(self, project: Path, *argv: str) -> Result:
        """``slam -c project/slam.yaml argv...`` in this process, on this account; it must
        succeed. For the fixtures of any scope, which cannot use ``slam`` (below)."""
        out, err = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            for name in list(os.environ):
                if name.startswith("AWS_"):
                    patch.delenv(name)
            for name, value in {**self.aws.environment, **NO_AWS_FILES}.items():
                patch.setenv(name, value)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["-c", str(project / "slam.yaml"), *argv])
        result = Result(code, out.getvalue(), err.getvalue())
        assert code == 0, result
        return result

    def deploy(self, project: Path) -> dict[str, str]:
        """``slam deploy``: the deployed stack's outputs."""
        self.slam(project, "deploy")
        return self.outputs(load_config(project / "slam.yaml", load_plugins()).name)

    def publish(self, project: Path, stage: str) -> str:
        """``slam publish STAGE``: the version the stage runs now."""
        out = self.slam(project, "publish", stage).out
        (version,) = re.findall(rf"^    {stage}:(\d+)", out, re.MULTILINE)
        return str(version)

    def outputs(self, name: str) -> dict[str, str]:
        stack = self.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
        return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}

    def log_groups(self) -> list[str]:
        groups = self.client("logs").describe_log_groups()["logGroups"]
        return sorted(group["logGroupName"] for group in groups)

    def request(self, api: str, stage: str, path: str, task: dict[str, Any] | None = None) -> Any:
        """A request through the local API Gateway to the tasks API (basic auth): its JSON."""
        address = urlsplit(self.aws.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        body = json.dumps(task).encode() if task is not None else None
        headers = {"Authorization": BASIC_AUTH, "Content-Type": "application/json"}
        try:
            method = "GET" if task is None else "POST"
            connection.request(method, f"/_aws/execute-api/{api}/{stage}{path}", body, headers)
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        assert response.status < 300, (response.status, answer)
        return json.loads(answer)


NO_AWS_FILES = {
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="module")
def account(local_aws: LocalAWS, tmp_path_factory: pytest.TempPathFactory) -> Account:
    """The account for a module's tests, clean when the module starts."""
    account = Account(local_aws, tmp_path_factory.mktemp("projects"))
    account.reset()
    return account


@pytest.fixture
def aws_environment(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    """slam in process reaches the local AWS, and nothing of this machine's AWS settings."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in {**account.aws.environment, **NO_AWS_FILES}.items():
        monkeypatch.setenv(name, value)


Slam = Callable[..., Result]


@pytest.fixture
def slam(aws_environment: None, capsys: pytest.CaptureFixture[str]) -> Slam:
    """slam(project, *argv) -> what ``slam -c project/slam.yaml *argv`` did, in process."""

    def run(project: Path, *argv: str) -> Result:
        capsys.readouterr()
        code = main(["-c", str(project / "slam.yaml"), *argv])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


class Lines:
    """A subprocess's output, line by line, read in a thread so a test can wait for one."""

    def __init__(self, stream: Any) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first line (not seen yet) that holds ``text``; the ones before it are kept."""
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if text in line:
                return line

    def rest(self) -> list[str]:
        """Every line seen, once the stream has ended."""
        self._thread.join(timeout=60)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen
