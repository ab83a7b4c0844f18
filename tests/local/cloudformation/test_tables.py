"""DynamoDB tables of slam's templates: updates applied in place, replacements refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import FAST, Cloud

PROJECT = """\
name: store
function: {module: index, app: handler}
stage_environments: {dev: }
aws: {s3_bucket: store-packages}
dynamodb_tables:
  tasks:
"""


def tables(cloud: Cloud, table: str) -> str:
    return cloud.render(PROJECT + table)


PROVISIONED = """\
    attributes: {id: S}
    key: id
    read_throughput: 1
    write_throughput: 1
"""
FASTER = PROVISIONED.replace("read_throughput: 1", "read_throughput: 4")
INDEXED = """\
    attributes: {id: S, owner: S}
    key: id
    read_throughput: 4
    write_throughput: 1
    global_secondary_indexes:
      by_owner: {key: owner, project: all, read_throughput: 2, write_throughput: 2}
"""
ON_DEMAND = """\
    attributes: {id: S, owner: S}
    key: id
    global_secondary_indexes:
      by_owner: {key: owner, project: all}
"""
ON_DEMAND_PLAIN = """\
    attributes: {id: S}
    key: id
"""
TWO_INDEXES = """\
    attributes: {id: S, owner: S, due: S}
    key: id
    global_secondary_indexes:
      by_owner: {key: owner, project: all}
      by_due: {key: due, project: all}
      by_both: {key: [owner, due], project: []}
"""


def table(cloud: Cloud) -> dict[str, Any]:
    description: dict[str, Any] = cloud.ddb.describe_table(TableName="dev.tasks")["Table"]
    return description


def deploy(cloud: Cloud, table_text: str) -> None:
    cloud.update("store", tables(cloud, table_text), Parameters=cloud.code("package-1.zip"))
    cloud.wait("store", "stack_update_complete")


def test_table_updates_are_applied_in_place_and_keep_the_items(cloud: Cloud):
    cloud.create("store", tables(cloud, PROVISIONED), Parameters=cloud.code(cloud.upload()))
    cloud.wait("store", "stack_create_complete")
    cloud.ddb.put_item(TableName="dev.tasks", Item={"id": {"S": "1"}, "owner": {"S": "ann"}})

    deploy(cloud, FASTER)
    assert table(cloud)["ProvisionedThroughput"]["ReadCapacityUnits"] == 4

    deploy(cloud, INDEXED)
    (index,) = table(cloud)["GlobalSecondaryIndexes"]
    assert (index["IndexName"], index["ProvisionedThroughput"]["ReadCapacityUnits"]) == (
        "by_owner",
        2,
    )
    found = cloud.ddb.query(
        TableName="dev.tasks",
        IndexName="by_owner",
        KeyConditionExpression="#o = :o",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":o": {"S": "ann"}},
    )
    assert found["Count"] == 1

    deploy(cloud, ON_DEMAND)
    assert table(cloud)["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    deploy(cloud, ON_DEMAND_PLAIN)
    assert table(cloud)["GlobalSecondaryIndexes"] == []
    assert cloud.ddb.get_item(TableName="dev.tasks", Key={"id": {"S": "1"}})["Item"] == {
        "id": {"S": "1"},
        "owner": {"S": "ann"},
    }
    assert cloud.physical_ids("store")["DevTasksTable"] == "dev.tasks"


def test_more_than_one_index_created_at_once_fails_and_rolls_back(cloud: Cloud):
    cloud.create("store", tables(cloud, ON_DEMAND_PLAIN), Parameters=cloud.code(cloud.upload()))
    cloud.wait("store", "stack_create_complete")
    cloud.update("store", tables(cloud, TWO_INDEXES), Parameters=cloud.code("package-1.zip"))
    assert cloud.settle("store")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert (
        "UPDATE_FAILED",
        "Cannot perform more than one GSI creation or deletion in a single update",
    ) in cloud.resource_events("store", "DevTasksTable")
    assert table(cloud)["GlobalSecondaryIndexes"] == []


RANGED = """\
    attributes: {id: S, created: N}
    key: [id, created]
"""
NUMBERED = """\
    attributes: {id: N}
    key: id
