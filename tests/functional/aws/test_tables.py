"""Whether a DynamoDB table holds items, on moto and as AWS pages a Scan."""

from __future__ import annotations

from slam.aws import AwsClient

from .conftest import stubbed


def test_a_table_holds_items_once_one_is_put(aws: AwsClient):
    dynamodb = aws.tables.client
    dynamodb.create_table(
        TableName="dev.tasks",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert aws.tables.holds_items("dev.tasks") is False
    dynamodb.put_item(TableName="dev.tasks", Item={"id": {"S": "1"}})
    dynamodb.put_item(TableName="dev.tasks", Item={"id": {"S": "2"}})
    assert aws.tables.holds_items("dev.tasks") is True


def test_a_missing_table_holds_nothing(aws: AwsClient):
    assert aws.tables.holds_items("dev.tasks") is False


def test_an_empty_page_with_more_to_read_holds_items(offline_aws: AwsClient):
    with stubbed(offline_aws, "dynamodb") as stubber:
        stubber.add_response(
            "scan",
            {"Items": [], "Count": 0, "ScannedCount": 1, "LastEvaluatedKey": {"id": {"S": "1"}}},
            {"TableName": "dev.tasks", "Limit": 1},
        )
        assert offline_aws.tables.holds_items("dev.tasks") is True
