"""The stack's hard cases: failures, stuck stacks, operations in progress, Ctrl-C, large
templates, the account's logging role, and AWS throttling the deploy."""

from __future__ import annotations

import _thread
import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from slam.config import load_config
from slam.errors import SlamError
from slam.plugins import load_plugins
from slam.tasks import DEPLOY_STEP
from slam.tasks.loader import run_steps
from slam.tasks.remote import Remote

from ...conftest import Gate
from .conftest import Cloud, Project

pytestmark = pytest.mark.slow  # builds packages and deploys stacks

HANDLE = "AWS::CloudFormation::WaitConditionHandle"
BROKEN = '  cfn_resources: {Broken: {Type: "AWS::Logs::LogGroup", Properties: {Retention: 3}}}\n'
GATED = (
    "  cfn_resources:\n"
    "    Gate: {Type: AWS::CloudFormation::WaitCondition, Properties: {Handle: h, Timeout: 60}}\n"
)
INTERRUPTED = (
    "Stopped waiting: CloudFormation carries on with the {doing} of stack demo. `slam status` "
    "shows where it stands; the next `slam deploy` waits for it to end."
)


def when(condition: Callable[[], bool], then: Callable[[], None]) -> threading.Thread:
    """Call ``then`` from another thread once ``condition`` holds."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.02)
        then()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def polling(cloud: Cloud, calls: int, gate: Gate | None = None) -> Callable[[], bool]:
    """True once slam has made ``calls`` more calls than when it was (or, given a
    gate, when an operation reached the gate)."""
    start: list[int] = [] if gate else [len(cloud.slam_calls())]

    def condition() -> bool:
        if not start:
            if not gate or not gate.reached.is_set():
                return False
            start.append(len(cloud.slam_calls()))
        return len(cloud.slam_calls()) >= start[0] + calls

    return condition


def test_a_failed_first_deploy_is_rolled_back_then_created_anew(project: Project, cloud: Cloud):
    project.configure(BROKEN)
    failed = project.slam("deploy")
    assert failed.code == 1
    assert failed.out == "Building lambda package...\nDeploying demo:dev...\n"
    assert (
        "Broken (AWS::Logs::LogGroup) CREATE_FAILED: Encountered unsupported property Retention"
    ) in failed.err
    assert failed.err.splitlines()[-2:] == [
        "slam: error: CloudFormation could not deploy stack demo: Broken (AWS::Logs::LogGroup) "
        "failed: Encountered unsupported property Retention",
        "hint: fix the cause and deploy again: slam deletes the rolled-back stack and creates "
        "it anew",
    ]
    assert cloud.stack("demo")["StackStatus"] == "ROLLBACK_COMPLETE"

    project.configure()
    fixed = project.slam("deploy")

    assert fixed.code == 0, fixed.err
    assert (
        "Stack demo was rolled back after its first deploy failed: deleting it to create it "
        "again..."
    ) in fixed.err
    assert "demo (AWS::CloudFormation::Stack) DELETE_COMPLETE" in fixed.err
    assert cloud.stack("demo")["StackStatus"] == "CREATE_COMPLETE"


def test_a_stack_left_in_review_by_an_interrupted_first_deploy_is_cleaned_up(
    project: Project, cloud: Cloud
):
    cloud.client("cloudformation").create_change_set(
        StackName="demo",
        ChangeSetName="interrupted",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps({"Resources": {"Handle": {"Type": HANDLE}}}),
    )
    result = project.slam("deploy")
    assert result.code == 0, result.err
    assert (
        "Stack demo is left over from an interrupted first deploy: deleting it to create it "
        "again..."
    ) in result.err
    assert cloud.stack("demo")["StackStatus"] == "CREATE_COMPLETE"


def test_a_stack_that_could_not_roll_back_is_resumed(project: Project, cloud: Cloud):
    table = (
        "  cfn_resources:\n"
        "    Outside: {Type: AWS::DynamoDB::Table, Properties: {TableName: outside, "
        "AttributeDefinitions: [{AttributeName: id, AttributeType: S}], "
        "KeySchema: [{AttributeName: id, KeyType: HASH}], "
        "ProvisionedThroughput: {ReadCapacityUnits: UNITS, WriteCapacityUnits: UNITS}}}\n"
    )
    project.configure(table.replace("UNITS", "1"))
    assert project.slam("deploy").code == 0
    dynamodb = cloud.client("dynamodb")
    dynamodb.delete_table(TableName="outside")  # by hand: neither update nor rollback can work
    project.configure(table.replace("UNITS", "2"))
    assert project.slam("deploy").code == 1
    assert cloud.stack("demo")["StackStatus"] == "UPDATE_ROLLBACK_FAILED"
    publish = project.slam("publish", "prod")  # publishing repairs nothing
    assert publish.code == 1
    assert publish.err.splitlines()[-2:] == [
        "slam: error: stack demo is UPDATE_ROLLBACK_FAILED",
        "hint: run `slam deploy`, which repairs it, then run this command again",
    ]

    still = project.slam("deploy")
    assert still.code == 1
    assert "Stack demo could not roll back its last update: resuming the rollback..." in still.err
    assert "slam: error: CloudFormation could not roll back stack demo: Outside" in still.err

    dynamodb.create_table(
        TableName="outside",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    resumed = project.slam("deploy")
    assert resumed.code == 0, resumed.err
    assert "demo (AWS::CloudFormation::Stack) UPDATE_ROLLBACK_COMPLETE" in resumed.err
    assert cloud.stack("demo")["StackStatus"] == "UPDATE_COMPLETE"
    throughput = dynamodb.describe_table(TableName="outside")["Table"]["ProvisionedThroughput"]
    assert throughput["ReadCapacityUnits"] == 2


def test_a_stack_that_could_not_be_deleted_names_what_stays(project: Project, cloud: Cloud):
    project.configure("  cfn_resources: {Files: {Type: AWS::S3::Bucket}}\n")
    assert project.slam("deploy").code == 0
    cfn, s3 = cloud.client("cloudformation"), cloud.client("s3")
    bucket = cfn.describe_stack_resource(StackName="demo", LogicalResourceId="Files")
    name = bucket["StackResourceDetail"]["PhysicalResourceId"]
    s3.put_object(Bucket=name, Key="keep.txt", Body=b"kept")
    cfn.delete_stack(StackName="demo")
    while cloud.stack("demo")["StackStatus"] == "DELETE_IN_PROGRESS":
        time.sleep(0.05)

    result = project.slam("deploy")

    assert result.code == 1
    message, hint = result.err.splitlines()[-2:]
    assert message.startswith(
        "slam: error: stack demo could not be deleted: Files (AWS::S3::Bucket): "
    )
    assert "not empty" in message
    assert hint == "hint: remove what keeps it (see above), then run `slam delete` again"


def test_a_stack_busy_with_someone_elses_operation_is_left_alone(
    project: Project, cloud: Cloud, gate: Gate
):
    assert project.slam("deploy").code == 0
    cfn = cloud.client("cloudformation")
    template = cfn.get_template(StackName="demo")["TemplateBody"]
    template["Resources"]["Gate"] = {"Type": Gate.type_name, "Properties": {"Handle": "h"}}
    cfn.update_stack(
        StackName="demo",
        TemplateBody=json.dumps(template),
        UsePreviousTemplate=False,
        Parameters=[
            {"ParameterKey": key, "UsePreviousValue": True} for key in cloud.parameters("demo")
        ],
        Capabilities=["CAPABILITY_IAM"],
        ClientRequestToken="console-update-1",
    )
    assert gate.reached.wait(30)

    result = project.slam("deploy")

    assert result.code == 1
    assert result.err.splitlines()[-2:] == [
        "slam: error: stack demo is busy with an update (UPDATE_IN_PROGRESS) that slam did not "
        "start",
        "hint: wait for it to finish (`slam status` shows the stack's status), then run slam again",
    ]
    gate.open()


# Ctrl-C can land while botocore reads an answer, after urllib3 handed it the connection:
# botocore then drops that socket unclosed, which only a process that goes on running
# (this one, not slam's) would ever notice.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_ctrl_c_stops_the_waiting_and_the_next_deploy_waits_for_the_operation(
    project: Project, cloud: Cloud, gate: Gate
):
    project.configure(GATED)
    # Ctrl-C once slam polls the stack that waits at the gate
    when(polling(cloud, 2, gate), _thread.interrupt_main)
    interrupted = project.slam("deploy")

    assert interrupted.code == 130
    assert INTERRUPTED.format(doing="creation") in interrupted.err
    assert interrupted.err.endswith("slam: interrupted\n")
    assert cloud.stack("demo")["StackStatus"] == "CREATE_IN_PROGRESS"

    # let it finish once the next deploy waits for it (its 6th call polls the stack)
    when(polling(cloud, 6), gate.open)
    resumed = project.slam("deploy")

    assert resumed.code == 0, resumed.err
    assert "Waiting for a create of stack demo, which slam started..." in resumed.err
    assert "demo (AWS::CloudFormation::Stack) CREATE_COMPLETE" in resumed.err
    assert resumed.err.endswith("demo:dev is up to date: nothing to deploy.\n")
    assert "    dev:$LATEST\n" in resumed.out


def test_a_template_over_the_body_limit_goes_through_s3(project: Project, cloud: Cloud):
    handles = "".join(
        f"    Handle{number}: {{Type: AWS::CloudFormation::WaitConditionHandle, "
        f"Metadata: {{note: {'x' * 300}}}}}\n"
        for number in range(200)
    )
    project.configure("  cfn_resources:\n" + handles)
    result = project.slam("deploy")
    assert result.code == 0, result.err
    assert "Changes to stack demo: 205 to add" in result.err
    template_puts = [c for c in cloud.slam_calls() if c.method == "PUT" and "/templates/" in c.path]
    assert len(template_puts) == 1
    # read by CloudFormation, then removed: only the package stays
    assert [key for key in cloud.keys(project.bucket) if "/templates/" in key] == []


def test_logging_stages_get_the_accounts_logging_role_once(project: Project, cloud: Cloud):
    apigateway = cloud.client("apigateway")
    assert apigateway.get_account().get("cloudwatchRoleArn") is None
    project.configure("wsgi: {log_stages: [dev]}\n")

    first = project.slam("deploy")

    assert first.code == 0, first.err
    assert (
        "API Gateway has no CloudWatch Logs role in this account and region yet, which logging "
        "stages need: deploying stack slam-api-gateway-logging..."
    ) in first.err
    logging_stack = cloud.stack("slam-api-gateway-logging")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in logging_stack["Outputs"]}
    assert apigateway.get_account()["cloudwatchRoleArn"] == outputs["CloudWatchRoleArn"]

    project.configure("wsgi: {log_stages: [dev, prod]}\n")
    second = project.slam("deploy")
    assert second.code == 0, second.err
    assert "slam-api-gateway-logging" not in second.err


def test_a_removed_table_kept_by_its_retain_policy_needs_no_permission(
    project: Project, cloud: Cloud
):
    tables = "dynamodb_tables: {notes: {attributes: {id: S}, key: id, retain: true}}\n"
    project.configure(tables)
    assert project.slam("deploy").code == 0
    cloud.client("dynamodb").put_item(TableName="dev.notes", Item={"id": {"S": "1"}})
    project.configure()

    result = project.slam("deploy")

    assert result.code == 0, result.err
    assert "  - DevNotesTable         AWS::DynamoDB::Table" in result.err
    item = cloud.client("dynamodb").get_item(TableName="dev.notes", Key={"id": {"S": "1"}})
    assert item["Item"] == {"id": {"S": "1"}}


class Throttling:
    """A botocore hook answering Throttling to the first ``count`` requests it sees."""

    BODY = (
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        b"<Message>Rate exceeded</Message></Error></ErrorResponse>"
    )

    def __init__(self, count: int) -> None:
        self.count = count
        self.throttled = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if self.throttled == self.count:
            return None
        self.throttled += 1
        return AWSResponse(request.url, 400, {}, _Body(self.BODY))


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self) -> Any:
        yield self.data

    def read(self) -> bytes:
        return self.data


def test_a_throttled_deploy_retries_and_gets_through(project: Project, cloud: Cloud):
    config = load_config(project.root / "slam.yaml", load_plugins())
    remote = Remote(config)
    cloudformation = remote.aws.session.client("cloudformation")
    throttling = Throttling(3)
    cloudformation.meta.events.register("before-send.cloudformation", throttling)

    run_steps(config, [DEPLOY_STEP], debug=False, out=sys.stderr, remote=remote)

    assert throttling.throttled == 3  # botocore retried each, with backoff
    assert cloud.stack("demo")["StackStatus"] == "CREATE_COMPLETE"


def test_publish_waits_for_a_deploy_slam_left_running(project: Project, cloud: Cloud, gate: Gate):
    assert project.slam("deploy").code == 0
    cfn = cloud.client("cloudformation")
    template = cfn.get_template(StackName="demo")["TemplateBody"]
    template["Resources"]["Gate"] = {"Type": Gate.type_name, "Properties": {"Handle": "h"}}
    cfn.update_stack(  # as an interrupted `slam deploy` leaves it
        StackName="demo",
        TemplateBody=json.dumps(template),
        Parameters=[
            {"ParameterKey": key, "UsePreviousValue": True} for key in cloud.parameters("demo")
        ],
        Capabilities=["CAPABILITY_IAM"],
        ClientRequestToken="slam-deploy-0123",
    )
    assert gate.reached.wait(30)
    when(polling(cloud, 3), gate.open)

    result = project.slam("publish", "prod")

    assert result.code == 0, result.err
    assert "Waiting for an update of stack demo, which slam started..." in result.err
    assert "    prod:1\n" in result.out


def test_publish_after_a_failed_update_publishes_what_runs(project: Project, cloud: Cloud):
    assert project.slam("deploy").code == 0
    cfn = cloud.client("cloudformation")
    cfn.update_stack(
        StackName="demo",
        UsePreviousTemplate=True,
        Parameters=[
            {"ParameterKey": key, "ParameterValue": "missing.zip"}
            if key == "LambdaS3Key"
            else {"ParameterKey": key, "UsePreviousValue": True}
            for key in cloud.parameters("demo")
        ],
        Capabilities=["CAPABILITY_IAM"],
    )
    while cloud.stack("demo")["StackStatus"].endswith("_IN_PROGRESS"):
        time.sleep(0.05)
    assert cloud.stack("demo")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    result = project.slam("publish", "prod")  # a rolled-back stack is settled
    assert result.code == 0, result.err
    assert "    prod:1\n" in result.out


def test_a_bucket_in_another_region_is_refused(project: Project, cloud: Cloud):
    cloud.client("s3").create_bucket(
        Bucket="demo-packages", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    result = project.slam("deploy")
    assert result.code == 1
    assert result.err.splitlines()[-2:] == [
        "slam: error: the bucket demo-packages is in eu-west-1, but the stack deploys to "
        "us-east-1, and Lambda reads code only from its own region",
        "hint: choose another aws.s3_bucket in slam.yaml, or deploy with --region eu-west-1",
    ]
    assert "demo" not in [
        s["StackName"] for s in cloud.client("cloudformation").list_stacks()["StackSummaries"]
    ]


def test_a_bucket_another_account_owns_is_refused(project: Project, cloud: Cloud):
    from botocore.stub import Stubber

    from slam.tasks.upload import ensure_bucket

    config = load_config(project.root / "slam.yaml", load_plugins())
    remote = Remote(config)
    remote.aws.caller_identity()  # the local AWS's account
    s3 = Stubber(remote.aws.session.client("s3"))
    s3.add_client_error("head_bucket", "403", "Forbidden", http_status_code=403)
    with s3, pytest.raises(SlamError) as raised:
        ensure_bucket(remote)
    assert raised.value.message == (
        "the bucket demo-packages belongs to another AWS account, or your AWS identity may "
        "not read it"
    )
