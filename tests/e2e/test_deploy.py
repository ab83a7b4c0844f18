"""``slam deploy``, ``publish`` and ``status`` run as a user runs them, in a subprocess,
against a local AWS serving from this process: what they print, what AWS holds, and
the calls the server received."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import Gate
from .conftest import EXAMPLES, Cloud, downloaded

pytestmark = pytest.mark.slow  # runs slam in subprocesses and deploys stacks

RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"
TABLE = "dynamodb_tables:\n  tasks: {{attributes: {{{attributes}}}, key: {key}}}\n"


@pytest.fixture
def fizzbuzz(tmp_path: Path, cloud: Cloud) -> Path:
    """The Basic Tutorial's project, after ``slam init fizzbuzz:fizzbuzz``."""
    folder = downloaded("fizzbuzz", tmp_path / "fizzbuzz")
    assert cloud.slam(folder, "init", "fizzbuzz:fizzbuzz").returncode == 0
    return folder


def function_of(cloud: Cloud, name: str, stage: str = "dev") -> str:
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cloud.stack(name)["Outputs"]}
    return f"{outputs['FunctionName']}:{stage}"


def test_a_deploy_with_nothing_changed_is_two_calls_and_changes_nothing(
    fizzbuzz: Path, cloud: Cloud
):
    first = cloud.slam(fizzbuzz, "deploy")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[:3] == [
        "Building lambda package...",
        "Deploying fizzbuzz:dev...",
        "fizzbuzz is deployed!",
    ]
    assert lines[3].startswith("  Function name: fizzbuzz-Function-")
    assert lines[4].startswith("  S3 bucket: fizzbuzz-")
    assert lines[5:] == ["  Stages:", "    dev:$LATEST"]
    assert cloud.invoke(function_of(cloud, "fizzbuzz"), number=15) == "fizz buzz"
    cloud.count_calls_from_now()

    again = cloud.slam(fizzbuzz, "deploy")

    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert again.stderr == "fizzbuzz:dev is up to date: nothing to deploy.\n"
    assert cloud.calls() == [("HEAD", "s3"), ("POST", "cloudformation")]
    status = cloud.slam(fizzbuzz, "status")
    assert (status.returncode, status.stdout) == (0, "\n".join(lines[2:]) + "\n")


def test_a_failed_update_rolls_back_and_the_previous_deployment_still_answers(
    fizzbuzz: Path, cloud: Cloud
):
    assert cloud.slam(fizzbuzz, "deploy").returncode == 0
    deployed_key = {
        p["ParameterKey"]: p["ParameterValue"] for p in cloud.stack("fizzbuzz")["Parameters"]
    }["LambdaS3Key"]
    config = (fizzbuzz / "slam.yaml").read_text()
    broken = (
        '  cfn_resources:\n    Broken: {Type: "AWS::Logs::LogGroup", Properties: {Retention: 3}}\n'
    )
    (fizzbuzz / "slam.yaml").write_text(config.replace("  cfn_resources:\n", broken))
    code = (fizzbuzz / "fizzbuzz.py").read_text()
    (fizzbuzz / "fizzbuzz.py").write_text(code.replace('"fizz"', '"FIZZ"'))

    failed = cloud.slam(fizzbuzz, "deploy")

    assert failed.returncode == 1
    assert failed.stderr.splitlines()[-2:] == [
        "slam: error: CloudFormation could not deploy stack fizzbuzz: Broken "
        "(AWS::Logs::LogGroup) failed: Encountered unsupported property Retention",
        "hint: CloudFormation rolled the stack back, so the previous deployment still runs; "
        "fix the cause and deploy again",
    ]
    assert cloud.stack("fizzbuzz")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert cloud.invoke(function_of(cloud, "fizzbuzz"), number=3) == "fizz"  # the old code
    bucket = next(line.split()[-1] for line in config.splitlines() if "s3_bucket:" in line)
    keys = [o["Key"] for o in cloud.client("s3").list_objects_v2(Bucket=bucket)["Contents"]]
    assert deployed_key in keys  # kept: the stack runs it


