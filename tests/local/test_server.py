"""LocalAWS in process: a second server, a taken port, and no worker left once stopped."""

from __future__ import annotations

import json

import pytest

from slam.errors import SlamError
from slam.local.server import LocalAWS

from .conftest import Clients, Deploy, payload_of, process_running, zip_of
from .probe import PROBE


def test_a_taken_port_is_a_slam_error(local_aws: LocalAWS):
    with pytest.raises(SlamError) as raised:
        LocalAWS(port=local_aws.port).start()
    assert raised.value.message == f"port {local_aws.port} on 127.0.0.1 is already in use"
    assert raised.value.hint == "stop what uses it, or choose another port with --port"


def test_an_address_that_cannot_be_used_is_a_slam_error():
    with pytest.raises(SlamError) as raised:
        LocalAWS(host="192.0.2.1", port=0).start()  # a documentation address, not this machine's
    assert raised.value.message.startswith("cannot listen on 192.0.2.1:0: ")


def test_a_wildcard_address_is_reached_on_loopback():
    assert LocalAWS(host="0.0.0.0", port=4566).url == "http://127.0.0.1:4566"
    assert LocalAWS(host="::", port=4566).url == "http://[::1]:4566"
    assert LocalAWS(host="::1", port=80).environment["AWS_ENDPOINT_URL"] == "http://[::1]:80"


def test_stopping_a_server_stops_every_worker_and_the_other_server_carries_on(
    local_aws: LocalAWS, client: Clients, deploy: Deploy
):
    name = deploy(zip_of({"app.py": PROBE}))
    with LocalAWS() as second:
        assert second.url != local_aws.url
        lam = second.client("lambda")
        # moto's state is the process's: the second server holds the same functions
        answer = json.loads(lam.invoke(FunctionName=name)["Payload"].read())
        assert answer["environment"]["AWS_ENDPOINT_URL"] == second.url
        assert process_running(answer["pid"])
    assert not process_running(answer["pid"])
    second.stop()  # stopping twice does nothing
    after = payload_of(client("lambda").invoke(FunctionName=name))
    assert after["environment"]["AWS_ENDPOINT_URL"] == local_aws.url


def test_every_request_is_logged_with_its_service_and_user_agent(local_aws: LocalAWS):
    sts = local_aws.client("sts")
    local_aws.requests.clear()
    sts.get_caller_identity()
    (logged,) = local_aws.requests
    assert (logged.method, logged.path, logged.service) == ("POST", "/", "sts")
    assert logged.user_agent.startswith("Boto3/")
    assert logged.operation == "GetCallerIdentity"  # from the form, which moto still reads


def test_a_request_logs_the_operation_it_names_and_its_query(local_aws: LocalAWS, client: Clients):
    local_aws.requests.clear()
    client("dynamodb").list_tables(Limit=3)  # JSON protocol: X-Amz-Target
    client("lambda").list_functions(MaxItems=2)  # REST: the path tells the operation
    dynamodb, awslambda = local_aws.requests
    assert (dynamodb.service, dynamodb.operation) == ("dynamodb", "ListTables")
    assert (awslambda.path, awslambda.query, awslambda.operation) == (
        "/2015-03-31/functions",
        "MaxItems=2",
        "",
    )
