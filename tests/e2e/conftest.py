"""The ``slam`` command as a user runs it, and a local AWS for the modules that deploy.

A module that deploys gets one local AWS, serving from this process (``local_aws``);
each of its tests starts from a reset account (``cloud``), and runs slam in a
subprocess whose environment reaches that server and nothing of this machine's AWS
settings, as a user's shell with the variables ``python -m slam.local.aws`` prints.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from slam.local.cloudformation.providers.base import CLOUDFORMATION_USER_AGENT
from slam.local.server import LocalAWS, LoggedRequest

SLAM = shutil.which("slam", path=os.path.dirname(sys.executable)) or "slam"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def downloaded(example: str, folder: Path) -> Path:
    """A new folder holding what a tutorial has its user download of an example: the
    module and requirements.txt, no slam.yaml (``slam init`` writes it)."""
    folder.mkdir()
    for name in (f"{example}.py", "requirements.txt"):
        shutil.copy(EXAMPLES / example / name, folder)
    return folder


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAWS]:
    with LocalAWS() as aws:
        yield aws


class Cloud:
    """The local AWS, reset for one test, and how slam reaches it from a subprocess."""

    def __init__(self, aws: LocalAWS, home: Path) -> None:
        self.aws = aws
        self.environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.environment.update(aws.environment)
        self.environment.update(
            AWS_CONFIG_FILE=str(home / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        self.counted_from = 0

    def client(self, service: str) -> Any:
        return self.aws.client(service)

    def slam(self, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SLAM, *argv],
            cwd=cwd,
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    def start(self, cwd: Path, *argv: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [SLAM, *argv],
            cwd=cwd,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def count_calls_from_now(self) -> None:
        """Make :meth:`slam_requests` and :meth:`calls` see only the requests made after."""
        self.counted_from = len(self.aws.requests)

    def slam_requests(self) -> list[LoggedRequest]:
        """The requests slam made (its user agent names it), not the local AWS's own."""
        return [r for r in self.aws.requests[self.counted_from :] if "slam/" in r.user_agent]

    def user_requests(self) -> list[LoggedRequest]:
        """Every request made with the user's credentials since the test started: slam's,
        and CloudFormation's on the stack's behalf (not the functions' own, nor the test's)."""
        return [
            r
            for r in self.aws.requests
            if "slam/" in r.user_agent or r.user_agent.startswith(CLOUDFORMATION_USER_AGENT)
        ]

    def calls(self) -> list[tuple[str, str]]:
        """(method, service) of each request slam made."""
        return [(r.method, r.service) for r in self.slam_requests()]

    def stack(self, name: str) -> dict[str, Any]:
        return dict(self.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0])

    def invoke(self, function: str, **arguments: Any) -> Any:
        """What ``slam invoke name=value...`` sends, and the function's answer."""
        event = json.dumps({"kwargs": arguments})
        answer = self.client("lambda").invoke(FunctionName=function, Payload=event)
        return json.loads(answer["Payload"].read())


@pytest.fixture
def cloud(local_aws: LocalAWS, tmp_path: Path) -> Cloud:
    reset = urllib.request.Request(f"{local_aws.url}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset).close()
    local_aws.requests.clear()
    (tmp_path / "aws").mkdir()
    return Cloud(local_aws, tmp_path / "aws")
