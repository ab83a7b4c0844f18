"""A slam web app deployed through CloudFormation on the local AWS, then updated, published,
broken and deleted, as its user would: requests go to its stages over real HTTP.

The template is rendered by ``slam template`` and the packages built by ``slam build``
(once per session), in a copy of examples/tasks_api whose dev stage logs every request;
one local AWS serves this module, and its tests follow one deployment's life, in order.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from slam.cloudformation import API_GATEWAY_LOGGING_STACK, api_gateway_logging_template
from slam.local.server import LocalAWS

from .conftest import BuiltProject
from .deployment import Account

pytestmark = [pytest.mark.slow, pytest.mark.network]  # slam build installs flask

STACK = "tasks-api"
USER = "miguel:python"  # tasks_api's default credentials
LOG_DEV = {"  log_stages:\n": "  log_stages: [dev]\n"}
NO_CHANGES = (
    "The submitted information didn't contain changes. "
    "Submit different information to create a change set."
)


@dataclass(frozen=True)
class Deployment:
    """The tasks-api stack: its function, its REST API, and the packages' S3 keys."""

    function: str
    api: str
    first_key: str
    second_key: str


@pytest.fixture(scope="module")
def aws() -> Iterator[LocalAWS]:
    with LocalAWS() as aws:
        yield aws


@pytest.fixture(scope="module")
def account(aws: LocalAWS) -> Account:
    return Account(aws, "tasks-api-deployments")


@pytest.fixture(scope="module")
def template(tasks_api_project: BuiltProject) -> dict[str, Any]:
    return tasks_api_project.project.template("logged", **LOG_DEV)


@pytest.fixture(scope="module")
def second_package(tasks_api_project: BuiltProject) -> bytes:
    """The package once the app says it is the second version."""
    project = tasks_api_project.project
    project.edit("tasks_api.py", '"name": "tasks_api",', '"name": "tasks_api 2",')
    try:
        return project.build()
    finally:
        project.edit("tasks_api.py", '"name": "tasks_api 2",', '"name": "tasks_api",')


@pytest.fixture(scope="module")
def deployed(
    account: Account,
    tasks_api_project: BuiltProject,
    second_package: bytes,
    template: dict[str, Any],
) -> Deployment:
    """tasks_api deployed as slam deploys it: the account's logging stack first."""
    account.create(API_GATEWAY_LOGGING_STACK, api_gateway_logging_template())
    first_key = account.upload(tasks_api_project.package)
    account.create(STACK, template, account.parameters(first_key))
    outputs = account.outputs(STACK)
    second_key = account.upload(second_package)
    return Deployment(outputs["FunctionName"], outputs["ApiId"], first_key, second_key)


def previous(account: Account, **values: str) -> list[dict[str, Any]]:
    """The stack's parameters: ``values`` for some, the previous values for the others."""
    return [
        {"ParameterKey": key, "ParameterValue": values[key]}
        if key in values
        else {"ParameterKey": key, "UsePreviousValue": True}
        for key in (p["ParameterKey"] for p in account.stack(STACK)["Parameters"])
    ]


def change_set(account: Account, name: str, **request: Any) -> dict[str, Any]:
    """Create a change set and describe it once CloudFormation has computed it."""
    account.cfn.create_change_set(
        StackName=STACK, ChangeSetName=name, Capabilities=["CAPABILITY_IAM"], **request
    )
    deadline = time.monotonic() + 60  # a bound for a loaded machine, not a timing check
    while True:
        described: dict[str, Any] = account.cfn.describe_change_set(
            StackName=STACK, ChangeSetName=name
        )
        if described["Status"] not in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
            return described
        assert time.monotonic() < deadline, f"change set {name} is still being created"
        time.sleep(0.05)


