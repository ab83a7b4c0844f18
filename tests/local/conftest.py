"""One local AWS for the session, boto3 clients on it, and Lambda packages to deploy.

Functions, APIs and stages are created through the Lambda, API Gateway and IAM APIs,
as any deployment tool would; the packages of the example projects are built by
``slam build`` in a copy of each project.
"""

from __future__ import annotations

import io
import json
import sys
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from slam.local.server import LocalAWS

from .deployment import EXAMPLES, Project

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "slam-local-tests"
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAWS]:
    with LocalAWS() as aws:
        yield aws


Clients = Callable[[str], Any]


@pytest.fixture(scope="session")
def client(local_aws: LocalAWS) -> Clients:
    """client("lambda"): a boto3 client of the local AWS; no retries, so errors show at once."""
    made: dict[str, Any] = {}

    def make(service: str) -> Any:
        if service not in made:
            made[service] = local_aws.client(service, retries={"max_attempts": 1}, read_timeout=120)
        return made[service]

    return make


@pytest.fixture(scope="session")
def role_arn(client: Clients) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = client("iam").create_role(
        RoleName="slam-local-tests", AssumeRolePolicyDocument=json.dumps(trust)
    )
    client("s3").create_bucket(Bucket=BUCKET)
    return str(role["Role"]["Arn"])


@dataclass(frozen=True)
class BuiltProject:
    """A copy of an example project, and the package ``slam build`` made of it."""

    project: Project
    package: bytes


def zip_of(files: dict[str, str]) -> bytes:
    """A Lambda package holding these files (dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


@pytest.fixture(scope="session")
def fizzbuzz_project(tmp_path_factory: pytest.TempPathFactory) -> BuiltProject:
    """A copy of examples/fizzbuzz and its package, built by ``slam build`` once."""
    project = Project.copy(EXAMPLES / "fizzbuzz", tmp_path_factory.mktemp("examples") / "fizzbuzz")
    return BuiltProject(project, project.build())


@pytest.fixture(scope="session")
def tasks_api_project(tmp_path_factory: pytest.TempPathFactory) -> BuiltProject:
    """A copy of examples/tasks_api and its package, built by ``slam build`` once."""
    project = Project.copy(
        EXAMPLES / "tasks_api", tmp_path_factory.mktemp("examples") / "tasks_api"
    )
    return BuiltProject(project, project.build())


@pytest.fixture(scope="session")
def fizzbuzz_package(fizzbuzz_project: BuiltProject) -> bytes:
    return fizzbuzz_project.package


@pytest.fixture(scope="session")
def tasks_api_package(tasks_api_project: BuiltProject) -> bytes:
    return tasks_api_project.package


Deploy = Callable[..., str]


@pytest.fixture(scope="session")
def deploy(client: Clients, role_arn: str) -> Deploy:
    """deploy(package, handler=..., **configuration) -> a new function's name.

    The package goes to S3 and the function is created from there, as a stack creates it.
    """

    def create(package: bytes, handler: str = "app.handler", **configuration: Any) -> str:
        name = configuration.pop("FunctionName", None) or f"f-{uuid.uuid4().hex[:12]}"
        key = f"{name}.zip"
        client("s3").put_object(Bucket=BUCKET, Key=key, Body=package)
        settings = {"Runtime": RUNTIME, "Timeout": 10, "MemorySize": 128, **configuration}
        client("lambda").create_function(
            FunctionName=name,
            Role=role_arn,
            Handler=handler,
            Code={"S3Bucket": BUCKET, "S3Key": key},
            **settings,
        )
        return name

    return create


def payload_of(response: dict[str, Any]) -> Any:
    return json.loads(response["Payload"].read())


def log_messages(client: Clients, group: str) -> list[str]:
    """Every message in a log group, in order; none for a group that does not exist."""
    logs = client("logs")
    try:
        events = logs.filter_log_events(logGroupName=group)["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [event["message"] for event in events]


def process_running(pid: int) -> bool:
    """Whether a process lives (a zombie, dead but not yet reaped, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