"""


def change_set(cloud: Cloud, name: str, table_text: str) -> dict[str, Any]:
    cloud.cfn.create_change_set(
        StackName="store",
        ChangeSetName=name,
        TemplateBody=tables(cloud, table_text),
        Parameters=cloud.code("package-1.zip"),
        Capabilities=["CAPABILITY_IAM"],
    )
    cloud.cfn.get_waiter("change_set_create_complete").wait(
        StackName="store", ChangeSetName=name, WaiterConfig=FAST
    )
    described: dict[str, Any] = cloud.cfn.describe_change_set(StackName="store", ChangeSetName=name)
    return described


def test_replacing_a_named_table_is_planned_then_refused_with_the_items_untouched(cloud: Cloud):
    cloud.create("store", tables(cloud, ON_DEMAND_PLAIN), Parameters=cloud.code(cloud.upload()))
    cloud.wait("store", "stack_create_complete")
    cloud.ddb.put_item(TableName="dev.tasks", Item={"id": {"S": "kept"}})

    ranged = change_set(cloud, "ranged", RANGED)
    change, policy = ranged["Changes"]
    assert (
        policy["ResourceChange"]["LogicalResourceId"],
        policy["ResourceChange"]["Replacement"],
    ) == (
        "DynamoDbTablesPolicy",
        "False",
    )
    assert policy["ResourceChange"]["Details"][0]["Evaluation"] == "Dynamic"
    assert change["ResourceChange"] == {
        "Action": "Modify",
        "LogicalResourceId": "DevTasksTable",
        "PhysicalResourceId": "dev.tasks",
        "ResourceType": "AWS::DynamoDB::Table",
        "Replacement": "True",
        "PolicyAction": "ReplaceAndDelete",
        "Scope": ["Properties"],
        "Details": [
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": "AttributeDefinitions",
                    "RequiresRecreation": "Never",
                },
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            },
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": "KeySchema",
                    "RequiresRecreation": "Always",
                },
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            },
        ],
    }
    numbered = change_set(cloud, "numbered", NUMBERED)
    change = numbered["Changes"][0]
    assert change["ResourceChange"]["Replacement"] == "Conditional"
    assert change["ResourceChange"]["Details"][0]["Target"] == {
        "Attribute": "Properties",
        "Name": "AttributeDefinitions",
        "RequiresRecreation": "Conditionally",
    }

    cloud.cfn.execute_change_set(StackName="store", ChangeSetName="numbered")
    assert cloud.settle("store")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert (
        "UPDATE_FAILED",
        "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        "Rename dev.tasks and update the stack again.",
    ) in cloud.resource_events("store", "DevTasksTable")
    assert table(cloud)["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert cloud.ddb.scan(TableName="dev.tasks")["Items"] == [{"id": {"S": "kept"}}]
    described = cloud.cfn.describe_change_set(StackName="store", ChangeSetName="numbered")
    assert described["ExecutionStatus"] == "EXECUTE_FAILED"
    assert cloud.cfn.list_change_sets(StackName="store")["Summaries"][0]["ChangeSetName"] == (
        "numbered"
    )


def test_a_table_removed_from_the_template_is_a_remove(cloud: Cloud):
    cloud.create("store", tables(cloud, ON_DEMAND_PLAIN), Parameters=cloud.code(cloud.upload()))
    cloud.wait("store", "stack_create_complete")
    template = cloud.render(PROJECT.replace("dynamodb_tables:\n  tasks:\n", ""), "bare")
    cloud.cfn.create_change_set(
        StackName="store",
        ChangeSetName="bare",
        TemplateBody=template,
        Parameters=cloud.code("package-1.zip"),
        Capabilities=["CAPABILITY_IAM"],
    )
    cloud.cfn.get_waiter("change_set_create_complete").wait(
        StackName="store", ChangeSetName="bare", WaiterConfig=FAST
    )
    changes = cloud.cfn.describe_change_set(StackName="store", ChangeSetName="bare")["Changes"]
    assert sorted(
        (c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"]) for c in changes
    ) == [("Remove", "DevTasksTable"), ("Remove", "DynamoDbTablesPolicy")]
    assert changes[0]["ResourceChange"]["PolicyAction"] == "Delete"


def hand_written(**changes: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "TableName": "hand.written",
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "N"},
        ],
        "KeySchema": [
            {"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "at", "KeyType": "RANGE"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        **changes,
    }
    return {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": properties}}}


LOCAL_INDEX = [
    {
        "IndexName": "by_at",
        "KeySchema": [
            {"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "at", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }
]


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"LocalSecondaryIndexes": LOCAL_INDEX}, ["LocalSecondaryIndexes"]),
        ({"TableName": "renamed.table"}, ["TableName"]),
    ],
)
def test_local_indexes_and_the_table_name_replace_the_table(
    cloud: Cloud, changes: dict[str, Any], names: list[str]
):
    cloud.create("hand", hand_written())
    cloud.wait("hand", "stack_create_complete")
    cloud.cfn.create_change_set(
        StackName="hand", ChangeSetName="change", TemplateBody=json.dumps(hand_written(**changes))
    )
    cloud.cfn.get_waiter("change_set_create_complete").wait(
        StackName="hand", ChangeSetName="change", WaiterConfig=FAST
    )
    (change,) = cloud.cfn.describe_change_set(StackName="hand", ChangeSetName="change")["Changes"]
    body = change["ResourceChange"]
    assert body["Replacement"] == "True"
    assert [d["Target"]["Name"] for d in body["Details"]] == names
    assert {d["Target"]["RequiresRecreation"] for d in body["Details"]} == {"Always"}