def test_logging_stages_need_the_accounts_cloudwatch_role(
    account: Account, tasks_api_project: BuiltProject, template: dict[str, Any]
):
    # an account whose API Gateway names no CloudWatch role yet
    patch = [{"op": "replace", "path": "/cloudwatchRoleArn", "value": ""}]
    account.client("apigateway").update_account(patchOperations=patch)
    key = account.upload(tasks_api_project.package)
    account.cfn.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(template),
        Parameters=account.parameters(key),
        Capabilities=["CAPABILITY_IAM"],
    )
    assert account.settle(STACK)["StackStatus"] == "ROLLBACK_COMPLETE"
    (stage, *_) = [f for f in account.failures(STACK) if f[0] == "DevApiStage"]
    assert stage[1] == "CREATE_FAILED"
    assert "CloudWatch Logs role ARN must be set in account settings to enable logging" in stage[2]
    assert "dev.tasks" not in account.client("dynamodb").list_tables()["TableNames"]
    account.cfn.delete_stack(StackName=STACK)
    account.wait(STACK, "stack_delete_complete")


def test_tasks_land_in_the_stages_table_through_the_gateway(account: Account, deployed: Deployment):
    created = account.request(deployed.api, "dev", "/tasks", "POST", {"title": "milk"}, USER)
    assert created.status == 201
    task = created.json()["task"]
    assert task["uri"] == (
        f"https://{deployed.api}.execute-api.us-east-1.amazonaws.com/dev/tasks/{task['id']}"
    )
    fetched = account.request(deployed.api, "dev", f"/tasks/{task['id']}", user=USER)
    assert (fetched.status, fetched.json()) == (200, {"task": task})
    assert account.request(deployed.api, "dev", f"/tasks/{task['id']}").status == 401
    item = account.client("dynamodb").get_item(TableName="dev.tasks", Key={"id": {"S": task["id"]}})
    assert item["Item"]["title"] == {"S": "milk"}
    # each stage has its own table
    assert account.request(deployed.api, "prod", f"/tasks/{task['id']}", user=USER).status == 404

    function_log = account.log_messages(f"/aws/lambda/{deployed.function}")
    assert [line.split(" ")[0] for line in function_log if "RequestId" in line][-3:] == [
        "START",
        "END",
        "REPORT",
    ]
    execution_log = account.log_messages(f"API-Gateway-Execution-Logs_{deployed.api}/dev")
    assert any(line.endswith("Method completed with status: 201") for line in execution_log)
    assert any(line.endswith("Method completed with status: 401") for line in execution_log)
    # the other stages log errors only
    prod_log = f"API-Gateway-Execution-Logs_{deployed.api}/prod"
    assert prod_log not in str(account.client("logs").describe_log_groups())


def test_publishing_moves_prod_to_version_1_while_dev_runs_the_new_package(
    account: Account, deployed: Deployment
):
    version = account.lam.publish_version(FunctionName=deployed.function)["Version"]
    assert version == "1"
    # what `slam publish prod` does: a parameter-only update of the stack
    account.update(STACK, UsePreviousTemplate=True, Parameters=previous(account, ProdVersion="1"))
    alias = account.lam.get_alias(FunctionName=deployed.function, Name="prod")
    assert alias["FunctionVersion"] == "1"
    # what `slam deploy` does with a new package: a new key
    account.update(
        STACK,
        UsePreviousTemplate=True,
        Parameters=previous(account, LambdaS3Key=deployed.second_key),
    )

    dev = account.request(deployed.api, "dev", "/")
    assert (dev.status, dev.json()) == (
        200,
        {"name": "tasks_api 2", "version": "$LATEST", "stage": "dev"},
    )
    prod = account.request(deployed.api, "prod", "/")
    assert (prod.status, prod.json()) == (
        200,
        {"name": "tasks_api", "version": "1", "stage": "prod"},
    )
    response, _ = account.invoke(deployed.function, {}, Qualifier="prod")
    assert response["ExecutedVersion"] == "1"


