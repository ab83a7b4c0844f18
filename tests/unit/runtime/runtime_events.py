"""Lambda events and contexts for the runtime tests, shaped as AWS documents them.

Sources: API Gateway's "Lambda proxy integration input format" (REST API), "Working with
AWS Lambda proxy integrations for HTTP APIs" (payload 1.0 and 2.0), Lambda's "Function
URL request payload" and Elastic Load Balancing's "Lambda functions as targets" (ALB,
multi-value headers off and on). Headers and query parameters are given as lists of
pairs, so repeated names can be expressed; each builder spreads them over the event's
fields the way that service does.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import unquote

Pairs = list[tuple[str, str]]

API_HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"
CUSTOM_HOST = "api.example.com"
URL_HOST = "k7lz3example.lambda-url.us-east-1.on.aws"
ALB_HOST = "tasks-alb-1234567890.us-east-1.elb.amazonaws.com"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:tasks-Function-1CUMOX2834PA0"


@dataclass
class Context:
    """The attributes of Lambda's context object the runtime reads."""

    invoked_function_arn: str = FUNCTION_ARN
    function_version: str = "$LATEST"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"


def context_for(qualifier: str | None = None, version: str = "$LATEST") -> Context:
    """A context as Lambda gives it when the function is invoked with that qualifier."""
    arn = FUNCTION_ARN if qualifier is None else f"{FUNCTION_ARN}:{qualifier}"
    return Context(invoked_function_arn=arn, function_version=version)


def _single(pairs: Pairs) -> dict[str, str]:
    """API Gateway's and ALB's single-value maps keep the last value of a name."""
    return dict(pairs)


def _multi(pairs: Pairs) -> dict[str, list[str]]:
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    return multi


def _body(body: bytes | str | None, binary: bool) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    if binary:
        raw = body if isinstance(body, bytes) else body.encode()
        return base64.b64encode(raw).decode(), True
    return body if isinstance(body, str) else body.decode(), False


def rest_event(
    method: str = "GET",
    path: str = "/",
    *,
    headers: Pairs | None = None,
    query: Pairs | None = None,
    body: bytes | str | None = None,
    binary: bool = False,
    stage: str = "prod",
    host: str = API_HOST,
    authorizer: dict[str, Any] | None = None,
    user_arn: str | None = None,
) -> dict[str, Any]:
    """A REST API (v1) proxy event; ``query`` values are decoded, as API Gateway sends them."""
    header_pairs = [("Host", host), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Port", "443")]
    header_pairs += [("X-Forwarded-For", "198.51.100.1, 70.132.20.1")] + (headers or [])
    text, is_base64 = _body(body, binary)
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "abc123defg",
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "extendedRequestId": "LgLgAFJ6oAMF3Wg=",
        "httpMethod": method,
        "identity": {
            "accessKey": None,
            "accountId": None,
            "caller": None,
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "sourceIp": "203.0.113.7",
            "user": None,
            "userAgent": "curl/8.4.0",
            "userArn": user_arn,
        },
        "path": f"/{stage}{path}",
        "protocol": "HTTP/1.1",
        "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "requestTime": "09/Apr/2015:12:34:56 +0000",
        "requestTimeEpoch": 1428582896000,
        "resourceId": "us4z18",
        "resourcePath": "/{proxy+}",
        "stage": stage,
    }
    if authorizer is not None:
        request_context["authorizer"] = authorizer
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": _single(header_pairs),
        "multiValueHeaders": _multi(header_pairs),
        "queryStringParameters": _single(query) if query else None,
        "multiValueQueryStringParameters": _multi(query) if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": request_context,
        "body": text,
        "isBase64Encoded": is_base64,
    }


