"""Deploying a slam project to the local AWS as ``slam deploy`` will, step by step.

:class:`Project` is a copy of one of the example projects: ``slam build`` makes its
package, ``slam template`` renders its template (from its slam.yaml, or an edited copy).
:class:`Account` is what a user holds once the local AWS runs: boto3 clients, a bucket
for packages, and the CloudFormation calls a deployment makes, awaited by boto3's waiters.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import WaiterError

from slam.cli import main as slam_main
from slam.local.server import LocalAWS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SLAM = shutil.which("slam", path=os.path.dirname(sys.executable)) or "slam"
REGION = "us-east-1"
# boto3's waiters poll every 5 to 30 s, as AWS takes that long; the local AWS does not
FAST = {"Delay": 0.1, "MaxAttempts": 600}


@dataclass(frozen=True)
class Project:
    """A copy of ``examples/<name>`` (or of another project) in a folder of its own."""

    folder: Path

    @classmethod
    def copy(cls, source: Path, folder: Path) -> Project:
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".slam", "__pycache__"))
        return cls(folder)

    def build(self) -> bytes:
        """``slam build``: the package's bytes."""
        result = subprocess.run(
            [SLAM, "build"], cwd=self.folder, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
        (package,) = (self.folder / ".slam" / "build").glob("lambda_package.*.zip")
        return package.read_bytes()

    def edit(self, path: str, old: str, new: str) -> None:
        """Replace ``old`` (which must be there) by ``new`` in one of the project's files."""
        file = self.folder / path
        text = file.read_text()
        assert old in text, f"{old!r} is not in {file}"
        file.write_text(text.replace(old, new))

    def template(self, variant: str = "", **replacements: str) -> dict[str, Any]:
        """``slam template`` of the project's slam.yaml, with ``old=new`` replacements.

        A variant is rendered in a folder of its own, so it never enters a package.
        """
        assert variant or not replacements, "an edited slam.yaml is a variant: name it"
        slam_yaml = (self.folder / "slam.yaml").read_text()
        for old, new in replacements.items():
            assert old in slam_yaml, f"{old!r} is not in {self.folder}/slam.yaml"
            slam_yaml = slam_yaml.replace(old, new)
        folder = self.folder
        if variant:
            folder = self.folder.with_name(f"{self.folder.name}-{variant}")
            folder.mkdir(exist_ok=True)
            (folder / "slam.yaml").write_text(slam_yaml)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            assert slam_main(["-c", str(folder / "slam.yaml"), "template"]) == 0
        template: dict[str, Any] = json.loads(output.getvalue())
        return template


@dataclass(frozen=True)
class Answer:
    """An HTTP response from a stage."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Account:
    """The local AWS as a user reaches it with the exported variables: clients and steps."""

    def __init__(self, aws: LocalAWS, bucket: str) -> None:
        self.aws = aws
        self.bucket = bucket
        self._clients: dict[str, Any] = {}
        with contextlib.suppress(self.s3.exceptions.BucketAlreadyOwnedByYou):
            self.s3.create_bucket(Bucket=bucket)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.aws.client(
                service, retries={"max_attempts": 1}, read_timeout=120
            )
        return self._clients[service]

    @property
    def cfn(self) -> Any:
        return self.client("cloudformation")

    @property
    def s3(self) -> Any:
        return self.client("s3")

    @property
    def lam(self) -> Any:
        return self.client("lambda")

    def upload(self, package: bytes) -> str:
        """Put a package in the bucket under a key naming its hash, as slam's upload step does."""
        key = f"lambda_package.{hashlib.sha256(package).hexdigest()[:12]}.zip"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=package)
        return key

    def parameters(self, key: str, **values: str) -> list[dict[str, Any]]:
        """A slam stack's parameters: the package's bucket and key, then ``values``."""
        given = {"LambdaS3Bucket": self.bucket, "LambdaS3Key": key, **values}
        return [{"ParameterKey": name, "ParameterValue": value} for name, value in given.items()]

    def create(
        self, name: str, template: Mapping[str, Any], parameters: list[dict[str, Any]] | None = None
    ) -> str:
        """Create a stack and wait until it is complete; its ID."""
        stack_id = self.cfn.create_stack(
            StackName=name,
            TemplateBody=json.dumps(template),
            Parameters=parameters or [],
            Capabilities=["CAPABILITY_IAM"],
        )["StackId"]
        self.wait(name, "stack_create_complete")
        return str(stack_id)

    def update(self, name: str, waiter: str = "stack_update_complete", **request: Any) -> None:
        """Update a stack, then wait with ``waiter`` (or not at all, for ``""``)."""
        if "TemplateBody" in request and not isinstance(request["TemplateBody"], str):
            request["TemplateBody"] = json.dumps(request["TemplateBody"])
        self.cfn.update_stack(StackName=name, Capabilities=["CAPABILITY_IAM"], **request)
        if waiter:
            self.wait(name, waiter)

    def wait(self, name: str, waiter: str) -> None:
        """Wait as boto3 does; a failure says which resources failed, and why."""
        try:
            self.cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=FAST)
        except WaiterError as error:
            raise AssertionError(f"{name}: {error} {self.failures(name)}") from None

    def settle(self, name: str) -> dict[str, Any]:
        """The stack once its operation is over, whatever the outcome (no waiter waits for
        ROLLBACK_COMPLETE: boto3's stack_create_complete fails on it at once)."""
        deadline = time.monotonic() + 60  # a bound for a loaded machine, not a timing check
        while True:
            stack = self.stack(name)
            if not stack["StackStatus"].endswith("_IN_PROGRESS"):
                return stack
            assert time.monotonic() < deadline, f"{name} is still {stack['StackStatus']}"
            time.sleep(0.05)

    def events(self, name: str) -> list[dict[str, Any]]:
        """Every event of the stack, oldest first."""
        pages = self.cfn.get_paginator("describe_stack_events").paginate(StackName=name)
        return [event for page in pages for event in page["StackEvents"]][::-1]

    def failures(self, name: str) -> list[tuple[str, str, str]]:
        """The resources that failed: logical ID, status and reason."""
        return [
            (e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
            for e in self.events(name)
            if e["ResourceStatus"].endswith("_FAILED")
        ]

    def stack(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.cfn.describe_stacks(StackName=name)["Stacks"][0]
        return found

    def outputs(self, name: str) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.stack(name).get("Outputs", [])}

    def physical_ids(self, name: str) -> dict[str, str]:
        resources = self.cfn.describe_stack_resources(StackName=name)["StackResources"]
        return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}

    def invoke(self, function: str, event: Any, **options: Any) -> tuple[dict[str, Any], Any]:
        """Invoke a function; its response and its decoded payload (None if empty)."""
        response = self.lam.invoke(
            FunctionName=function, Payload=json.dumps(event).encode(), **options
        )
        payload = response["Payload"].read()
        return response, json.loads(payload) if payload else None

    def log_messages(self, group: str, **filters: Any) -> list[str]:
        """Every message of a log group, in order."""
        pages = self.client("logs").get_paginator("filter_log_events")
        return [
            event["message"]
            for page in pages.paginate(logGroupName=group, **filters)
            for event in page["events"]
        ]

    def request(
        self,
        api: str,
        stage: str,
        path: str,
        method: str = "GET",
        body: Any = None,
        user: str | None = None,
    ) -> Answer:
        """An HTTP request to a stage, as a client of its URL sends it; ``user`` for basic auth."""
        address = urlsplit(self.aws.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        headers = {}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if user is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
        try:
            connection.request(
                method, f"/_aws/execute-api/{api}/{stage}{path}", body=payload, headers=headers
            )
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()
