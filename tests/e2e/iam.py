"""The IAM actions behind the requests the local AWS logged, and the policy the README's
"AWS permissions" section gives users, so that a test can check the one covers the other.

A request's operation is the one it names (``X-Amz-Target``, ``Action``) or, for the
REST protocols, the one whose method and URI template in botocore's service model match
it best. Its action is ``<service>:<Operation>`` except where AWS's Service
Authorization Reference says otherwise (:data:`ACTIONS`).
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import botocore.session

from slam.aws.errors import PERMISSIONS_SECTION
from slam.local.server import LoggedRequest

README = Path(__file__).resolve().parents[2] / "README.md"

#: The action an operation needs, where it is not named after the operation; None: no
#: permission at all.
ACTIONS: dict[tuple[str, str], str | None] = {
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("sts", "GetCallerIdentity"): None,
}
#: Operations that hand a role to a service, which needs iam:PassRole on that role too.
PASSING_A_ROLE = {
    ("lambda", "CreateFunction"),
    ("lambda", "UpdateFunctionConfiguration"),
    ("apigateway", "UpdateAccount"),
}
#: botocore's name of a service, by the name requests are signed for, where they differ.
MODEL_NAMES = {"execute-api": "apigateway"}


@dataclass(frozen=True)
class Route:
    """How a request to a REST service's operation looks."""

    operation: str
    method: str
    path: re.Pattern[str]
    query: dict[str, list[str]]  # what its URI template fixes in the query string
    required: frozenset[str]  # the query parameters its input requires
    specificity: int  # its URI template's fixed characters; then fewer required headers

    def matches(self, request: LoggedRequest) -> bool:
        query = parse_qs(request.query, keep_blank_values=True)
        return (
            self.method == request.method
            and self.path.fullmatch(request.path) is not None
            and all(
                key in query and (values == [""] or query[key] == values)
                for key, values in self.query.items()
            )
            and self.required <= query.keys()
        )


@functools.cache
def _routes(service: str) -> list[Route]:
    model = botocore.session.get_session().get_service_model(MODEL_NAMES.get(service, service))
    routes = []
    for name in model.operation_names:
        operation_model = model.operation_model(name)
        path, _, query = operation_model.http["requestUri"].partition("?")
        parts = re.split(r"(\{\w+\+?\})", path)
        pattern = "".join(
            (".+" if part.endswith("+}") else "[^/]+") if part.startswith("{") else re.escape(part)
            for part in parts
        )
        fixed = parse_qs(query, keep_blank_values=True)
        shape = operation_model.input_shape
        members = shape.members if shape else {}
        required = (
            [members[member].serialization for member in shape.required_members] if shape else []
        )
        routes.append(
            Route(
                name,
                operation_model.http["method"],
                re.compile(pattern + "/?"),
                fixed,
                frozenset(m["name"] for m in required if m.get("location") == "querystring"),
                # Headers are not logged: of operations told apart by a header only (S3's
                # PutObject and CopyObject), the one requiring fewest headers is taken.
                1000 * sum(len(part) for part in parts if not part.startswith("{"))
                + 100000 * len(fixed)
                - sum(m.get("location") == "header" for m in required),
            )
        )
    return routes


def operation(request: LoggedRequest) -> str:
    """The operation a request asked for."""
    if request.operation:
        return request.operation
    matches = [route for route in _routes(request.service) if route.matches(request)]
    assert matches, f"no {request.service} operation is {request.method} {request.path}"
    return max(matches, key=lambda route: route.specificity).operation


def actions(requests: Iterable[LoggedRequest]) -> set[str]:
    """The IAM actions an identity needs to make these requests."""
    needed: set[str] = set()
    for request in requests:
        name = operation(request)
        key = (request.service, name)
        if request.service == "apigateway":
            needed.add(f"apigateway:{request.method}")  # API Gateway authorizes by method
        else:
            action = ACTIONS.get(key, f"{request.service}:{name}")
            if action is not None:
                needed.add(action)
        if key in PASSING_A_ROLE:
            needed.add("iam:PassRole")
    return needed


def granted_actions() -> list[str]:
    """The actions (patterns, perhaps) that the README's policy allows."""
    text = README.read_text()
    heading = f"\n## {PERMISSIONS_SECTION}\n"
    section = text[text.index(heading) + len(heading) :].split("\n## ", 1)[0]
    (block,) = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    granted = []
    for statement in json.loads(block)["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        granted += [listed] if isinstance(listed, str) else listed
    return granted


def not_granted(needed: Iterable[str], granted: list[str]) -> list[str]:
    """The needed actions no granted pattern covers (IAM matches actions ignoring case)."""
    patterns = [pattern.lower() for pattern in granted]
    return sorted(
        action
        for action in needed
        if not any(fnmatch.fnmatchcase(action.lower(), pattern) for pattern in patterns)
    )
