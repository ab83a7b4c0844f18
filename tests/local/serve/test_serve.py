"""``slam serve`` over real HTTP: the deployed API's URLs, events, answers and errors."""

from __future__ import annotations

import http.client
import json
import re
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from slam.local.server import client_of

from .project import make_project
from .served import Served, process_running

pytestmark = pytest.mark.slow  # slam serve in a subprocess

INTERNAL_SERVER_ERROR = {"message": "Internal server error"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = make_project(tmp_path_factory.mktemp("serve") / "project")
    with Served(project) as running:
        yield running


def test_the_banner_names_the_stages_url(served: Served):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/dev/", served.url)
    assert "stage dev" in served.wait_for("Serving ")


def test_a_request_runs_with_the_stages_environment_and_links_that_name_the_stage(
    served: Served,
):
    response = served.get("/dev/")

    answer = json.loads(response.body)
    assert response.status == 200
    assert (answer["stage"], answer["greeting"]) == ("dev", "hello dev")
    assert answer["link"] == "/dev/items/1"
    api = re.fullmatch(
        r"https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/dev/items/1", answer["url"]
    )
    assert api is not None
    assert response.header("x-amzn-RequestId")
    served.wait_for("GET /dev/ 200 ")
    assert "index requested\n" in served.output
    assert "a warning from the app" in served.wait_for("[WARNING]")


def test_the_stage_without_a_slash_is_its_root(served: Served):
    assert json.loads(served.get("/dev").body)["message"] == "hello"


@pytest.mark.parametrize("path", ["/", "/prod/", "/nowhere/at/all"])
def test_paths_outside_the_stage_answer_as_api_gateway_does(served: Served, path: str):
    response = served.get(path)

    assert response.status == 403
    assert json.loads(response.body) == {"message": "Missing Authentication Token"}


def test_binary_bodies_pass_byte_for_byte_both_ways(served: Served):
    body = bytes(range(256)) * 1000

    response = served.request(
        "POST", "/dev/echo", body, {"Content-Type": "application/octet-stream"}
    )

    assert (response.status, response.body) == (200, body)


def test_two_cookies_and_a_repeated_header_arrive_as_the_app_set_them(served: Served):
    response = served.get("/dev/cookies")

    assert response.header("Set-Cookie") == [
        "session=abc; Path=/; HttpOnly",
        "remember=yes; Path=/; Max-Age=60",
    ]
    assert response.header("X-Tag") == ["one", "two"]


def test_an_exception_in_the_app_is_slams_500_with_the_traceback_in_the_output(served: Served):
    response = served.get("/dev/boom")

    assert (response.status, response.body) == (500, b"Internal Server Error")
    served.wait_for("RuntimeError: the app broke")
    assert "Traceback (most recent call last):" in served.output
    # the project's own file, where the user edits it; slam's runtime, where it ran
    assert f'File "{served.project / "app.py"}", line ' in served.output
    assert 'in boom\n    raise RuntimeError("the app broke")' in served.output
    assert f'File "{served.project / ".slam" / "serve" / "dev" / "slam_runtime"}' in served.output


def test_a_function_past_its_timeout_is_a_502_and_its_worker_is_restarted(served: Served):
    before = json.loads(served.get("/dev/").body)["pid"]

    response = served.get("/dev/sleep")

    assert (response.status, json.loads(response.body)) == (502, INTERNAL_SERVER_ERROR)
    assert "Task timed out after 2.00 seconds" in served.wait_for("Task timed out")
    assert not process_running(before)
    after = json.loads(served.get("/dev/").body)["pid"]
    assert after != before


def test_a_response_over_lambdas_limit_is_a_502(served: Served):
    response = served.get("/dev/big")

    assert (response.status, json.loads(response.body)) == (502, INTERNAL_SERVER_ERROR)


def test_a_request_over_lambdas_limit_is_a_500(served: Served):
    body = b"x" * (5 * 1024 * 1024)  # base64 in the event: over 6 MB

    response = served.request("POST", "/dev/echo", body, {"Content-Type": "image/png"})

    assert (response.status, json.loads(response.body)) == (500, INTERNAL_SERVER_ERROR)


def test_a_request_over_api_gateways_limit_is_a_413(served: Served):
    response = served.request("POST", "/dev/echo", b"x" * (10 * 1024 * 1024 + 1))

    assert response.status == 413


def test_the_stages_table_is_in_the_local_aws_and_keeps_its_items(served: Served):
    assert served.request("PUT", "/dev/items/42", b"buy milk").body == b"buy milk"
    assert served.get("/dev/items/42").body == b"buy milk"

    url = served.wait_for("DynamoDB tables are in a local AWS at ").split(" at ")[1].split(",")[0]
    dynamodb = client_of(url, "dynamodb")
    table = dynamodb.describe_table(TableName="dev.items")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert "prod.items" not in dynamodb.list_tables()["TableNames"]  # only the stage's


def test_a_head_request_has_the_length_of_the_body_it_leaves_out(served: Served):
    get = served.get("/dev/cookies")

    head = served.request("HEAD", "/dev/cookies")

    assert (head.status, head.body) == (200, b"")
    assert head.header("Content-Length") == get.header("Content-Length") == [str(len(get.body))]


def test_a_chunked_body_is_read_whole(served: Served):
    where = urlsplit(served.url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
    try:
        chunks = [b"first chunk, ", bytes(range(256)), b", last"]
        connection.request(
            "POST",
            "/dev/echo",
            body=iter(chunks),
            headers={"Content-Type": "application/octet-stream"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (200, b"".join(chunks))
    finally:
        connection.close()


def test_a_content_length_that_is_no_number_is_a_400(served: Served):
    where = urlsplit(served.url)
    with socket.create_connection((where.hostname or "", where.port or 80), timeout=60) as raw:
        raw.sendall(b"POST /dev/echo HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")
        answer = raw.makefile("rb").read()

    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert answer.endswith(b'{"message":"Bad Request"}')
