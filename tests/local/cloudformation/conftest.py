"""One local AWS for the session; a clean account and boto3 clients for each test.

``cloud`` drives CloudFormation as slam and its users do: templates rendered by
``slam template``, packages uploaded to S3, stacks created and awaited through
boto3's waiters, then read back through each service's own API.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from slam.cli import main
from slam.local.server import LocalAWS

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
BUCKET = "code-bucket-1234"
FAST = {"Delay": 0.1, "MaxAttempts": 300}
HANDLER = "def handler(event, context):\n    return {VALUE!r}\n"


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAWS]:
    with LocalAWS() as aws:
        yield aws


def package(value: str = "one") -> bytes:
    """A Lambda package whose index.handler returns ``value``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo("index.py", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(entry, HANDLER.replace("{VALUE!r}", repr(value)))
    return buffer.getvalue()


def render(slam_yaml: str, folder: Path) -> str:
    """The template ``slam template`` prints for a project with this slam.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "slam.yaml").write_text(slam_yaml)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(["-c", str(folder / "slam.yaml"), "template"]) == 0
    return output.getvalue()


class Clients:
    """boto3 clients on the local AWS, made once per session: they hold no state."""

    def __init__(self, aws: LocalAWS) -> None:
        self.aws = aws
        self.cfn = self.client("cloudformation")
        self.s3 = self.client("s3")
        self.lam = self.client("lambda")
        self.iam = self.client("iam")
        self.ddb = self.client("dynamodb")
        self.apigw = self.client("apigateway")
        self.logs = self.client("logs")

    def client(self, service: str) -> Any:
        return self.aws.client(service)


@pytest.fixture(scope="session")
def clients(local_aws: LocalAWS) -> Clients:
    return Clients(local_aws)


@dataclass
class Cloud:
    """The steps every stack test takes, through the session's clients."""

    clients: Clients
    tmp_path: Path

    def __post_init__(self) -> None:
        for name in ("aws", "cfn", "s3", "lam", "iam", "ddb", "apigw", "logs"):
            setattr(self, name, getattr(self.clients, name))

    def example(self, name: str) -> str:
        """The template of ``examples/<name>``, as ``slam template`` renders it."""
        text = (EXAMPLES / name / "slam.yaml").read_text()
        return render(text, self.tmp_path / name)

    def render(self, slam_yaml: str, name: str = "project") -> str:
        return render(slam_yaml, self.tmp_path / name)

    def upload(self, key: str = "package-1.zip", value: str = "one") -> str:
        with contextlib.suppress(self.s3.exceptions.BucketAlreadyOwnedByYou):
            self.s3.create_bucket(Bucket=BUCKET)
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=package(value))
        return key

    def code(self, key: str, **versions: str) -> list[dict[str, str]]:
        """The parameters of a slam stack: package bucket and key, stage versions."""
        parameters = [
            {"ParameterKey": "LambdaS3Bucket", "ParameterValue": BUCKET},
            {"ParameterKey": "LambdaS3Key", "ParameterValue": key},
        ]
        return parameters + [
            {"ParameterKey": name, "ParameterValue": value} for name, value in versions.items()
        ]

    def create(self, name: str, template: str | dict[str, Any], **options: Any) -> str:
        body = template if isinstance(template, str) else json.dumps(template)
        options.setdefault("Capabilities", ["CAPABILITY_IAM"])
        stack_id = self.cfn.create_stack(StackName=name, TemplateBody=body, **options)["StackId"]
        return str(stack_id)

    def update(self, name: str, template: str | dict[str, Any], **options: Any) -> None:
        body = template if isinstance(template, str) else json.dumps(template)
        options.setdefault("Capabilities", ["CAPABILITY_IAM"])
        self.cfn.update_stack(StackName=name, TemplateBody=body, **options)

    def wait(self, name: str, waiter: str) -> None:
        """Wait as boto3 does; a failure's message lists the stack's failed resources."""
        try:
            self.cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=FAST)
        except WaiterError as error:
            failures = [
                f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}"
                for e in self.events(name)
                if e["ResourceStatus"].endswith("_FAILED")
            ]
            details = error.kwargs
            reason = f"{details['reason']} {failures}"
            raise WaiterError(details["name"], reason, error.last_response) from None

    def settle(self, name: str) -> dict[str, Any]:
        """The stack once its operation is over, whatever its outcome."""
        for _ in range(FAST["MaxAttempts"]):
            stack: dict[str, Any] = self.cfn.describe_stacks(StackName=name)["Stacks"][0]
            if not stack["StackStatus"].endswith("_IN_PROGRESS"):
                return stack
            if stack["StackStatus"] == "REVIEW_IN_PROGRESS":
                return stack
            time.sleep(0.05)
        raise AssertionError(f"{name} is still in progress")

    def events(self, name: str) -> list[dict[str, Any]]:
        """Every event of the stack, oldest first."""
        pages = self.cfn.get_paginator("describe_stack_events").paginate(StackName=name)
        return [event for page in pages for event in page["StackEvents"]][::-1]

    def statuses(self, name: str) -> list[str]:
        """The statuses the stack went through, oldest first."""
        return [
            event["ResourceStatus"]
            for event in self.events(name)
            if event["ResourceType"] == "AWS::CloudFormation::Stack"
        ]

    def resource_events(self, name: str, logical_id: str) -> list[tuple[str, str | None]]:
        return [
            (event["ResourceStatus"], event.get("ResourceStatusReason"))
            for event in self.events(name)
            if event["LogicalResourceId"] == logical_id
            and event["ResourceType"] != "AWS::CloudFormation::Stack"
        ]

    def outputs(self, name: str) -> dict[str, str]:
        stack = self.cfn.describe_stacks(StackName=name)["Stacks"][0]
        return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}

    def name_logging_role(self) -> None:
        """Name a CloudWatch role in API Gateway's account settings, as stage logging needs."""
        role = "arn:aws:iam::123456789012:role/api-gateway-logs"
        patch = [{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
        self.apigw.update_account(patchOperations=patch)

    def physical_ids(self, name: str) -> dict[str, str]:
        resources = self.cfn.describe_stack_resources(StackName=name)["StackResources"]
        return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


@pytest.fixture
def cloud(clients: Clients, tmp_path: Path) -> Iterator[Cloud]:
    request = urllib.request.Request(f"{clients.aws.url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    yield Cloud(clients, tmp_path)
    shutil.rmtree(tmp_path, ignore_errors=True)
