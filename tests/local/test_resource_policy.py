"""Lambda resource policies: when API Gateway may invoke a function."""

from __future__ import annotations

from typing import Any

import pytest

from slam.local.resource_policy import permits

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:tasks"


STATEMENT = {
    "Effect": "Allow",
    "Principal": {"Service": "apigateway.amazonaws.com"},
    "Action": "lambda:InvokeFunction",
    "Resource": f"{FUNCTION}:dev",
    "Condition": {
        "ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*"}
    },
}
SOURCE = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/tasks"


def with_(**changes: Any) -> dict[str, Any]:
    return {**STATEMENT, **changes}


@pytest.mark.parametrize(
    ("statements", "allowed"),
    [
        ([STATEMENT], True),
        ([], False),
        ([with_(Resource=FUNCTION)], True),  # the whole function
        ([with_(Resource=f"{FUNCTION}:prod")], False),  # another alias
        ([with_(Principal={"Service": "s3.amazonaws.com"})], False),
        ([with_(Principal="*")], True),
        ([with_(Action=["lambda:GetFunction", "lambda:*"])], True),
        ([with_(Action="lambda:GetFunction")], False),
        (
            [
                with_(
                    Condition={
                        "ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:abc123/prod/*"}
                    }
                )
            ],
            False,
        ),
        (
            [
                with_(
                    Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:abc123/?ev/*"}}
                )
            ],
            True,
        ),
        ([with_(Condition={"StringEquals": {"AWS:SourceAccount": "123456789012"}})], True),
        ([with_(Condition={"StringEquals": {"AWS:SourceAccount": "999999999999"}})], False),
        ([with_(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})], False),  # unknown
        ([with_(Condition={"ArnLike": {"aws:PrincipalArn": "*"}})], False),  # no such key
        ([STATEMENT, with_(Effect="Deny")], False),
    ],
)
def test_the_resource_policy_decides(statements: list[dict[str, Any]], allowed: bool):
    assert permits(statements, f"{FUNCTION}:dev", SOURCE, "123456789012") is allowed
