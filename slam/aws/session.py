"""The boto3 session behind slam's AWS client, and the base of its per-service parts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, ClassVar

import boto3
import botocore.session
from botocore.config import Config as BotocoreConfig

from .. import __version__
from ..errors import SlamError
from ..settings import AwsOptions
from .errors import CREDENTIALS_HINT, REGION_HINT, translated_errors

# Total attempts per call, the first included: four retries, whose throttling backoff
# (up to 1, 2, 4 and 8 s, jittered) rides out a burst without hiding an outage.
DEFAULT_MAX_ATTEMPTS = 5
# A synchronous invoke waits for the function, which may run for up to 900 s.
LAMBDA_READ_TIMEOUT = 910
# AWS's endpoints accept a connection in well under a second; botocore's 60 s default,
# times each retry, would leave a dropped connection hanging for minutes.
CONNECT_TIMEOUT = 10


class Session:
    """Credentials, region and endpoint as boto3 resolves them, with ``--profile`` and
    ``--region`` on top; boto3 clients made on first use, one per service."""

    def __init__(self, options: AwsOptions) -> None:
        self.options = options
        with translated_errors("sts", "your AWS configuration"):
            self._core = botocore.session.Session(profile=options.profile)
            self._boto3 = boto3.session.Session(
                botocore_session=self._core, region_name=options.region
            )
            region = self._boto3.region_name
            # the user's max_attempts (AWS_MAX_ATTEMPTS or the profile) wins over slam's
            self._attempts = self._core.get_config_variable("max_attempts")
        if not region:
            raise SlamError("no AWS region is set", REGION_HINT)
        self.region: str = region
        self._clients: dict[str, Any] = {}

    def require_credentials(self) -> None:
        """Fail before any work when boto3 finds no credentials (no call to AWS made)."""
        with translated_errors("sts", "your AWS credentials"):
            credentials = self._boto3.get_credentials()
        if credentials is None:
            raise SlamError("no AWS credentials found", CREDENTIALS_HINT)

    def client(self, service: str) -> Any:
        """The boto3 client of ``service``, made once (tests attach Stubbers to it)."""
        if service not in self._clients:
            with translated_errors(service, f"AWS {service} in {self.region}"):
                self._clients[service] = self._boto3.client(
                    service, config=self._client_config(service)
                )
        return self._clients[service]

    def _client_config(self, service: str) -> BotocoreConfig:
        retries = {"mode": "standard", "total_max_attempts": self._attempts or DEFAULT_MAX_ATTEMPTS}
        settings: dict[str, Any] = {
            "retries": retries,
            "connect_timeout": CONNECT_TIMEOUT,
            "user_agent_extra": f"slam/{__version__}",
        }
        if service == "lambda":
            settings["read_timeout"] = LAMBDA_READ_TIMEOUT
        return BotocoreConfig(**settings)


class Service:
    """One AWS service's calls: a part of :class:`slam.aws.AwsClient`."""

    service: ClassVar[str]

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def client(self) -> Any:
        return self._session.client(self.service)

    def failures(self, resource: str) -> AbstractContextManager[None]:
        """Turns the botocore errors of the calls inside into SlamErrors about ``resource``."""
        return translated_errors(self.service, resource)


def pages(paginator: Any, key: str, **params: Any) -> Iterator[Any]:
    """Every item under ``key`` of every page a boto3 paginator returns."""
    for page in paginator.paginate(**params):
        yield from page.get(key, ())
