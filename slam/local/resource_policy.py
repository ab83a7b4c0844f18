"""Lambda resource policies, as Lambda checks them when API Gateway invokes a function.

:func:`permits` reads the statements of a function's policy (``GetPolicy``'s shape):
principal, action, resource, and the ``AWS:SourceArn`` and ``AWS:SourceAccount``
conditions with IAM's wildcards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any


def permits(
    statements: Iterable[Mapping[str, Any]], function_arn: str, source: str, account: str
) -> bool:
    """Whether a Lambda resource policy lets API Gateway invoke ``function_arn`` from ``source``.

    A statement applies when its principal is ``apigateway.amazonaws.com`` (or ``*``), its
    action ``lambda:InvokeFunction``, its resource this function (unqualified, or with the
    invoked qualifier) and its ``AWS:SourceArn``/``AWS:SourceAccount`` conditions hold. A
    ``Deny`` that applies wins over any ``Allow``.
    """
    allowed = False
    for statement in statements:
        if not _applies(statement, function_arn, source, account):
            continue
        if statement.get("Effect", "Allow") == "Deny":
            return False
        allowed = True
    return allowed


def _applies(statement: Mapping[str, Any], function_arn: str, source: str, account: str) -> bool:
    principal = statement.get("Principal")
    services = principal.get("Service") if isinstance(principal, dict) else principal
    if not ({"apigateway.amazonaws.com", "*"} & set(_listed(services))):
        return False
    if not {"lambda:InvokeFunction", "lambda:*", "*"} & set(_listed(statement.get("Action"))):
        return False
    unqualified = ":".join(function_arn.split(":")[:7])
    resources = _listed(statement.get("Resource"))
    if not any(
        _arn_like(resource, arn) for resource in resources for arn in {function_arn, unqualified}
    ):
        return False
    return _conditions_hold(
        statement.get("Condition") or {}, {"aws:sourcearn": source, "aws:sourceaccount": account}
    )


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    tests = {
        "ArnLike": _arn_like,
        "StringLike": _arn_like,
        "ArnEquals": str.__eq__,
        "StringEquals": str.__eq__,
    }
    for operator, pairs in conditions.items():
        test = tests.get(operator)
        if test is None or not isinstance(pairs, dict):
            return False  # a condition this gateway cannot evaluate never holds
        for key, expected in pairs.items():
            actual = context.get(key.lower())
            if actual is None or not any(test(pattern, actual) for pattern in _listed(expected)):
                return False
    return True


def _arn_like(pattern: str, value: str) -> bool:
    """IAM's wildcard match: ``*`` any characters, ``?`` one."""
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, value, re.DOTALL) is not None
