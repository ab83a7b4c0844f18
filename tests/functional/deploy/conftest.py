"""``slam deploy``, ``publish`` and ``status`` in process, against the local AWS.

Each test gets a fresh local account (the server's state reset) and a project folder;
``project.slam(...)`` runs the command line in this process, as a user types it, and
``cloud`` reads what AWS holds afterwards and which calls slam made.
"""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from slam.cli import main
from slam.local.server import LocalAWS, LoggedRequest

from ..conftest import RUNTIME

REGION = "us-east-1"
APP = 'def handler(event, context):\n    return "{answer}"\n'
FUNCTION_NAME = re.compile(r"  Function name: (\S+)")


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAWS]:
    with LocalAWS() as aws:
        yield aws


@dataclass
class Cloud:
    """The local AWS as a test reads it, and the calls slam made to it."""

    aws: LocalAWS
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = self.aws.client(service)
        return self.clients[service]

    def slam_calls(self) -> list[LoggedRequest]:
        """The requests slam sent (its user agent names it), not the local AWS's own."""
        return [request for request in self.aws.requests if "slam/" in request.user_agent]

    def forget_calls(self) -> None:
        del self.aws.requests[:]

    def stack(self, name: str) -> dict[str, Any]:
        stack: dict[str, Any] = self.client("cloudformation").describe_stacks(StackName=name)[
            "Stacks"
        ][0]
        return stack

    def parameters(self, name: str) -> dict[str, str]:
        return {p["ParameterKey"]: p["ParameterValue"] for p in self.stack(name)["Parameters"]}

    def keys(self, bucket: str) -> list[str]:
        listed = self.client("s3").list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def stack_statuses(self, name: str) -> list[str]:
        pages = self.client("cloudformation").get_paginator("describe_stack_events")
        events = [e for page in pages.paginate(StackName=name) for e in page["StackEvents"]]
        return [e["ResourceStatus"] for e in events[::-1] if e["LogicalResourceId"] == name]


@pytest.fixture
def cloud(local_aws: LocalAWS, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cloud:
    """A fresh local account, and this process's AWS settings pointing at it."""
    reset = urllib.request.Request(f"{local_aws.url}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset).close()
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in local_aws.environment.items():
        monkeypatch.setenv(name, value)
    local_aws.requests.clear()
    return Cloud(local_aws)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@dataclass
class Project:
    """A project folder with slam.yaml and app.py, and slam run on it in process."""

    root: Path
    capsys: pytest.CaptureFixture[str]
    name: str = "demo"

    def configure(self, extra: str = "", memory: int = 128, stages: str = "dev: , prod: ") -> None:
        self.write(
            "slam.yaml",
            f"name: {self.name}\n"
            "function: {module: app, app: handler}\n"
            f"stage_environments: {{{stages}}}\n"
            "aws:\n"
            f"  s3_bucket: {self.name}-packages\n"
            f"  lambda_runtime: {RUNTIME}\n"
            f"  lambda_memory: {memory}\n" + extra,
        )

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def answer(self, text: str) -> None:
        """Make the function answer ``text``: a code change."""
        self.write("app.py", APP.format(answer=text))

    def slam(self, *argv: str) -> Result:
        self.capsys.readouterr()
        code = main(["-c", str(self.root / "slam.yaml"), *argv])
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    @property
    def bucket(self) -> str:
        return f"{self.name}-packages"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str], cloud: Cloud) -> Project:
    project = Project(tmp_path / "demo", capsys)
    project.root.mkdir()
    project.configure()
    project.answer("one")
    return project


def function_name(out: str) -> str:
    match = FUNCTION_NAME.search(out)
    assert match, out
    return match[1]
