"""slam delete against the local AWS: what it removes and keeps, when it asks, refuses,
fails or is interrupted. Each test starts from a clean account."""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import pty
import subprocess
from pathlib import Path

import pytest
from botocore.stub import Stubber

from slam.aws import AwsClient
from slam.commands.delete import delete_stack
from slam.remote import Stack

from .conftest import ACCOUNT, RUNTIME, SLAM, Account, Result, Slam

pytestmark = pytest.mark.slow  # builds packages, runs functions in worker processes

ABOUT_TO = (
    "About to delete stack {name} in account 123456789012 "
    "(arn:aws:sts::123456789012:user/moto), region us-east-1."
)
LOGGED = ("  log_stages:\n", "  log_stages: [dev]\n")


@pytest.fixture(autouse=True)
def clean(account: Account) -> None:
    account.reset()


def stack_exists(account: Account, name: str) -> bool:
    stacks = account.client("cloudformation").list_stacks()["StackSummaries"]
    return any(s["StackName"] == name and s["StackStatus"] != "DELETE_COMPLETE" for s in stacks)


def buckets(account: Account) -> list[str]:
    return [bucket["Name"] for bucket in account.client("s3").list_buckets()["Buckets"]]


def tables(account: Account) -> list[str]:
    return sorted(account.client("dynamodb").list_tables()["TableNames"])


def test_the_basic_tutorial_leaves_nothing(slam: Slam, account: Account):
    project = account.project("fizzbuzz")
    function = account.deploy(project)["FunctionName"]
    assert slam(project, "invoke", "number:=15").out == "fizz buzz\n"
    assert account.log_groups() == [f"/aws/lambda/{function}"]

    result = slam(project, "delete")
    assert (result.code, result.out) == (
        0,
        "Deleting fizzbuzz...\nDeleting logs...\nDeleting files...\n",
    )
    err = result.err.splitlines()
    assert err[0] == ABOUT_TO.format(name="fizzbuzz")
    assert "fizzbuzz (AWS::CloudFormation::Stack) DELETE_IN_PROGRESS: User Initiated" in err
    assert "Function (AWS::Lambda::Function) DELETE_COMPLETE" in err
    # the stack keeps the log group (for --no-logs); slam deletes it afterwards
    assert "FunctionLogGroup (AWS::Logs::LogGroup) DELETE_SKIPPED" in err
    assert f"Deleted log group /aws/lambda/{function}." in err
    assert err[-2:] == [
        "Deleted 1 file(s) from s3://fizzbuzz-example1/fizzbuzz/.",
        "Bucket fizzbuzz-example1 is deleted.",
    ]
    assert not stack_exists(account, "fizzbuzz")
    assert account.client("lambda").list_functions()["Functions"] == []
    assert account.log_groups() == []
    assert buckets(account) == []


def test_not_deployed_exits_1(slam: Slam, account: Account):
    result = slam(account.project("fizzbuzz"), "delete")
    assert result == Result(
        1,
        "",
        "slam: error: fizzbuzz has not been deployed yet.\n"
        "hint: no stack fizzbuzz in us-east-1: check --region and --profile\n",
    )


@pytest.mark.network  # the tasks API's package installs Flask from the index
def test_tables_with_items_are_refused_without_a_terminal_then_deleted_with_yes(
    slam: Slam, account: Account, monkeypatch: pytest.MonkeyPatch
):
    project = account.project("tasks_api", lambda text: text.replace(*LOGGED))
    outputs = account.deploy(project)
    account.request(outputs["ApiId"], "dev", "/tasks", {"title": "buy milk"})
    api_logs = f"API-Gateway-Execution-Logs_{outputs['ApiId']}/dev"
    assert api_logs in account.log_groups()

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: input is not a TTY
    refused = slam(project, "delete")
    assert (refused.code, refused.out) == (1, "")
    assert refused.err == (
        ABOUT_TO.format(name="tasks-api")
        + "\nslam: error: not deleting tasks-api: its DynamoDB tables dev.tasks hold items, "
        "and there is no terminal to ask for confirmation\n"
        "hint: back them up if you need them, then run `slam delete --yes`\n"
    )
    assert stack_exists(account, "tasks-api")
    assert tables(account) == ["dev.tasks", "prod.tasks", "staging.tasks"]

    deleted = slam(project, "delete", "--yes")
    assert deleted.code == 0
    assert deleted.out == "Deleting tasks-api...\nDeleting logs...\nDeleting files...\n"
    assert f"Deleted log group {api_logs}." in deleted.err.splitlines()
    assert not stack_exists(account, "tasks-api")
    assert tables(account) == []
    assert account.log_groups() == []
    assert buckets(account) == []


@pytest.mark.network
def test_no_logs_keeps_api_gateways_logs(slam: Slam, account: Account):
    project = account.project("tasks_api", lambda text: text.replace(*LOGGED))
    api = account.deploy(project)["ApiId"]
    account.request(api, "dev", "/tasks")  # a read: no table holds items

    function = account.outputs("tasks-api")["FunctionName"]

    result = slam(project, "delete", "--no-logs")
    assert (result.code, result.out) == (0, "Deleting tasks-api...\nDeleting files...\n")
    assert account.log_groups() == [
        f"/aws/lambda/{function}",
        f"API-Gateway-Execution-Logs_{api}/dev",
    ]
    assert buckets(account) == []


