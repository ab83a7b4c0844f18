"""The Basic and Advanced tutorials, as a user follows them: the ``slam`` command in a
folder holding only the files the tutorial has them download, against a local AWS.

The stage URLs slam prints are AWS's; a user of the local AWS reaches a stage at
``<local AWS>/_aws/execute-api/<api-id>/<stage>/`` instead, as its start-up message
says, and so do these tests.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import iam
from .conftest import Cloud, downloaded

pytestmark = pytest.mark.slow  # runs slam in subprocesses and deploys stacks

GENERATED = (
    "The configuration file for your project has been generated. "
    "Remember to add slam.yaml to source control.\n"
)
DELETED = "Deleting {name}...\nDeleting logs...\nDeleting files...\n"
STAGE_LINE = re.compile(r"    ([\w-]+):(\$LATEST|\d+)(?:: (\S+))?")
STAGE_URL = re.compile(r"https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/([\w-]+)")
USER, PASSWORD = "ada", "correct horse"  # the tasks API's credentials, set in slam.yaml
SHARED_LOGGING_STACK = "slam-api-gateway-logging"  # the account's, which slam never deletes


def deployed_block(name: str, stages: list[str]) -> re.Pattern[str]:
    """The seed's status block: what ``slam deploy`` ends with and ``slam status`` prints."""
    lines = [
        f"{name} is deployed!",
        rf"  Function name: {name}-Function-[A-Za-z0-9]+",
        rf"  S3 bucket: {name}-[a-z0-9]{{8}}",
        "  Stages:",
        *stages,
    ]
    return re.compile("".join(f"{line}\n" for line in lines))


def stages_of(block: str) -> dict[str, tuple[str, str | None]]:
    """The status block's stages: {stage: (version, URL or None)}."""
    found = [STAGE_LINE.fullmatch(line) for line in block.splitlines()[4:]]
    assert all(found), block
    return {match[1]: (match[2], match[3]) for match in found if match}


