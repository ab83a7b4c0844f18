"""slam.aws against moto in process, or against botocore's Stubber for what moto cannot
answer (throttling, another account's bucket, paging)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from slam.aws import AwsClient

REGION = "us-west-2"
ACCOUNT = "123456789012"  # moto's


@pytest.fixture
def aws_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake credentials in us-west-2, and nothing of this machine's AWS settings.

    Returns the folder of the (empty) AWS config and credentials files.
    """
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "aws"
    folder.mkdir()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-role probing
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return folder


@pytest.fixture
def aws(aws_environment: Path) -> Iterator[AwsClient]:
    """An AwsClient on moto, in us-west-2."""
    with mock_aws():
        yield AwsClient()


@pytest.fixture
def offline_aws(aws_environment: Path) -> AwsClient:
    """An AwsClient for Stubber tests: any call that is not stubbed fails."""
    return AwsClient()


@contextmanager
def stubbed(aws: AwsClient, service: str) -> Iterator[Stubber]:
    """AWS's answers for ``service``'s client, queued by the test; all must be used."""
    stubber = Stubber(aws.session.client(service))
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()
