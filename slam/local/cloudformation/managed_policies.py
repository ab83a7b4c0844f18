"""AWS managed policies in the local account, so roles can attach them as on AWS.

moto can load them (``load_aws_managed_policies``), but then builds them for each of
its six partitions whenever an account's IAM is first touched, after every reset:
half a second per reset. The local AWS serves the standard partition only, so it
builds them there alone, from moto's own copy of AWS's list parsed once.

Reaches into moto: replaces ``moto.iam.models.IAMBackend._init_aws_policies``, which
``IAMBackend.__init__`` calls (checked against moto 5.2.5).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

STANDARD_PARTITION = "aws"
_installed: list[bool] = []


@cache
def _definitions() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    definitions: dict[str, Any] = json.loads(aws_managed_policies_data)
    return definitions


def install() -> None:
    """Give every IAM backend of the standard partition AWS's managed policies."""
    if _installed:
        return
    from moto.iam import models

    def standard_partition_only(backend: Any) -> list[Any]:
        if backend.region_name != STANDARD_PARTITION:
            return []
        return [
            models.AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data)
            for name, data in _definitions().items()
        ]

    models.IAMBackend._init_aws_policies = standard_partition_only  # type: ignore[method-assign,assignment]
    _installed.append(True)