def what_is_left(cloud: Cloud) -> dict[str, list[str]]:
    """Everything a deployment may have created that the local AWS still holds, by kind."""
    cfn, apigateway = cloud.client("cloudformation"), cloud.client("apigateway")
    stacks = cfn.list_stacks()["StackSummaries"]
    left = {
        "stacks": [s["StackName"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"],
        "functions": [
            f["FunctionName"] for f in cloud.client("lambda").list_functions()["Functions"]
        ],
        "roles": [r["RoleName"] for r in cloud.client("iam").list_roles()["Roles"]],
        "log groups": [
            group["logGroupName"]
            for group in cloud.client("logs").describe_log_groups()["logGroups"]
        ],
        "buckets": [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]],
        "tables": cloud.client("dynamodb").list_tables()["TableNames"],
        "APIs": [api["name"] for api in apigateway.get_rest_apis()["items"]],
    }
    return {kind: sorted(names) for kind, names in left.items() if names}


def assert_the_readme_policy_allowed_it(cloud: Cloud) -> None:
    """An identity with the README's policy could have done all the test did: slam's
    calls, and CloudFormation's, made with the same identity's credentials."""
    needed = iam.actions(cloud.user_requests())
    assert iam.not_granted(needed, iam.granted_actions()) == []


def test_the_basic_tutorial(cloud: Cloud, tmp_path: Path):
    folder = downloaded("fizzbuzz", tmp_path / "fizzbuzz")
    init = cloud.slam(folder, "init", "fizzbuzz:fizzbuzz")
    assert (init.returncode, init.stdout) == (0, GENERATED)

    deploy = cloud.slam(folder, "deploy")
    assert deploy.returncode == 0, deploy.stderr
    lines = deploy.stdout.splitlines()
    assert lines[:2] == ["Building lambda package...", "Deploying fizzbuzz:dev..."]
    block = "".join(f"{line}\n" for line in lines[2:])
    assert deployed_block("fizzbuzz", [r"    dev:\$LATEST"]).fullmatch(block), deploy.stdout
    function = lines[3].split()[-1]
    assert f"  s3_bucket: {lines[4].split()[-1]}\n" in (folder / "slam.yaml").read_text()
    functions = cloud.client("lambda").list_functions()["Functions"]
    assert [f["FunctionName"] for f in functions] == [function]

    answers = [cloud.slam(folder, "invoke", f"number:={n}") for n in (2, 12, 15, 5)]
    assert [(a.returncode, a.stdout) for a in answers] == [
        (0, "2\n"),
        (0, "fizz\n"),
        (0, "fizz buzz\n"),
        (0, "buzz\n"),
    ]

    template = cloud.slam(folder, "template")
    assert template.returncode == 0
    printed = json.loads(template.stdout)
    used = cloud.client("cloudformation").get_template(StackName="fizzbuzz")["TemplateBody"]
    assert printed["Resources"] == used["Resources"]  # the template of the deployment
    assert {name: r["Type"] for name, r in printed["Resources"].items()} == {
        "FunctionRole": "AWS::IAM::Role",
        "Function": "AWS::Lambda::Function",
        "FunctionLogGroup": "AWS::Logs::LogGroup",
        "DevAlias": "AWS::Lambda::Alias",
    }

    status = cloud.slam(folder, "status")
    assert (status.returncode, status.stdout) == (0, block)

    delete = cloud.slam(folder, "delete")
    assert (delete.returncode, delete.stdout) == (0, DELETED.format(name="fizzbuzz"))
    assert what_is_left(cloud) == {}
    assert_the_readme_policy_allowed_it(cloud)


@dataclass(frozen=True)
class Answer:
    status: int
    request_id: str  # API Gateway's, which its execution log names
    body: Any


def call(url: str, method: str = "GET", body: Any = None, user: str = USER) -> Answer:
    """An HTTP request to the tasks API, with basic auth as ``user``; its JSON answer."""
    password = PASSWORD if user == USER else "python"
    headers = {"Authorization": "Basic " + b64encode(f"{user}:{password}".encode()).decode()}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, headers_in, payload = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers_in, payload = error.code, error.headers, error.read()
    return Answer(status, headers_in["x-amzn-RequestId"], json.loads(payload))


class Tutorial:
    """The Advanced Tutorial's project: slam run in its folder, and its stages' URLs."""

    def __init__(self, cloud: Cloud, folder: Path) -> None:
        self.cloud = cloud
        self.folder = folder
        self.urls: dict[str, str] = {}

    def slam(self, *argv: str) -> str:
        """``slam argv...``, which must succeed; its standard output."""
        result = self.cloud.slam(self.folder, *argv)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def stages(self, block: str) -> dict[str, str]:
        """{stage: version} of a status block, whose URLs must be the stages' own; the
        local address of each is kept for :meth:`call`."""
        versions = {}
        for stage, (version, url) in stages_of(block).items():
            match = STAGE_URL.fullmatch(url or "")
            assert match and match[2] == stage, block
            api_id = match[1]
            self.urls[stage] = f"{self.cloud.aws.url}/_aws/execute-api/{api_id}/{stage}"
            versions[stage] = version
        return versions

    def call(self, stage: str, path: str, method: str = "GET", body: Any = None) -> Answer:
        return call(self.urls[stage] + path, method, body)

    def uploads(self) -> int:
        """How many packages slam has uploaded since calls were last counted from."""
        requests = self.cloud.slam_requests()
        return sum(r.method == "PUT" and r.path.endswith(".zip") for r in requests)

    def stack_updates(self) -> int:
        pages = self.cloud.client("cloudformation").get_paginator("describe_stack_events")
        events = [e for page in pages.paginate(StackName="tasks-api") for e in page["StackEvents"]]
        return sum(
            e["LogicalResourceId"] == "tasks-api" and e["ResourceStatus"] == "UPDATE_IN_PROGRESS"
            for e in events
        )


def configured(text: str) -> str:
    """slam.yaml as the user edits it: the API's credentials, and dev's requests logged."""
    credentials = f'environment:\n  TASKS_USER: {USER}\n  TASKS_PASSWORD: "{PASSWORD}"\n'
    for old, new in [("environment:\n", credentials), ("  log_stages:\n", "  log_stages: [dev]\n")]:
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.network  # slam deploy installs Flask from the package index
def test_the_advanced_tutorial(cloud: Cloud, tmp_path: Path):
    folder = downloaded("tasks_api", tmp_path / "tasks_api")
    init = cloud.slam(
        folder,
        "init",
        "tasks_api:app",
        "--wsgi",
        "--stages",
        "dev,prod",
        "--dynamodb-tables",
        "tasks",
    )
    assert (init.returncode, init.stdout) == (0, GENERATED)
    slam_yaml = folder / "slam.yaml"
    slam_yaml.write_text(configured(slam_yaml.read_text()))
    tutorial = Tutorial(cloud, folder)

    deployed = tutorial.slam("deploy")
    block = deployed.split("\n", 2)[2]
    assert deployed_block(
        "tasks-api", [r"    dev:\$LATEST: \S+", r"    prod:\$LATEST: \S+"]
    ).fullmatch(block)
    assert tutorial.slam("status") == block
    assert tutorial.stages(block) == {"dev": "$LATEST", "prod": "$LATEST"}
    cloud.count_calls_from_now()
    assert tutorial.slam("deploy") == deployed  # nothing changed: nothing to do
    assert cloud.calls() == [("HEAD", "s3"), ("POST", "cloudformation")]

    created = tutorial.call("dev", "/tasks", "POST", {"title": "buy milk"})
    assert created.status == 201, created.body
    task = created.body["task"]
    assert task["uri"] == f"{stages_of(block)['dev'][1]}/tasks/{task['id']}"
    read = tutorial.call("dev", f"/tasks/{task['id']}")
    assert (read.status, read.body) == (200, {"task": task})
    item = cloud.client("dynamodb").get_item(TableName="dev.tasks", Key={"id": {"S": task["id"]}})
    assert item["Item"]["title"] == {"S": "buy milk"}
    assert cloud.client("dynamodb").scan(TableName="prod.tasks")["Items"] == []
    refused = call(tutorial.urls["dev"] + "/tasks", user="miguel")  # the app's default user
    assert (refused.status, refused.body) == (401, {"error": "invalid credentials"})

    published = tutorial.slam("publish", "prod")
    assert published.startswith("Publishing tasks-api:dev to prod...\n")
    assert tutorial.stages(published.split("\n", 1)[1]) == {"dev": "$LATEST", "prod": "1"}
    before = tutorial.call("prod", "/").body
    assert before == {"name": "tasks_api", "version": "1", "stage": "prod"}

    edited = (folder / "tasks_api.py").read_text().replace('"name": "tasks_api"', '"name": "tasks"')
    (folder / "tasks_api.py").write_text(edited)
    cloud.count_calls_from_now()
    updates = tutorial.stack_updates()
    redeployed = tutorial.slam("deploy")
    assert redeployed.startswith("Building lambda package...\nDeploying tasks-api:dev...\n")
    assert tutorial.stages(redeployed.split("\n", 2)[2]) == {"dev": "$LATEST", "prod": "1"}
    assert (tutorial.uploads(), tutorial.stack_updates()) == (1, updates + 1)
    assert tutorial.call("dev", "/").body == {"name": "tasks", "version": "$LATEST", "stage": "dev"}
    assert tutorial.call("prod", "/").body == before  # version 1 keeps the old code

    logs = tutorial.slam("logs", "--period", "1h")
    for answer, status in [(created, 201), (read, 200), (refused, 401)]:
        assert f"({answer.request_id}) Method completed with status: {status}" in logs
    assert logs.count(" function START RequestId: ") == 4  # dev's requests, all on $LATEST

    deleted = cloud.slam(folder, "delete", "--yes")
    assert (deleted.returncode, deleted.stdout) == (0, DELETED.format(name="tasks-api"))
    shared = cloud.client("cloudformation").describe_stack_resources(StackName=SHARED_LOGGING_STACK)
    role = next(r for r in shared["StackResources"] if r["ResourceType"] == "AWS::IAM::Role")
    assert what_is_left(cloud) == {
        "stacks": [SHARED_LOGGING_STACK],
        "roles": [role["PhysicalResourceId"]],
    }
    assert_the_readme_policy_allowed_it(cloud)
