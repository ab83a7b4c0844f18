"""AWS managed policies by name, from the table slam ships (slam/data/).

A managed policy's ARN holds its path: ``AWSLambdaBasicExecutionRole`` lives under
``/service-role/``, ``AmazonS3ReadOnlyAccess`` under ``/``, ``ViewOnlyAccess`` under
``/job-function/``. The table maps each AWS managed policy's name to its path, so a bare
name resolves to an ARN that exists, offline. scripts/update_managed_policies.py
regenerates it. It is read on first use only: commands that name no policy never pay.
"""

from __future__ import annotations

import difflib
import functools
import json
from importlib import resources
from typing import Any

TABLE = "aws_managed_policies.json"
# Policies of AWS's service-linked roles: IAM refuses to attach them to any other role.
SERVICE_LINKED_PATH = "/aws-service-role/"


@functools.cache
def policy_paths() -> dict[str, str]:
    """Every AWS managed policy slam knows: name -> path (``/``, ``/service-role/``...)."""
    text = (resources.files("slam") / "data" / TABLE).read_text(encoding="utf-8")
    paths: dict[str, str] = json.loads(text)
    return paths


def policy_arn(name: str) -> dict[str, Any]:
    """The ARN of the AWS managed policy ``name``, in the stack's partition.

    ``name`` must be in the table (``unknown_policy`` says when it is not).
    """
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::aws:policy{policy_paths()[name]}{name}"}


def unknown_policy(name: str) -> tuple[str, str] | None:
    """Why ``name`` cannot be attached to a function's role, and the fix; None if it can."""
    paths = policy_paths()
    path = paths.get(name)
    if path == SERVICE_LINKED_PATH:
        return (
            f"{name!r} is the policy of an AWS service-linked role, which IAM attaches to no "
            "other role",
            "choose a policy meant for functions, or write an inline policy",
        )
    if path is not None:
        return None
    by_lower_case = {known.lower(): known for known in paths}
    close = difflib.get_close_matches(name.lower(), by_lower_case, n=1, cutoff=0.8)
    own = "a policy of your own by its full ARN: arn:aws:iam::<account>:policy/<name>"
    if close:
        hint = f"did you mean {by_lower_case[close[0]]!r}? Or give {own}"
    else:
        hint = f"give an AWS managed policy's exact name, or {own}"
    return f"{name!r} is not an AWS managed policy", hint