def test_a_failed_update_rolls_back_and_the_previous_deployment_answers(
    account: Account, deployed: Deployment, tasks_api_project: BuiltProject
):
    before = account.request(deployed.api, "dev", "/").json()
    parameters = account.stack(STACK)["Parameters"]
    # the first package again, and a resource of the user's with a property that does not exist
    broken = tasks_api_project.project.template(
        "broken",
        **LOG_DEV,
        **{
            "  cfn_resources:\n": "  cfn_resources:\n"
            "    Uploads:\n"
            "      Type: AWS::S3::Bucket\n"
            "      DependsOn: Function\n"
            "      Properties: {Versioning: {Status: Enabled}}\n"
        },
    )
    account.update(
        STACK,
        waiter="",
        TemplateBody=broken,
        Parameters=previous(account, LambdaS3Key=deployed.first_key),
    )
    account.wait(STACK, "stack_rollback_complete")

    assert ("Uploads", "CREATE_FAILED", "Encountered unsupported property Versioning") in (
        account.failures(STACK)
    )
    assert account.stack(STACK)["Parameters"] == parameters
    assert "Uploads" not in account.physical_ids(STACK)
    after = account.request(deployed.api, "dev", "/")
    assert (after.status, after.json()) == (200, before)
    function = account.lam.get_function(FunctionName=deployed.function, Qualifier="dev")
    assert function["Configuration"]["CodeSha256"] == _sha256(account, deployed.second_key)


def _sha256(account: Account, key: str) -> str:
    """The base64 SHA-256 Lambda reports for the package at ``key``."""
    body = account.s3.get_object(Bucket=account.bucket, Key=key)["Body"].read()
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def test_change_sets_replacing_the_tables_or_changing_nothing(
    account: Account, deployed: Deployment, tasks_api_project: BuiltProject
):
    # a range key for the table: a new key schema
    rekeyed = tasks_api_project.project.template(
        "rekeyed",
        **LOG_DEV,
        **{
            "      id: S\n": "      id: S\n      owner: S\n",
            "    key: id\n": "    key: [owner, id]\n",
        },
    )
    replacing = change_set(
        account, "rekey", TemplateBody=json.dumps(rekeyed), Parameters=previous(account)
    )
    assert (replacing["Status"], replacing["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
    changes = {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in replacing["Changes"]
    }
    assert sorted(changes) == [
        "DevTasksTable",
        "DynamoDbTablesPolicy",
        "ProdTasksTable",
        "StagingTasksTable",
    ]
    table = changes["DevTasksTable"]
    assert (table["Action"], table["Replacement"]) == ("Modify", "True")
    recreation = {d["Target"]["Name"]: d["Target"]["RequiresRecreation"] for d in table["Details"]}
    # a new key replaces the table; a new attribute alone would not
    assert recreation == {"AttributeDefinitions": "Never", "KeySchema": "Always"}

    # what `slam publish staging` would ask: one alias moves
    publishing = change_set(
        account,
        "publish",
        UsePreviousTemplate=True,
        Parameters=previous(account, StagingVersion="1"),
    )
    (alias,) = [c["ResourceChange"] for c in publishing["Changes"]]
    assert (alias["LogicalResourceId"], alias["Action"], alias["Replacement"]) == (
        "StagingAlias",
        "Modify",
        "False",
    )
    assert alias["Details"][0]["CausingEntity"] == "StagingVersion"

    unchanged = change_set(account, "same", UsePreviousTemplate=True, Parameters=previous(account))
    assert (unchanged["Status"], unchanged["ExecutionStatus"], unchanged["StatusReason"]) == (
        "FAILED",
        "UNAVAILABLE",
        NO_CHANGES,
    )
    for name in ("rekey", "publish", "same"):
        account.cfn.delete_change_set(StackName=STACK, ChangeSetName=name)
    assert account.cfn.list_change_sets(StackName=STACK)["Summaries"] == []


def test_deleting_the_stack_deletes_what_it_created(account: Account, deployed: Deployment):
    account.cfn.delete_stack(StackName=STACK)
    account.wait(STACK, "stack_delete_complete")
    tables = account.client("dynamodb").list_tables()["TableNames"]
    assert not {"dev.tasks", "staging.tasks", "prod.tasks"} & set(tables)
    apis = account.client("apigateway").get_rest_apis()["items"]
    assert deployed.api not in [api["id"] for api in apis]
    assert account.request(deployed.api, "dev", "/").status == 403
    with pytest.raises(account.lam.exceptions.ResourceNotFoundException):
        account.lam.get_function(FunctionName=deployed.function)
    # the account's logging stack is shared by every project: slam never deletes it
    assert account.stack(API_GATEWAY_LOGGING_STACK)["StackStatus"] == "CREATE_COMPLETE"
