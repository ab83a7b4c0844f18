"""slam delete's decisions, without AWS: which tables matter, what is left to delete,
how it asks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from slam.commands.delete import (
    Leftovers,
    Tables,
    about_to_change_line,
    confirmed,
    data_loss_lines,
    deletion_running,
    leftovers,
    stack_tables,
    unconfirmed_error,
)
from slam.config import config_from_text
from slam.errors import SlamError
from slam.plugins import load_plugins
from slam.remote import Stack, StackResource

STACK_ID = "arn:aws:cloudformation:eu-west-3:123456789012:stack/tasks-api/8c3fe6b0"
TABLE = "AWS::DynamoDB::Table"


def test_tables_that_cloudformation_retains_are_kept_the_others_deleted():
    resources = [
        StackResource("Function", "AWS::Lambda::Function", "CREATE_COMPLETE", "tasks-api-F"),
        StackResource("ProdTasksTable", TABLE, "CREATE_COMPLETE", "prod.tasks"),
        StackResource("DevTasksTable", TABLE, "CREATE_COMPLETE", "dev.tasks"),
        StackResource("DevAuditTable", TABLE, "UPDATE_COMPLETE", "dev.audit"),
        StackResource("NewTable", TABLE, "CREATE_FAILED", None),  # never created
    ]
    assert stack_tables(resources, frozenset({"DevAuditTable"})) == Tables(
        deleted=("dev.tasks", "prod.tasks"), kept=("dev.audit",)
    )
    assert stack_tables(resources[:1], frozenset()) == Tables((), ())


def test_what_the_stack_does_not_own_is_read_before_it_goes(tmp_path: Path):
    config = config_from_text(
        "name: tasks-api\nfunction: {module: m, app: a}\nstage_environments: {dev: }\n"
        "aws: {s3_bucket: configured}\n",
        tmp_path / "slam.yaml",
        load_plugins(),
    )
    stack = Stack(
        STACK_ID,
        "tasks-api",
        "UPDATE_COMPLETE",
        parameters={"LambdaS3Bucket": "deployed-bucket", "DevVersion": "$LATEST"},
        outputs={"FunctionName": "tasks-api-Function-X1", "ApiId": "a1b2c3"},
    )
    assert leftovers(config, stack) == Leftovers(
        "tasks-api-Function-X1", "a1b2c3", "deployed-bucket"
    )
    # a stack whose first deploy failed has no outputs, and perhaps no parameters read
    bare = Stack(STACK_ID, "tasks-api", "ROLLBACK_COMPLETE")
    assert leftovers(config, bare) == Leftovers(None, None, "configured")


def test_the_line_before_changing_anything_names_account_region_and_stack():
    stack = Stack(STACK_ID, "tasks-api", "UPDATE_COMPLETE")
    line = about_to_change_line(stack, "123456789012", "arn:aws:iam::123456789012:user/ana")
    assert line == (
        "About to delete stack tasks-api in account 123456789012 "
        "(arn:aws:iam::123456789012:user/ana), region eu-west-3."
    )


def test_tables_at_risk_are_listed_one_a_line():
    assert data_loss_lines("tasks-api", ["dev.tasks", "prod.tasks"]) == [
        "These DynamoDB tables of tasks-api hold items, which deleting it deletes for good:",
        "  dev.tasks",
        "  prod.tasks",
    ]


def test_without_a_terminal_the_refusal_says_why_and_how():
    error = unconfirmed_error("tasks-api", ["dev.tasks", "prod.tasks"])
    assert error.lines() == [
        (
            "not deleting tasks-api: its DynamoDB tables dev.tasks, prod.tasks hold items, "
            "and there is no terminal to ask for confirmation",
            "back them up if you need them, then run `slam delete --yes`",
        )
    ]
    assert error.exit_code == 1


@pytest.mark.parametrize(
    ("answer", "going_on"),
    [
        ("y\n", True),
        ("yes\n", True),
        ("Y\n", True),
        (" YES \n", True),
        ("\n", False),
        ("n\n", False),
        ("no\n", False),
        ("yep\n", False),
        ("", False),
    ],
)
def test_only_yes_goes_on(answer: str, going_on: bool):
    prompt = io.StringIO()
    assert confirmed(io.StringIO(answer), prompt) is going_on
    assert prompt.getvalue() == "Delete them? [y/N] "


@pytest.mark.parametrize(
    ("status", "running"),
    [
        ("CREATE_COMPLETE", False),
        ("UPDATE_ROLLBACK_COMPLETE", False),
        ("ROLLBACK_COMPLETE", False),
        ("DELETE_FAILED", False),  # deleting again retries
        ("DELETE_IN_PROGRESS", True),  # followed, not started again
    ],
)
def test_a_running_deletion_is_followed(status: str, running: bool):
    assert deletion_running(Stack(STACK_ID, "tasks-api", status)) is running


@pytest.mark.parametrize(
    "status", ["UPDATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"]
)
def test_a_stack_busy_with_anything_else_is_not_deleted(status: str):
    with pytest.raises(SlamError) as caught:
        deletion_running(Stack(STACK_ID, "tasks-api", status))
    assert caught.value.lines() == [
        (
            f"stack tasks-api is busy ({status}), so it cannot be deleted now",
            "wait for the operation to finish (`slam status`), then run `slam delete` again",
        )
    ]