def test_no_logs_keeps_the_functions_logs_and_a_new_deploy_starts_new_ones(
    slam: Slam, account: Account
):
    project = account.project("probe")
    first = account.deploy(project)["FunctionName"]
    assert slam(project, "invoke", "action=print", "text=before the delete").code == 0

    result = slam(project, "delete", "--no-logs")
    assert (result.code, result.out) == (0, "Deleting probe...\nDeleting files...\n")
    assert "FunctionLogGroup (AWS::Logs::LogGroup) DELETE_SKIPPED" in result.err.splitlines()
    assert not stack_exists(account, "probe")
    assert account.client("lambda").list_functions()["Functions"] == []
    assert account.log_groups() == [f"/aws/lambda/{first}"]
    kept = account.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{first}")
    assert "before the delete\n" in [event["message"] for event in kept["events"]]

    # the stack names a new function, so its log group does not collide with the kept one
    second = account.deploy(project)["FunctionName"]
    assert second != first
    assert account.log_groups() == sorted([f"/aws/lambda/{first}", f"/aws/lambda/{second}"])
    assert slam(project, "invoke", "action=print", "text=after").out == "after\n"

    deleted = slam(project, "delete")
    assert f"Deleted log group /aws/lambda/{second}." in deleted.err.splitlines()
    assert account.log_groups() == [f"/aws/lambda/{first}"]  # not this deployment's


def test_retained_tables_are_named_kept_and_not_asked_about(slam: Slam, account: Account):
    retained = (
        "dynamodb_tables:\n  notes:\n    attributes: {id: S}\n    key: id\n    retain: true\n"
    )
    project = account.project("probe", lambda text: text + retained)
    account.deploy(project)
    item = {"id": {"S": "1"}}
    account.client("dynamodb").put_item(TableName="dev.notes", Item=item)

    result = slam(project, "delete")
    assert result.code == 0
    assert result.err.splitlines()[1:3] == [
        "Keeping table dev.notes: CloudFormation retains it (retain: true).",
        "Keeping table prod.notes: CloudFormation retains it (retain: true).",
    ]
    assert tables(account) == ["dev.notes", "prod.notes"]
    assert not stack_exists(account, "probe")


def test_a_bucket_holding_other_files_is_kept(slam: Slam, account: Account):
    project = account.project("probe")
    account.deploy(project)
    s3 = account.client("s3")
    s3.put_object(Bucket="probe-packages", Key="other-project/package.zip", Body=b"zip")

    result = slam(project, "delete")
    assert result.code == 0
    assert result.err.splitlines()[-1] == (
        "Kept bucket probe-packages: it holds files that are not probe's."
    )
    listed = s3.list_objects_v2(Bucket="probe-packages")["Contents"]
    assert [entry["Key"] for entry in listed] == ["other-project/package.zip"]


def test_a_stack_that_cannot_be_deleted_names_what_remains(slam: Slam, account: Account):
    with_uploads = (
        "name: probe\nfunction: {module: probe, app: probe}\nstage_environments: {dev: }\n"
        f"aws:\n  s3_bucket: probe-packages\n  lambda_runtime: {RUNTIME}\n"
        "  cfn_resources:\n    Uploads:\n      Type: AWS::S3::Bucket\n"
        "      Properties: {BucketName: probe-uploads}\n"
    )
    project = account.project("probe", lambda _: with_uploads)
    account.deploy(project)
    s3 = account.client("s3")
    s3.put_object(Bucket="probe-uploads", Key="photo.jpg", Body=b"jpeg")

    failed = slam(project, "delete")
    assert (failed.code, failed.out) == (1, "Deleting probe...\n")
    error = [line for line in failed.err.splitlines() if line.startswith(("slam:", "hint:"))]
    assert error[0].startswith(
        "slam: error: stack probe could not be deleted: Uploads (AWS::S3::Bucket): "
    )
    assert error[1] == "hint: remove what keeps it (see above), then run `slam delete` again"
    assert [entry["Key"] for entry in s3.list_objects_v2(Bucket="probe-packages")["Contents"]]

    s3.delete_object(Bucket="probe-uploads", Key="photo.jpg")
    again = slam(project, "delete")
    assert (again.code, again.out) == (
        0,
        "Deleting probe...\nDeleting logs...\nDeleting files...\n",
    )
    assert buckets(account) == []


