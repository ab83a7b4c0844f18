"""A stage's tables in a local AWS: created, updated and deleted as a deployment would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from slam.errors import SlamError
from slam.local.server import client_of
from slam.local.tables import StageTables

pytestmark = pytest.mark.slow  # a local AWS per test


@pytest.fixture
def tables() -> Iterator[StageTables]:
    stage_tables = StageTables(f"serve-{uuid.uuid4().hex[:8]}-tables")
    yield stage_tables
    stage_tables.stop()


def table(name: str, **extra: Any) -> dict[str, Any]:
    """An AWS::DynamoDB::Table resource as slam's template writes one."""
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            **extra,
        },
    }


def dynamodb(tables: StageTables) -> Any:
    return client_of(tables.endpoint_url, "dynamodb")


def test_without_tables_no_local_aws_starts(tables: StageTables):
    tables.apply({})
    assert tables.endpoint_url == ""


def test_tables_are_made_then_updated_keeping_their_items(tables: StageTables):
    name = f"dev.{uuid.uuid4().hex[:8]}"
    tables.apply({"DevTasksTable": table(name)})
    client = dynamodb(tables)
    client.put_item(TableName=name, Item={"id": {"S": "1"}, "owner": {"S": "ada"}})

    owner_index = {
        "IndexName": "by_owner",
        "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    updated = table(
        name,
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "owner", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[owner_index],
    )
    tables.apply({"DevTasksTable": updated})

    described = client.describe_table(TableName=name)["Table"]
    assert [index["IndexName"] for index in described["GlobalSecondaryIndexes"]] == ["by_owner"]
    assert client.get_item(TableName=name, Key={"id": {"S": "1"}})["Item"]["owner"] == {"S": "ada"}

    tables.apply({})
    assert name not in client.list_tables()["TableNames"]


def test_a_table_that_cannot_be_made_is_one_error_and_the_next_good_one_is_made(
    tables: StageTables,
):
    name = f"dev.{uuid.uuid4().hex[:8]}"
    broken = table(name, KeySchema=[{"AttributeName": "missing", "KeyType": "HASH"}])

    with pytest.raises(SlamError) as raised:
        tables.apply({"DevTasksTable": broken})

    assert raised.value.message.startswith(
        "the stage's DynamoDB tables could not be made: DevTasksTable: "
    )
    assert raised.value.hint.startswith("correct dynamodb_tables in slam.yaml, or restart")
    tables.apply({"DevTasksTable": table(name)})
    assert name in dynamodb(tables).list_tables()["TableNames"]
