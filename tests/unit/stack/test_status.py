"""slam status: the seed's block, and the same facts as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from slam.config import Config, config_from_text
from slam.plugins import load_plugins
from slam.remote import Stack
from slam.stack.status import (
    DeploymentStatus,
    StageStatus,
    deployment_status,
    is_deployed,
    not_deployed_json,
    not_deployed_line,
    status_block,
    status_json,
    status_lines,
)

from .conftest import STACK_ID, MakeConfig

API = "https://ukhhy78b6a.execute-api.us-west-2.amazonaws.com"


def api_stack() -> Stack:
    """A wsgi deployment: dev on $LATEST, staging on 30, prod on 31."""
    return Stack(
        STACK_ID,
        "tasks-api",
        "UPDATE_COMPLETE",
        parameters={
            "LambdaS3Bucket": "tasks-api-packages",
            "LambdaS3Key": "tasks-api/" + "0" * 64 + ".zip",
            "DevVersion": "$LATEST",
            "StagingVersion": "30",
            "ProdVersion": "31",
        },
        outputs={
            "FunctionName": "tasks-api-Function-1XARPP7W4H3KR",
            "FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:tasks-api-Function-1X",
            "ApiId": "ukhhy78b6a",
            "DevEndpoint": f"{API}/dev",
            "StagingEndpoint": f"{API}/staging",
            "ProdEndpoint": f"{API}/prod",
            "SlamTemplateSha256": "a" * 64,
        },
    )


def test_the_status_of_an_api_deployment(make_config: MakeConfig):
    status = deployment_status(make_config("wsgi: {}\n"), api_stack())
    assert status == DeploymentStatus(
        name="tasks-api",
        stack_status="UPDATE_COMPLETE",
        region="us-west-2",
        account="123456789012",
        function_name="tasks-api-Function-1XARPP7W4H3KR",
        bucket="tasks-api-packages",
        stages=(
            StageStatus("dev", "$LATEST", f"{API}/dev"),
            StageStatus("prod", "31", f"{API}/prod"),
            StageStatus("staging", "30", f"{API}/staging"),
        ),
    )
    assert status_lines(status) == [
        "tasks-api is deployed!",
        "  Function name: tasks-api-Function-1XARPP7W4H3KR",
        "  S3 bucket: tasks-api-packages",
        "  Stages:",
        f"    dev:$LATEST: {API}/dev",
        f"    prod:31: {API}/prod",
        f"    staging:30: {API}/staging",
    ]


def test_the_status_of_a_function_as_the_basic_tutorial_shows_it(tmp_path: Path):
    text = (
        "name: fizzbuzz\nfunction: {module: fizzbuzz, app: fizzbuzz}\n"
        "stage_environments: {dev: }\naws: {s3_bucket: fizzbuzz-j5fthi40}\n"
    )
    config = config_from_text(text, tmp_path / "slam.yaml", load_plugins())
    stack = Stack(
        STACK_ID,
        "fizzbuzz",
        "CREATE_COMPLETE",
        parameters={"LambdaS3Bucket": "fizzbuzz-J5FTHI40", "DevVersion": "$LATEST"},
        outputs={"FunctionName": "fizzbuzz-Function-1CUMOX2834PA0"},
    )
    printed = "\n".join(status_lines(deployment_status(config, stack))) + "\n"
    assert printed == (
        "fizzbuzz is deployed!\n"
        "  Function name: fizzbuzz-Function-1CUMOX2834PA0\n"
        "  S3 bucket: fizzbuzz-J5FTHI40\n"
        "  Stages:\n"
        "    dev:$LATEST\n"
    )


def test_plugins_lines_come_after_the_stages(config: Config):
    status = deployment_status(config, api_stack())
    lines = status_lines(status, ["  Tables: dev.tasks, prod.tasks"])
    assert lines[-4:] == [
        f"    dev:$LATEST: {API}/dev",
        f"    prod:31: {API}/prod",
        f"    staging:30: {API}/staging",
        "  Tables: dev.tasks, prod.tasks",
    ]


def test_a_stage_not_deployed_yet_and_missing_outputs_are_left_out(config: Config):
    stack = Stack(
        STACK_ID, "tasks-api", "UPDATE_ROLLBACK_COMPLETE", parameters={"ProdVersion": "2"}
    )
    status = deployment_status(config, stack)
    assert status_lines(status) == ["tasks-api is deployed!", "  Stages:", "    prod:2"]


def test_the_json_status_holds_the_same_facts_and_the_stack_status(config: Config):
    document = status_json(deployment_status(config, api_stack()))
    assert json.loads(json.dumps(document)) == {
        "name": "tasks-api",
        "deployed": True,
        "stack_status": "UPDATE_COMPLETE",
        "region": "us-west-2",
        "account": "123456789012",
        "function_name": "tasks-api-Function-1XARPP7W4H3KR",
        "s3_bucket": "tasks-api-packages",
        "stages": {
            "dev": {"version": "$LATEST", "url": f"{API}/dev"},
            "prod": {"version": "31", "url": f"{API}/prod"},
            "staging": {"version": "30", "url": f"{API}/staging"},
        },
    }


def test_a_project_not_deployed_yet():
    assert not_deployed_line("tasks-api") == "tasks-api has not been deployed yet."
    assert not_deployed_json("tasks-api") == {"name": "tasks-api", "deployed": False}


def test_a_stack_whose_first_deploy_never_finished_is_not_deployed():
    assert not is_deployed(None)
    for status in ("REVIEW_IN_PROGRESS", "CREATE_IN_PROGRESS", "ROLLBACK_COMPLETE"):
        assert not is_deployed(Stack(STACK_ID, "tasks-api", status))
    for status in ("CREATE_COMPLETE", "UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"):
        assert is_deployed(Stack(STACK_ID, "tasks-api", status))
    stuck = Stack(STACK_ID, "tasks-api", "ROLLBACK_COMPLETE")
    assert not_deployed_json("tasks-api", stuck) == {
        "name": "tasks-api",
        "deployed": False,
        "stack_status": "ROLLBACK_COMPLETE",
    }


def test_the_status_block_ends_with_the_plugins_lines(config: Config, install_plugin):
    install_plugin(
        "tables_status",
        "tables_status",
        "from slam.plugins import Plugin\n"
        "class TablesStatus(Plugin):\n"
        "    name = 'tables_status'\n"
        "    config_key = 'tables_status'\n"
        "    def status_lines(self, config, settings, outputs):\n"
        "        return [f'  API id: {outputs[\"ApiId\"]}']\n"
        "plugin = TablesStatus()\n",
    )
    enabled = config_from_text(
        "name: tasks-api\nfunction: {module: app, app: app}\nstage_environments: {dev: }\n"
        "aws: {s3_bucket: tasks-api-packages}\ntables_status: {}\n",
        config.file,
        load_plugins(),
    )
    assert status_block(enabled, api_stack())[-2:] == [
        f"    dev:$LATEST: {API}/dev",
        "  API id: ukhhy78b6a",
    ]