class InterruptedWhile:
    """Standard error that raises KeyboardInterrupt, as Ctrl-C does, at the first line
    holding ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.written = io.StringIO()
        self.interrupted = False

    def write(self, text: str) -> int:
        self.written.write(text)
        if self.text in text and not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return len(text)

    def flush(self) -> None:
        pass


def test_ctrl_c_while_waiting_exits_130_and_cloudformation_carries_on(
    slam: Slam,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    project = account.project("probe")
    account.deploy(project)
    stack_id = account.client("cloudformation").describe_stacks(StackName="probe")["Stacks"][0][
        "StackId"
    ]
    stderr = InterruptedWhile("DELETE_IN_PROGRESS")
    with contextlib.redirect_stderr(stderr):
        result = slam(project, "delete")
    assert (result.code, result.out) == (130, "Deleting probe...\n")
    assert stderr.written.getvalue().endswith(
        "\nStopped waiting: CloudFormation carries on deleting stack probe. "
        "Run `slam delete` again to wait for it, then delete the logs and files.\n"
    )
    account.client("cloudformation").get_waiter("stack_delete_complete").wait(
        StackName=stack_id, WaiterConfig={"Delay": 0.1, "MaxAttempts": 600}
    )
    assert buckets(account) == ["probe-packages"]  # the files were not deleted yet

    again = slam(project, "delete")  # the stack is gone; the files it left are not
    assert (again.code, again.out) == (0, "Deleting files...\n")
    assert again.err.splitlines()[0] == (
        "probe has no stack; about to delete the files it left in s3://probe-packages/probe/ "
        f"in account {ACCOUNT} (arn:aws:sts::{ACCOUNT}:user/moto), region us-east-1."
    )
    assert buckets(account) == []
    assert slam(project, "delete").code == 1  # now nothing is left


def test_on_a_terminal_it_asks(account: Account):
    project = account.project(
        "probe",
        lambda text: text + "dynamodb_tables:\n  notes:\n    attributes: {id: S}\n    key: id\n",
    )
    account.deploy(project)
    account.client("dynamodb").put_item(TableName="prod.notes", Item={"id": {"S": "1"}})

    no = delete_on_a_terminal(account, project, "n\n")
    assert (no.code, no.out) == (1, "")
    assert no.err.splitlines()[1:] == [
        "These DynamoDB tables of probe hold items, which deleting it deletes for good:",
        "  prod.notes",
        "Delete them? [y/N] Nothing was deleted.",
    ]
    assert stack_exists(account, "probe")

    yes = delete_on_a_terminal(account, project, "y\n")
    assert (yes.code, yes.out) == (0, "Deleting probe...\nDeleting logs...\nDeleting files...\n")
    assert tables(account) == []


def delete_on_a_terminal(account: Account, project: Path, answer: str) -> Result:
    """``slam delete`` with a terminal as its standard input, answering ``answer``."""
    terminal, keyboard = pty.openpty()
    try:
        os.write(terminal, answer.encode())
        done = subprocess.run(
            [SLAM, "-c", str(project / "slam.yaml"), "delete"],
            env=account.environment,
            stdin=keyboard,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(keyboard)
    return Result(done.returncode, done.stdout, done.stderr)


def test_a_running_deletion_is_followed_from_now_on(
    aws_environment: None, capsys: pytest.CaptureFixture[str]
):
    # CloudFormation's answers, queued: a deletion started elsewhere, seen halfway
    aws = AwsClient()
    stack = Stack(STACK_ID, "probe", "DELETE_IN_PROGRESS")
    with Stubber(aws.session.client("cloudformation")) as stubber:
        events = [stack_event("e2", "Function", "DELETE_IN_PROGRESS"), stack_event("e1")]
        stubber.add_response("describe_stack_events", {"StackEvents": events})
        stubber.add_response("describe_stacks", {"Stacks": [described("DELETE_IN_PROGRESS")]})
        events = [stack_event("e3", "Function", "DELETE_COMPLETE"), *events]
        stubber.add_response("describe_stack_events", {"StackEvents": events})
        stubber.add_response("describe_stacks", {"Stacks": [described("DELETE_COMPLETE")]})
        events = [stack_event("e4", "probe", "DELETE_COMPLETE"), *events]
        stubber.add_response("describe_stack_events", {"StackEvents": events})
        delete_stack(aws, stack, resuming=True)
        stubber.assert_no_pending_responses()
    assert capsys.readouterr().err == (
        "Function (AWS::Lambda::Function) DELETE_COMPLETE\n"
        "probe (AWS::CloudFormation::Stack) DELETE_COMPLETE\n"
    )


STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/probe/8c3fe6b0"


def described(status: str) -> dict[str, object]:
    return {
        "StackId": STACK_ID,
        "StackName": "probe",
        "StackStatus": status,
        "CreationTime": datetime.datetime(2025, 3, 1, tzinfo=datetime.timezone.utc),
    }


def stack_event(
    event_id: str, logical_id: str = "probe", status: str = "DELETE_IN_PROGRESS"
) -> dict[str, object]:
    kind = "AWS::CloudFormation::Stack" if logical_id == "probe" else "AWS::Lambda::Function"
    return {
        "StackId": STACK_ID,
        "EventId": event_id,
        "StackName": "probe",
        "LogicalResourceId": logical_id,
        "ResourceType": kind,
        "ResourceStatus": status,
        "Timestamp": datetime.datetime(2025, 3, 1, tzinfo=datetime.timezone.utc),
    }
