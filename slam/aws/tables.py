"""DynamoDB: what slam needs to know about a table before it is deleted."""

from __future__ import annotations

from botocore.exceptions import ClientError

from .errors import error_code
from .session import Service


class Tables(Service):
    service = "dynamodb"

    def holds_items(self, table: str) -> bool:
        """Whether ``table`` holds at least one item, from a one-item Scan (DescribeTable's
        ItemCount is refreshed only every six hours). A missing table holds none."""
        with self.failures(f"table {table}"):
            try:
                answer = self.client.scan(TableName=table, Limit=1)
            except ClientError as error:
                if error_code(error) == "ResourceNotFoundException":
                    return False
                raise
        # Limit bounds the items read: a page may come back empty while items remain.
        return bool(answer.get("Items") or answer.get("LastEvaluatedKey"))
