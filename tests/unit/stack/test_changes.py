"""A change set read: its state, its summary, and the DynamoDB tables it would lose."""

from __future__ import annotations

import pytest

from slam.errors import SlamError
from slam.remote import ChangeDetail, ChangeSet, ResourceChange
from slam.stack.changes import (
    ChangeSetState,
    DataLoss,
    Loss,
    change_set_state,
    change_summary,
    data_loss,
    data_loss_error,
    means_no_changes,
)

from .conftest import STACK_ID

NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to "
    "create a change set."
)
TABLE = "AWS::DynamoDB::Table"
KEY_CHANGE = (
    ChangeDetail("Properties", "KeySchema", "Always"),
    ChangeDetail("Properties", "AttributeDefinitions", "Never"),
)


def change_set(status: str, reason: str | None = None, *changes: ResourceChange) -> ChangeSet:
    return ChangeSet(
        change_set_id="arn:aws:cloudformation:us-west-2:123456789012:changeSet/slam-deploy-1/1",
        name="slam-deploy-1",
        stack_id=STACK_ID,
        stack_name="tasks-api",
        status=status,
        execution_status="AVAILABLE" if status == "CREATE_COMPLETE" else "UNAVAILABLE",
        status_reason=reason,
        changes=changes,
    )


def test_no_changes_in_both_of_cloudformations_words():
    assert means_no_changes(NO_CHANGES)
    assert means_no_changes("No updates are to be performed.")
    assert not means_no_changes("Template format error: unsupported structure.")
    assert not means_no_changes(None)


def test_a_change_set_is_pending_ready_or_changes_nothing():
    assert change_set_state(change_set("CREATE_PENDING")) is ChangeSetState.PENDING
    assert change_set_state(change_set("CREATE_IN_PROGRESS")) is ChangeSetState.PENDING
    assert change_set_state(change_set("CREATE_COMPLETE")) is ChangeSetState.READY
    assert change_set_state(change_set("FAILED", NO_CHANGES)) is ChangeSetState.NO_CHANGES


def test_a_change_set_that_failed_otherwise_is_an_error_with_the_reason():
    reason = "Requires capabilities : [CAPABILITY_NAMED_IAM]"
    with pytest.raises(SlamError) as raised:
        change_set_state(change_set("FAILED", reason))
    assert (raised.value.message, raised.value.hint) == (
        f"CloudFormation refused the changes to stack tasks-api: {reason}",
        "fix what it names (in slam.yaml, or a plugin's resources) and deploy again",
    )


def test_the_summary_counts_and_lists_changes_marking_replacements():
    changes = (
        ResourceChange("Remove", "ProdCacheTable", TABLE, "prod.cache"),
        ResourceChange("Modify", "Function", "AWS::Lambda::Function", "tasks-api-Function-1X"),
        ResourceChange("Add", "DevTasksTable", TABLE),
        ResourceChange("Modify", "DevApiDeployment", "AWS::ApiGateway::Deployment", "abc", "True"),
        ResourceChange("Modify", "ApiAccount", "AWS::ApiGateway::Account", "x", "Conditional"),
    )
    assert change_summary(change_set("CREATE_COMPLETE", None, *changes)) == [
        "Changes to stack tasks-api: 1 to add, 3 to modify, 1 to remove",
        "  + DevTasksTable     AWS::DynamoDB::Table",
        "  ~ ApiAccount        AWS::ApiGateway::Account     may be replaced",
        "  ~ DevApiDeployment  AWS::ApiGateway::Deployment  replacement",
        "  ~ Function          AWS::Lambda::Function",
        "  - ProdCacheTable    AWS::DynamoDB::Table",
    ]


def test_a_summary_without_resource_changes():
    assert change_summary(change_set("CREATE_COMPLETE")) == ["Changes to stack tasks-api: none"]


def test_unusual_actions_come_last():
    changes = (
        ResourceChange("Dynamic", "Nested", "AWS::CloudFormation::Stack"),
        ResourceChange("Import", "Bucket", "AWS::S3::Bucket"),
        ResourceChange("Future", "Thing", "AWS::X::Y"),
    )
    assert change_summary(change_set("CREATE_COMPLETE", None, *changes)) == [
        "Changes to stack tasks-api: 1 to import, 1 decided while running",
        "  < Bucket  AWS::S3::Bucket",
        "  ? Nested  AWS::CloudFormation::Stack",
        "  * Thing   AWS::X::Y",
    ]


