"""The environ each kind of HTTP event produces (slam/runtime/events.py)."""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import parse_qsl

import pytest
from runtime_apps import cgi_keys, environ_for
from runtime_events import (
    API_HOST,
    CUSTOM_HOST,
    HTTP_KINDS,
    alb_event,
    console_test_event,
    context_for,
    function_url_event,
    http_v1_event,
    http_v2_event,
    rest_event,
    s3_event,
    schedule_event,
)

from slam.runtime.events import UnsupportedEventError, event_format
from slam.runtime.wsgi import make_handler


def test_rest_event_gives_a_pep_3333_environ() -> None:
    event = rest_event(
        "POST",
        "/items/caf%C3%A9",
        headers=[("Content-Type", "application/json"), ("Cookie", "a=1"), ("Cookie", "b=2")],
        query=[("tag", "x"), ("tag", "y")],
        body='{"done": true}',
    )
    assert cgi_keys(environ_for(event)) == {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/prod",
        "PATH_INFO": "/items/caf\xc3\xa9",
        "QUERY_STRING": "tag=x&tag=y",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "14",
        "SERVER_NAME": API_HOST,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_HOST": API_HOST,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_FOR": "198.51.100.1, 70.132.20.1",
        "HTTP_COOKIE": "a=1; b=2",
    }


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
def test_every_kind_sets_the_wsgi_keys(kind: str) -> None:
    context = context_for("prod")
    event = HTTP_KINDS[kind]("PUT", "/items/1", body=b"\x00\xffraw", binary=True)
    environ = environ_for(event, context=context)
    assert {key: value for key, value in environ.items() if key.startswith("wsgi.")} == {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": environ["wsgi.input"],
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    assert environ["wsgi.input"].read() == b"\x00\xffraw"
    assert environ["CONTENT_LENGTH"] == "5"
    assert environ["REQUEST_METHOD"] == "PUT"
    assert environ["slam.event"] is event
    assert environ["slam.request_context"] is event["requestContext"]
    assert environ["slam.context"] is context


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
@pytest.mark.parametrize(
    ("body", "binary", "expected"),
    [
        (None, False, b""),
        ("", False, b""),
        ("héllo", False, "héllo".encode()),
        (b"hi", True, b"hi"),
    ],
)
def test_body_is_decoded_and_measured(
    kind: str, body: str | bytes | None, binary: bool, expected: bytes
) -> None:
    environ = environ_for(HTTP_KINDS[kind]("POST", "/", body=body, binary=binary))
    assert environ["wsgi.input"].read() == expected
    assert environ["CONTENT_LENGTH"] == str(len(expected))


def test_console_test_event_with_nulls_works() -> None:
    environ = environ_for(console_test_event("GET", "/items"))
    assert cgi_keys(environ) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/items",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    assert environ["slam.request_context"] == {}


def test_v2_event_without_optional_fields_works() -> None:
    event = {"version": "2.0", "rawPath": "/", "requestContext": None, "headers": None}
    assert cgi_keys(environ_for(event)) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


@pytest.mark.parametrize(
    ("event", "base_path", "script_name", "path_info"),
    [
        pytest.param(rest_event(path="/items"), None, "/prod", "/items", id="rest-stage"),
        pytest.param(rest_event(path="/prod/x"), None, "/prod", "/prod/x", id="rest-keeps-path"),
        pytest.param(rest_event(path="/items"), "/api", "/prod", "/items", id="rest-stage-wins"),
        pytest.param(rest_event(path="/", host=CUSTOM_HOST), None, "", "/", id="rest-custom"),
        pytest.param(
            rest_event(path="/api/items", host=CUSTOM_HOST),
            "/api",
            "/api",
            "/items",
            id="rest-base",
        ),
        pytest.param(
            rest_event(path="/items", host=CUSTOM_HOST), "api/", "/api", "/items", id="rest-base-2"
        ),
        pytest.param(
            rest_event(path="/apiv2", host=CUSTOM_HOST), "/api", "/api", "/apiv2", id="segment"
        ),
        pytest.param(http_v1_event(path="/a", stage="dev"), None, "/dev", "/a", id="v1-stage"),
        pytest.param(http_v1_event(path="/a"), None, "", "/a", id="v1-default"),
        pytest.param(http_v2_event(path="/items", stage="prod"), None, "/prod", "/items", id="v2"),
        pytest.param(http_v2_event(path="", stage="prod"), None, "/prod", "", id="v2-stage-root"),
        pytest.param(http_v2_event(path="/items"), "/api", "", "/items", id="v2-default"),
        pytest.param(
            http_v2_event(path="/i", stage="prod", host=CUSTOM_HOST), None, "", "/i", id="v2-custom"
        ),
        pytest.param(
            http_v2_event(path="/i", host=CUSTOM_HOST), "/api", "/api", "/i", id="v2-custom-base"
        ),
        pytest.param(function_url_event(path="/items"), None, "", "/items", id="function-url"),
        pytest.param(alb_event(path="/items"), None, "", "/items", id="alb"),
        pytest.param(alb_event(path="/api/items"), "/api", "", "/api/items", id="alb-base"),
        pytest.param(
            alb_event(path="/api/i", host=CUSTOM_HOST), "/api", "/api", "/i", id="alb-custom-base"
        ),
        pytest.param(console_test_event(path="/api/i"), "/api", "/api", "/i", id="console-base"),
    ],
)
def test_stage_prefix_and_base_path(
    event: dict[str, Any], base_path: str | None, script_name: str, path_info: str
) -> None:
    environ = environ_for(event, base_path=base_path)
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (script_name, path_info)


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
@pytest.mark.parametrize(
    ("path", "path_info"),
    [
        ("/caf%C3%A9/a%20b/%2f", "/caf\xc3\xa9/a b//"),
        ("/café", "/caf\xc3\xa9"),
        ("/100%/%zz/%4", "/100%/%zz/%4"),
        ("/plain", "/plain"),
    ],
)
def test_path_info_is_decoded_to_latin1_of_utf8(kind: str, path: str, path_info: str) -> None:
    assert environ_for(HTTP_KINDS[kind]("GET", path))["PATH_INFO"] == path_info


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
def test_a_path_is_decoded_exactly_once(kind: str) -> None:
    # the client asked for the literal text "%41"; HTTP APIs have decoded %25 already
    assert environ_for(HTTP_KINDS[kind]("GET", "/a%2541"))["PATH_INFO"] == "/a%41"


QUERY = [("tag", "a"), ("tag", "b"), ("q", "x&y=z+1"), ("name", "José"), ("e", ""), ("sp", "a b")]
QUERY += [("clé&", "v")]
ENCODED = "tag=a&tag=b&q=x%26y%3Dz%2B1&name=Jos%C3%A9&e=&sp=a%20b&cl%C3%A9%26=v"


def test_rest_query_string_is_encoded_from_decoded_values() -> None:
    environ = environ_for(rest_event(query=QUERY))
    assert environ["QUERY_STRING"] == ENCODED
    assert parse_qsl(environ["QUERY_STRING"], keep_blank_values=True) == QUERY


def test_rest_query_string_from_single_values_when_multi_value_is_null() -> None:
    event = rest_event(query=[("q", "x&y"), ("n", "1")])
    event["multiValueQueryStringParameters"] = None
    assert environ_for(event)["QUERY_STRING"] == "q=x%26y&n=1"


def test_http_v1_query_string_is_encoded_from_decoded_values() -> None:
    assert environ_for(http_v1_event(query=QUERY))["QUERY_STRING"] == ENCODED


def test_alb_query_string_keeps_raw_values() -> None:
    raw = [("tag", "a"), ("tag", "b"), ("q", "x%26y%3Dz%2B1"), ("name", "Jos%C3%A9"), ("sp", "a+b")]
    multi = environ_for(alb_event(query=raw, multi_value=True))["QUERY_STRING"]
    assert multi == "tag=a&tag=b&q=x%26y%3Dz%2B1&name=Jos%C3%A9&sp=a+b"
    assert parse_qsl(multi) == [*QUERY[:4], ("sp", "a b")]
    single = environ_for(alb_event(query=raw))["QUERY_STRING"]
    assert single == "tag=b&q=x%26y%3Dz%2B1&name=Jos%C3%A9&sp=a+b"


def test_alb_query_string_encodes_what_the_client_left_raw() -> None:
    event = alb_event(query=[("name", "José a"), ("ok", "%41"), ("ké y", "1")])
    assert environ_for(event)["QUERY_STRING"] == "name=Jos%C3%A9%20a&ok=%41&k%C3%A9%20y=1"


@pytest.mark.parametrize("event_builder", [http_v2_event, function_url_event])
def test_v2_query_string_is_the_raw_query_string(event_builder: Any) -> None:
    raw = "tag=a&tag=b&q=x%26y%3Dz%2B1&name=Jos%C3%A9&e=&sp=a%20b"
    assert environ_for(event_builder(raw_query=raw))["QUERY_STRING"] == raw
    assert environ_for(event_builder(raw_query="name=José"))["QUERY_STRING"] == "name=Jos%C3%A9"


@pytest.mark.parametrize("kind", ["rest", "http-v1", "alb-multi-value"])
def test_repeated_headers_are_joined(kind: str) -> None:
    headers = [("Accept", "text/html"), ("Accept", "application/json")]
    headers += [("Cookie", "a=1"), ("cookie", "b=2"), ("X-Tag", "one"), ("x-tag", "two")]
    event = HTTP_KINDS[kind](headers=headers)
    event["multiValueHeaders"]["X-Empty"] = []
    environ = environ_for(event)
    assert "HTTP_X_EMPTY" not in environ
    assert environ["HTTP_ACCEPT"] == "text/html, application/json"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_X_TAG"] == "one, two"


@pytest.mark.parametrize("kind", ["rest", "http-v2", "alb"])
def test_single_value_headers_differing_in_case_are_joined(kind: str) -> None:
    # a console test event, or a client sending both spellings: one dict, two names
    event = HTTP_KINDS[kind]()
    event.pop("multiValueHeaders", None)
    event["headers"] = {"X-Tag": "one", "x-tag": "twö", "Cookie": "a=1", "cookie": "b=2"}
    environ = environ_for(event)
    assert environ["HTTP_X_TAG"] == "one, tw\xc3\xb6"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"


@pytest.mark.parametrize("kind", ["http-v2", "function-url"])
def test_v2_cookies_and_joined_headers(kind: str) -> None:
    event = HTTP_KINDS[kind](headers=[("Accept", "a"), ("Accept", "b")], cookies=["a=1", "b=2"])
    environ = environ_for(event)
    assert environ["HTTP_ACCEPT"] == "a,b"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"


def test_v2_cookie_header_and_cookies_list_are_merged() -> None:
    event = http_v2_event(headers=[("Cookie", "a=1")], cookies=["b=2", "name=Zoë"])
    assert environ_for(event)["HTTP_COOKIE"] == "a=1; b=2; name=Zo\xc3\xab"


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
def test_header_rules(kind: str) -> None:
    headers = [("Content-Type", "text/plain"), ("Content-Length", "999"), ("X_Forwarded_For", "1")]
    headers += [("X-Name", "Zoë")]
    environ = environ_for(HTTP_KINDS[kind]("POST", "/", headers=headers, body="abc"))
    assert environ["CONTENT_TYPE"] == "text/plain"
    assert environ["CONTENT_LENGTH"] == "3"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert "HTTP_CONTENT_LENGTH" not in environ
    assert "1" not in environ["HTTP_X_FORWARDED_FOR"].split(", ")
    assert environ["HTTP_X_NAME"] == "Zo\xc3\xab"


@pytest.mark.parametrize("kind", ["rest", "http-v2"])
def test_every_one_of_many_header_names_is_mapped(kind: str) -> None:
    headers = [(f"X-Custom-{kind}-{number}", str(number)) for number in range(1500)]
    environ = environ_for(HTTP_KINDS[kind](headers=headers))
    for number in range(1500):
        assert environ[f"HTTP_X_CUSTOM_{kind.upper().replace('-', '_')}_{number}"] == str(number)


@pytest.mark.parametrize(
    ("headers", "server"),
    [
        ([("Host", "example.com:8443")], ("example.com", "8443", "https")),
        (
            [("Host", "example.com:8443"), ("X-Forwarded-Port", "9000")],
            ("example.com", "9000", "https"),
        ),
        ([("Host", "[::1]:8080")], ("[::1]", "8080", "https")),
        ([("Host", "[::1]")], ("[::1]", "443", "https")),
        ([("Host", "example.com"), ("X-Forwarded-Proto", "http")], ("example.com", "80", "http")),
        (
            [("Host", "example.com"), ("X-Forwarded-Proto", "https, http")],
            ("example.com", "80", "http"),
        ),
        ([("X-Forwarded-Proto", "gopher")], ("localhost", "443", "https")),
    ],
)
def test_server_name_port_and_scheme(
    headers: list[tuple[str, str]], server: tuple[str, ...]
) -> None:
    event = {"httpMethod": "GET", "path": "/", "headers": dict(headers)}
    environ = environ_for(event)
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"], environ["wsgi.url_scheme"]) == server


def test_every_one_of_many_hosts_gets_its_own_server_and_prefix() -> None:
    # clients choose the Host behind ALB and custom domains: far more than slam remembers
    for number in range(600):
        aws = number % 2 == 1  # a base path applies to custom domains, not to AWS's hosts
        host = f"h{number}.{'elb.amazonaws.com' if aws else 'example.com'}"
        environ = environ_for(alb_event(path=f"/api/{number}", host=host), base_path="/api")
        assert environ["SERVER_NAME"] == host
        expected = ("", f"/api/{number}") if aws else ("/api", f"/{number}")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == expected


def test_remote_addr_is_what_each_service_saw() -> None:
    spoofed = [("X-Forwarded-For", "6.6.6.6")]
    assert environ_for(rest_event(headers=spoofed))["REMOTE_ADDR"] == "203.0.113.7"
    assert environ_for(http_v1_event(headers=spoofed))["REMOTE_ADDR"] == "203.0.113.7"
    assert environ_for(http_v2_event(headers=spoofed))["REMOTE_ADDR"] == "203.0.113.9"
    assert environ_for(function_url_event(headers=spoofed))["REMOTE_ADDR"] == "203.0.113.9"
    assert environ_for(alb_event())["REMOTE_ADDR"] == "72.21.198.66"
    assert environ_for(alb_event(multi_value=True))["REMOTE_ADDR"] == "72.21.198.66"


def test_alb_without_forwarded_for_has_no_remote_addr() -> None:
    event = alb_event()
    del event["headers"]["x-forwarded-for"]
    assert "REMOTE_ADDR" not in environ_for(event)


@pytest.mark.parametrize(
    ("event", "user"),
    [
        (rest_event(authorizer={"principalId": "user-42", "integrationLatency": 3}), "user-42"),
        (
            rest_event(authorizer={"claims": {"sub": "cognito-sub", "email": "a@b.c"}}),
            "cognito-sub",
        ),
        (
            rest_event(user_arn="arn:aws:iam::123456789012:user/alice"),
            "arn:aws:iam::123456789012:user/alice",
        ),
        (rest_event(authorizer={"principalId": "Zoë"}), "Zo\xc3\xab"),
        (rest_event(authorizer={"claims": None, "scopes": None}), None),
        (rest_event(authorizer={}), None),
        (
            http_v2_event(authorizer={"jwt": {"claims": {"sub": "jwt-sub"}, "scopes": None}}),
            "jwt-sub",
        ),
        (http_v2_event(authorizer={"lambda": {"principalId": "from-lambda"}}), "from-lambda"),
        (http_v2_event(authorizer={"lambda": {"key": "value"}}), None),
        (
            http_v2_event(authorizer={"iam": {"userArn": "arn:aws:iam::1:user/bob"}}),
            "arn:aws:iam::1:user/bob",
        ),
        (http_v2_event(), None),
        (alb_event(), None),
    ],
)
def test_remote_user_from_the_authorizer(event: dict[str, Any], user: str | None) -> None:
    assert environ_for(event).get("REMOTE_USER") == user


def test_schedule_event_gets_an_empty_result() -> None:
    assert event_format(schedule_event()) is None
    assert make_handler(lambda environ, start_response: [])(schedule_event(), None) == {}


@pytest.mark.parametrize(
    ("event", "got"),
    [
        (s3_event(), "got a dict with keys ['Records']"),
        ({"kwargs": {"number": 2}}, "got a dict with keys ['kwargs']"),
        ([1, 2], "got a list"),
        (None, "got a NoneType"),
    ],
)
def test_unrecognised_event_says_what_was_expected(event: Any, got: str) -> None:
    handler = make_handler(lambda environ, start_response: [])
    with pytest.raises(UnsupportedEventError) as raised:
        handler(event, None)
    message = str(raised.value)
    assert message.startswith("slam: cannot answer this event: expected an API Gateway REST API")
    assert "Function URL" in message
    assert "ALB" in message
    assert message.endswith(got)


def test_event_formats() -> None:
    assert event_format(rest_event()) == "v1"
    assert event_format(http_v1_event()) == "v1"
    assert event_format(http_v2_event()) == "v2"
    assert event_format(function_url_event()) == "v2"
    assert event_format(alb_event()) == "alb"
    assert event_format(alb_event(multi_value=True)) == "alb-multi-value"