def test_a_table_key_change_is_refused_and_a_removed_table_needs_allow_data_loss(
    tmp_path: Path, cloud: Cloud
):
    project = tmp_path / "notes"
    project.mkdir()
    (project / "app.py").write_text("def handler(event, context):\n    return 'ok'\n")
    base = (
        "name: notes\nfunction: {module: app, app: handler}\nstage_environments: {dev: }\n"
        f"aws: {{s3_bucket: notes-packages-1234, lambda_runtime: {RUNTIME}}}\n"
    )
    slam_yaml = project / "slam.yaml"
    slam_yaml.write_text(base + TABLE.format(attributes="id: S", key="id"))
    assert cloud.slam(project, "deploy").returncode == 0
    dynamodb = cloud.client("dynamodb")
    dynamodb.put_item(TableName="dev.tasks", Item={"id": {"S": "1"}})

    slam_yaml.write_text(base + TABLE.format(attributes="id: S, owner: S", key="[owner, id]"))
    rekeyed = cloud.slam(project, "deploy")

    assert rekeyed.returncode == 1
    assert rekeyed.stderr.splitlines()[-2:] == [
        "slam: error: this deploy would replace DynamoDB table dev.tasks (a change to "
        "KeySchema replaces it), and a new table starts empty (one with a fixed name cannot "
        "even be replaced)",
        "hint: to change a table's key on purpose: remove the table from slam.yaml, run "
        "`slam deploy --allow-data-loss`, then add it back with the new key and deploy",
    ]
    cfn = cloud.client("cloudformation")
    summaries = cfn.list_change_sets(StackName="notes")["Summaries"]
    assert [s["ExecutionStatus"] for s in summaries] == ["EXECUTE_COMPLETE"]  # refused: deleted
    assert dynamodb.get_item(TableName="dev.tasks", Key={"id": {"S": "1"}})["Item"]

    slam_yaml.write_text(base)
    removed = cloud.slam(project, "deploy")
    assert removed.returncode == 1
    assert removed.stderr.splitlines()[-2:] == [
        "slam: error: this deploy would delete DynamoDB table dev.tasks (holds items)",
        "hint: run `slam deploy --allow-data-loss` to delete it, or keep it in slam.yaml (with "
        "`retain: true`, CloudFormation keeps a table that slam.yaml no longer has)",
    ]
    assert dynamodb.get_item(TableName="dev.tasks", Key={"id": {"S": "1"}})["Item"]

    allowed = cloud.slam(project, "deploy", "--allow-data-loss")
    assert allowed.returncode == 0, allowed.stderr
    assert "Deleting DynamoDB table dev.tasks, which holds items (--allow-data-loss)." in (
        allowed.stderr
    )
    assert dynamodb.list_tables()["TableNames"] == []

    slam_yaml.write_text(base + TABLE.format(attributes="id: S, owner: S", key="[owner, id]"))
    assert cloud.slam(project, "deploy").returncode == 0
    keys = dynamodb.describe_table(TableName="dev.tasks")["Table"]["KeySchema"]
    assert [key["AttributeName"] for key in keys] == ["owner", "id"]


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_ctrl_c_during_a_deploy_then_a_second_deploy_ends_up_deployed(
    fizzbuzz: Path, cloud: Cloud, gate: Gate
):
    assert cloud.slam(fizzbuzz, "deploy").returncode == 0
    slam_yaml = fizzbuzz / "slam.yaml"
    gated = (
        "  cfn_resources:\n    Gate: {Type: AWS::CloudFormation::WaitCondition, "
        "Properties: {Handle: h, Timeout: 60}}\n"
    )
    slam_yaml.write_text(slam_yaml.read_text().replace("  cfn_resources:\n", gated))

    first = cloud.start(fizzbuzz, "deploy")
    wait_for(gate.reached.is_set, "the update to reach the gate")
    polled = len(cloud.calls())
    wait_for(lambda: len(cloud.calls()) >= polled + 2, "slam to poll the stack")
    first.send_signal(signal.SIGINT)
    out, err = first.communicate(timeout=60)

    assert first.returncode == 130
    assert out == "Building lambda package...\nDeploying fizzbuzz:dev...\n"
    assert err.splitlines()[-2:] == [
        "Stopped waiting: CloudFormation carries on with the update of stack fizzbuzz. "
        "`slam status` shows where it stands; the next `slam deploy` waits for it to end.",
        "slam: interrupted",
    ]
    assert cloud.stack("fizzbuzz")["StackStatus"] == "UPDATE_IN_PROGRESS"

    second = cloud.start(fizzbuzz, "deploy")
    started = len(cloud.calls())
    wait_for(lambda: len(cloud.calls()) >= started + 6, "the second deploy to wait")
    gate.open()
    out, err = second.communicate(timeout=120)

    assert second.returncode == 0, err
    assert "Waiting for an update of stack fizzbuzz, which slam started..." in err
    assert "fizzbuzz (AWS::CloudFormation::Stack) UPDATE_COMPLETE" in err
    assert err.endswith("fizzbuzz:dev is up to date: nothing to deploy.\n")
    assert out.startswith("Building lambda package...\nDeploying fizzbuzz:dev...\nfizzbuzz is")
    assert cloud.stack("fizzbuzz")["StackStatus"] == "UPDATE_COMPLETE"


def test_doit_deploy_in_a_users_project_does_what_slam_deploy_does(tmp_path: Path, cloud: Cloud):
    project = tmp_path / "fizzbuzz"
    shutil.copytree(EXAMPLES / "fizzbuzz", project)
    doit = [sys.executable, "-m", "doit"]

    listed = subprocess.run(
        [*doit, "list", "--all"],
        cwd=project,
        env=cloud.environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "deploy",
        "deps",
        "package",
        "stack",
        "template",
        "test",
        "upload",
    ]
    built = subprocess.run(
        doit, cwd=project, env=cloud.environment, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    assert cloud.calls() == []  # a bare doit changes nothing in AWS, and asks nothing

    deployed = subprocess.run(
        [*doit, "deploy"],
        cwd=project,
        env=cloud.environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert deployed.returncode == 0, deployed.stderr
    assert "-- test" in deployed.stdout  # passed in the bare doit, and unchanged since
    assert "fizzbuzz is deployed!\n" in deployed.stdout
    assert "fizzbuzz (AWS::CloudFormation::Stack) CREATE_COMPLETE" in deployed.stderr
    assert cloud.invoke(function_of(cloud, "fizzbuzz"), number=5) == "buzz"
    again = cloud.slam(project, "deploy")
    assert again.stderr == "fizzbuzz:dev is up to date: nothing to deploy.\n"