def test_removed_and_replaced_tables_are_data_loss():
    changes = [
        ResourceChange("Remove", "ProdTasksTable", TABLE, "prod.tasks", policy_action="Delete"),
        ResourceChange("Modify", "DevTasksTable", TABLE, "dev.tasks", "True", None, KEY_CHANGE),
        ResourceChange(
            "Modify",
            "DevCacheTable",
            TABLE,
            "dev.cache",
            "Conditional",
            details=(ChangeDetail("Properties", "LocalSecondaryIndexes", "Conditionally"),),
        ),
        ResourceChange("Modify", "StagingTasksTable", TABLE, "staging.tasks", "False"),
        ResourceChange("Remove", "Function", "AWS::Lambda::Function", "tasks-api-Function-1X"),
        ResourceChange("Add", "StagingCacheTable", TABLE),
    ]
    assert data_loss(changes) == [
        DataLoss(Loss.REMOVED, "ProdTasksTable", "prod.tasks"),
        DataLoss(Loss.REPLACED, "DevTasksTable", "dev.tasks", ("KeySchema",)),
        DataLoss(Loss.REPLACED, "DevCacheTable", "dev.cache", ("LocalSecondaryIndexes",), True),
    ]


def test_a_table_cloudformation_retains_is_no_loss():
    said_by_aws = ResourceChange("Remove", "ProdTasksTable", TABLE, "prod.tasks", None, "Retain")
    from_template = ResourceChange("Remove", "DevTasksTable", TABLE, "dev.tasks")
    assert data_loss([said_by_aws, from_template], retained={"DevTasksTable"}) == []
    # AWS's own word wins over the template's
    deleted = ResourceChange("Remove", "DevTasksTable", TABLE, "dev.tasks", None, "Delete")
    assert data_loss([deleted], retained={"DevTasksTable"}) == [
        DataLoss(Loss.REMOVED, "DevTasksTable", "dev.tasks")
    ]


def test_a_table_without_a_physical_name_yet_is_named_by_its_logical_id():
    change = ResourceChange("Modify", "Sessions", "AWS::DynamoDB::GlobalTable", None, "True")
    assert data_loss([change]) == [DataLoss(Loss.REPLACED, "Sessions", "Sessions")]


def test_a_replaced_table_is_always_refused_with_the_way_to_do_it():
    losses = [
        DataLoss(Loss.REPLACED, "DevTasksTable", "dev.tasks", ("KeySchema",)),
        DataLoss(Loss.REMOVED, "ProdTasksTable", "prod.tasks"),
    ]
    error = data_loss_error(losses, {}, allow_data_loss=True)
    assert error is not None
    assert (error.message, error.hint) == (
        "this deploy would replace DynamoDB table dev.tasks (a change to KeySchema replaces "
        "it), and a new table starts empty (one with a fixed name cannot even be replaced)",
        "to change a table's key on purpose: remove the table from slam.yaml, run "
        "`slam deploy --allow-data-loss`, then add it back with the new key and deploy",
    )


def test_several_replaced_tables_are_named_with_their_causes():
    losses = [
        DataLoss(
            Loss.REPLACED, "DevTasksTable", "dev.tasks", ("AttributeDefinitions", "KeySchema")
        ),
        DataLoss(Loss.REPLACED, "DevCacheTable", "dev.cache", (), True),
    ]
    error = data_loss_error(losses, {}, allow_data_loss=False)
    assert error is not None
    assert error.message == (
        "this deploy would replace DynamoDB tables dev.tasks (a change to "
        "AttributeDefinitions, KeySchema replaces it); dev.cache (a change to its definition "
        "may replace it), and a new table starts empty (one with a fixed name cannot even be "
        "replaced)"
    )


def test_removed_tables_are_refused_unless_allowed_saying_what_they_hold():
    losses = [
        DataLoss(Loss.REMOVED, "ProdTasksTable", "prod.tasks"),
        DataLoss(Loss.REMOVED, "ProdCacheTable", "prod.cache"),
        DataLoss(Loss.REMOVED, "ProdLogTable", "prod.log"),
    ]
    holds_items = {"prod.tasks": True, "prod.cache": False}
    error = data_loss_error(losses, holds_items, allow_data_loss=False)
    assert error is not None
    assert (error.message, error.hint) == (
        "this deploy would delete DynamoDB tables prod.tasks (holds items), prod.cache (empty), "
        "prod.log",
        "run `slam deploy --allow-data-loss` to delete them, or keep them in slam.yaml (with "
        "`retain: true`, CloudFormation keeps a table that slam.yaml no longer has)",
    )
    assert data_loss_error(losses, holds_items, allow_data_loss=True) is None


def test_one_removed_table():
    error = data_loss_error([DataLoss(Loss.REMOVED, "T", "dev.t")], {"dev.t": False}, False)
    assert error is not None
    assert (error.message, error.hint) == (
        "this deploy would delete DynamoDB table dev.t (empty)",
        "run `slam deploy --allow-data-loss` to delete it, or keep it in slam.yaml (with "
        "`retain: true`, CloudFormation keeps a table that slam.yaml no longer has)",
    )


def test_no_loss_no_error():
    assert data_loss_error([], {}, allow_data_loss=False) is None
