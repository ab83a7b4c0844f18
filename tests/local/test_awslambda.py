"""Lambda's control plane on the local AWS: the answers deployment tools rely on."""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

from .conftest import Clients, Deploy, zip_of

FIRST = zip_of({"app.py": "def handler(event, context):\n    return 1\n"})
SECOND = zip_of({"app.py": "def handler(event, context):\n    return 2\n"})


def sha256(package: bytes) -> str:
    """The code's SHA-256 as Lambda reports it: base64."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode()


def test_add_permission_answers_201(deploy: Deploy, client: Clients):
    name = deploy(FIRST)
    answer = client("lambda").add_permission(
        FunctionName=name,
        StatementId="api",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert '"Sid": "api"' in answer["Statement"]


def test_a_version_is_published_only_from_the_code_named(deploy: Deploy, client: Clients):
    lam = client("lambda")
    name = deploy(FIRST)
    lam.update_function_code(FunctionName=name, ZipFile=SECOND)
    with pytest.raises(ClientError) as refused:
        lam.publish_version(FunctionName=name, CodeSha256=sha256(FIRST))
    error = refused.value.response["Error"]
    assert error["Code"] == "PreconditionFailedException"
    assert error["Message"] == (
        f"CodeSHA256 ({sha256(FIRST)}) is different from current CodeSHA256 in $LATEST "
        f"({sha256(SECOND)}). Please try again with the current CodeSHA256."
    )
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == [
        "$LATEST"
    ]
    published = lam.publish_version(FunctionName=name, CodeSha256=sha256(SECOND))
    assert (published["Version"], published["CodeSha256"]) == ("1", sha256(SECOND))
    answer = lam.invoke(FunctionName=name, Qualifier="1")
    assert answer["Payload"].read() == b"2"