def console_test_event(method: str = "GET", path: str = "/") -> dict[str, Any]:
    """What the API Gateway console's Test button sends: nulls almost everywhere."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": None,
        "multiValueHeaders": None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": None,
        "body": None,
        "isBase64Encoded": False,
    }


def http_v1_event(
    method: str = "GET",
    path: str = "/",
    *,
    headers: Pairs | None = None,
    query: Pairs | None = None,
    body: bytes | str | None = None,
    binary: bool = False,
    stage: str = "$default",
    host: str = API_HOST,
) -> dict[str, Any]:
    """An HTTP API event, payload format 1.0: like REST's, but ``path`` keeps a named stage.

    HTTP APIs hand over the path percent-decoded, unlike REST APIs.
    """
    event = rest_event(
        method, path, headers=headers, query=query, body=body, binary=binary, stage=stage, host=host
    )
    path = unquote(path)
    full_path = path if stage == "$default" or ".execute-api." not in host else f"/{stage}{path}"
    event["version"] = "1.0"
    event["resource"] = "$default"
    event["path"] = full_path
    event["pathParameters"] = None
    event["requestContext"]["path"] = full_path
    event["requestContext"]["resourcePath"] = "$default"
    return event


def http_v2_event(
    method: str = "GET",
    path: str = "/",
    *,
    headers: Pairs | None = None,
    raw_query: str = "",
    cookies: list[str] | None = None,
    body: bytes | str | None = None,
    binary: bool = False,
    stage: str = "$default",
    host: str = API_HOST,
    authorizer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An HTTP API event, payload format 2.0: lower-case headers, duplicates comma-joined.

    HTTP APIs hand over ``rawPath`` percent-decoded; Function URLs keep it encoded.
    """
    if ".lambda-url." not in host:
        path = unquote(path)
    raw_path = path if stage == "$default" or ".execute-api." not in host else f"/{stage}{path}"
    header_pairs = [("host", host), ("x-forwarded-proto", "https"), ("x-forwarded-port", "443")]
    header_pairs += [("x-forwarded-for", "198.51.100.1, 203.0.113.9")]
    header_pairs += [(name.lower(), value) for name, value in headers or []]
    joined = {name: ",".join(values) for name, values in _multi(header_pairs).items()}
    text, is_base64 = _body(body, binary)
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": host.split(".")[0],
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.9",
            "userAgent": "curl/8.4.0",
        },
        "requestId": "JKJaXmPLvHcESHA=",
        "routeKey": "$default",
        "stage": stage,
        "time": "10/Mar/2020:05:16:23 +0000",
        "timeEpoch": 1583817383220,
    }
    if authorizer is not None:
        request_context["authorizer"] = authorizer
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": joined,
        "requestContext": request_context,
        "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if text is not None:
        event["body"] = text
    return event


def function_url_event(method: str = "GET", path: str = "/", **fields: Any) -> dict[str, Any]:
    """A Lambda Function URL event: payload 2.0 on a ``lambda-url`` host, ``$default`` stage."""
    return http_v2_event(method, path, host=URL_HOST, **fields)


def alb_event(
    method: str = "GET",
    path: str = "/",
    *,
    headers: Pairs | None = None,
    query: Pairs | None = None,
    body: bytes | str | None = None,
    binary: bool = False,
    multi_value: bool = False,
    host: str = ALB_HOST,
) -> dict[str, Any]:
    """An ALB event; ``query`` values are raw (ALB does not decode them)."""
    header_pairs = [("host", host), ("x-forwarded-proto", "https"), ("x-forwarded-port", "443")]
    header_pairs += [("x-forwarded-for", "198.51.100.1, 72.21.198.66")] + (headers or [])
    text, is_base64 = _body(body, binary)
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                    "targetgroup/tasks/6d0ecf831eec9f09"
                )
            }
        },
        "httpMethod": method,
        "path": path,
        "body": text or "",
        "isBase64Encoded": is_base64,
    }
    if multi_value:
        event["multiValueHeaders"] = _multi(header_pairs)
        event["multiValueQueryStringParameters"] = _multi(query or [])
    else:
        event["headers"] = _single(header_pairs)
        event["queryStringParameters"] = _single(query or [])
    return event


def schedule_event() -> dict[str, Any]:
    """An EventBridge scheduled event, as a rate() rule delivers it."""
    return {
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2015-10-08T16:53:06Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/warm-up"],
        "detail": {},
    }


def s3_event() -> dict[str, Any]:
    """An S3 put notification, trimmed to the fields a function reads."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "uploads"}, "object": {"key": "report.csv"}},
            }
        ]
    }


#: One builder per HTTP event kind, for tests that must hold for every kind.
HTTP_KINDS = {
    "rest": rest_event,
    "http-v1": http_v1_event,
    "http-v2": http_v2_event,
    "function-url": function_url_event,
    "alb": alb_event,
    "alb-multi-value": partial(alb_event, multi_value=True),
}
