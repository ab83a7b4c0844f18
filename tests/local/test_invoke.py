"""Lambda's Invoke on the local AWS: the uploaded code runs, answers and logs as on Lambda."""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from slam.local.server import LocalAWS

from .conftest import (
    ACCOUNT,
    BUCKET,
    REGION,
    Clients,
    Deploy,
    log_messages,
    payload_of,
    process_running,
    zip_of,
)
from .probe import PROBE

ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"
STREAM = re.compile(r"\d{4}/\d{2}/\d{2}/\[(\$LATEST|\d+)\][0-9a-f]{32}")


@pytest.fixture(scope="module")
def probe(deploy: Deploy, client: Clients) -> str:
    """A function running the probe: version 1 and alias prod on it, alias dev on $LATEST."""
    name = deploy(
        zip_of({"app.py": PROBE}),
        Environment={"Variables": {"GREETING": "hello"}},
        MemorySize=256,
    )
    lam = client("lambda")
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
    lam.create_alias(FunctionName=name, Name="dev", FunctionVersion="$LATEST")
    return name


def invoke(client: Clients, name: str, event: dict[str, Any] | None = None, **options: Any) -> Any:
    payload = json.dumps(event or {}).encode()
    return client("lambda").invoke(FunctionName=name, Payload=payload, **options)


def test_fizzbuzz_dev_alias_answers_fizz_buzz(
    deploy: Deploy, client: Clients, fizzbuzz_package: bytes
):
    name = deploy(fizzbuzz_package, handler="slam_runtime.handler.handler")
    client("lambda").create_alias(FunctionName=name, Name="dev", FunctionVersion="$LATEST")
    # what `slam invoke number=15` sends
    response = invoke(client, f"{name}:dev", {"kwargs": {"number": 15}})
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert payload_of(response) == "fizz buzz"


def test_the_worker_has_lambdas_environment_and_context(
    probe: str, client: Clients, local_aws: LocalAWS
):
    answer = payload_of(invoke(client, f"{probe}:prod"))
    environment, context = answer["environment"], answer["context"]
    stream = environment["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert STREAM.fullmatch(stream) and "[1]" in stream
    assert {
        name: environment[name]
        for name in (
            "GREETING",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_EXECUTION_ENV",
            "_HANDLER",
            "TZ",
            "AWS_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
        )
    } == {
        "GREETING": "hello",
        "AWS_LAMBDA_FUNCTION_NAME": probe,
        "AWS_LAMBDA_FUNCTION_VERSION": "1",  # the version the alias points at
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{probe}",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{answer['python']}",
        "_HANDLER": "app.handler",
        "TZ": ":UTC",
        "AWS_ENDPOINT_URL": local_aws.url,
        "AWS_ACCESS_KEY_ID": "testing",
    }
    assert environment["LAMBDA_TASK_ROOT"] == answer["cwd"]
    assert "VIRTUAL_ENV" not in environment and "PYTHONPATH" not in environment
    assert context == {
        "aws_request_id": context["aws_request_id"],
        "invoked_function_arn": f"{ARN}:{probe}:prod",
        "function_name": probe,
        "function_version": "1",
        "memory_limit_in_mb": "256",
        "log_group_name": f"/aws/lambda/{probe}",
        "log_stream_name": stream,
        "remaining": context["remaining"],
    }
    assert 0 < context["remaining"] <= 10_000


def test_the_worker_sees_the_package_and_boto3_not_slams_environment(probe: str, client: Clients):
    # flask and slam are installed where slam runs, but not in this package
    assert payload_of(invoke(client, probe, {"action": "import", "module": "flask"})) is False
    assert payload_of(invoke(client, probe, {"action": "import", "module": "slam"})) is False
    assert payload_of(invoke(client, probe, {"action": "import", "module": "boto3"})) is True


@pytest.mark.parametrize(
    ("reference", "options", "arn_suffix", "version"),
    [
        ("{name}", {}, "", "$LATEST"),
        ("{name}:dev", {}, ":dev", "$LATEST"),
        ("{name}", {"Qualifier": "prod"}, ":prod", "1"),
        ("{name}", {"Qualifier": "1"}, ":1", "1"),
        ("{arn}:prod", {}, ":prod", "1"),
        ("{arn}", {"Qualifier": "$LATEST"}, ":$LATEST", "$LATEST"),
        (f"{ACCOUNT}:function:{{name}}:prod", {}, ":prod", "1"),
    ],
)
def test_a_qualifier_selects_the_version(
    probe: str, client: Clients, reference: str, options: Any, arn_suffix: str, version: str
):
    name = reference.format(name=probe, arn=f"{ARN}:{probe}")
    response = invoke(client, name, **options)
    assert response["ExecutedVersion"] == version
    answer = payload_of(response)
    assert answer["context"]["invoked_function_arn"] == f"{ARN}:{probe}{arn_suffix}"
    assert answer["environment"]["AWS_LAMBDA_FUNCTION_VERSION"] == version


def test_an_unknown_qualifier_or_function_is_not_found(probe: str, client: Clients):
    with pytest.raises(ClientError) as unknown_alias:
        invoke(client, f"{probe}:staging")
    with pytest.raises(ClientError) as unknown_version:
        invoke(client, probe, Qualifier="7")
    with pytest.raises(ClientError) as unknown_function:
        invoke(client, "no-such-function")
    for raised, arn in (
        (unknown_alias, f"{ARN}:{probe}:staging"),
        (unknown_version, f"{ARN}:{probe}:7"),
        (unknown_function, f"{ARN}:no-such-function"),
    ):
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert raised.value.response["Error"]["Message"] == f"Function not found: {arn}"


def test_two_qualifiers_must_agree(probe: str, client: Clients):
    with pytest.raises(ClientError) as raised:
        invoke(client, f"{probe}:dev", Qualifier="prod")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_a_warm_worker_serves_the_next_invocation(probe: str, client: Clients):
    first = payload_of(invoke(client, f"{probe}:prod"))
    second = payload_of(invoke(client, f"{probe}:prod"))
    assert second["pid"] == first["pid"]
    assert second["calls"] == first["calls"] + 1  # init ran once


def test_a_configuration_or_code_update_retires_the_workers(deploy: Deploy, client: Clients):
    name = deploy(zip_of({"app.py": PROBE}))
    lam = client("lambda")
    before = payload_of(invoke(client, name))
    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"GREETING": "bonjour"}}
    )
    after_configuration = payload_of(invoke(client, name))
    assert after_configuration["environment"]["GREETING"] == "bonjour"
    assert after_configuration["pid"] != before["pid"]
    assert not process_running(before["pid"])
    new_code = PROBE.replace("CALLS = 0", "CALLS = 100")
    lam.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": new_code}))
    after_code = payload_of(invoke(client, name))
    assert after_code["calls"] == 101
    assert not process_running(after_configuration["pid"])


def test_deleting_a_version_or_the_function_stops_its_workers(deploy: Deploy, client: Clients):
    name = deploy(zip_of({"app.py": PROBE}))
    lam = client("lambda")
    lam.publish_version(FunctionName=name)
    version_pid = payload_of(invoke(client, f"{name}:1"))["pid"]
    latest_pid = payload_of(invoke(client, name))["pid"]
    lam.delete_function(FunctionName=name, Qualifier="1")
    assert not process_running(version_pid)
    assert process_running(latest_pid)
    lam.delete_function(FunctionName=name)
    assert not process_running(latest_pid)


def report_of(messages: list[str], request_id: str) -> str:
    (report,) = [m for m in messages if m.startswith(f"REPORT RequestId: {request_id}\t")]
    return report


def test_a_handler_error_is_unhandled_with_lambdas_error_document(probe: str, client: Clients):
    response = invoke(client, probe, {"action": "raise", "message": "no such task"})
    assert response["FunctionError"] == "Unhandled"
    error = payload_of(response)
    assert error == {
        "errorMessage": "no such task",
        "errorType": "ValueError",
        "requestId": error["requestId"],
        "stackTrace": error["stackTrace"],
    }
    (frame,) = error["stackTrace"]  # the handler's frame, none of the runtime's
    assert frame.startswith('  File "') and frame.endswith(
        ', in handler\n    raise ValueError(event.get("message", "boom"))\n'
    )
    messages = log_messages(client, f"/aws/lambda/{probe}")
    request_id = error["requestId"]
    assert f"START RequestId: {request_id} Version: $LATEST\n" in messages
    start = messages.index(f"START RequestId: {request_id} Version: $LATEST\n")
    assert messages[start + 1] == (
        "[ERROR] ValueError: no such task\nTraceback (most recent call last):\n"
        + "\u00a0\u00a0"
        + frame.strip(" \n").replace("\n    ", "\n\u00a0\u00a0\u00a0\u00a0")
    )
    assert messages[start + 2] == f"END RequestId: {request_id}\n"
    assert re.fullmatch(
        rf"REPORT RequestId: {request_id}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms"
        r"\tMemory Size: 256 MB\tMax Memory Used: \d+ MB(\tInit Duration: \d+\.\d\d ms)?\n",
        report_of(messages, request_id),
    )


@pytest.mark.parametrize(
    ("source", "error_type", "message"),
    [
        (
            "import no_such_dependency\n",
            "Runtime.ImportModuleError",
            "Unable to import module 'app': No module named 'no_such_dependency'",
        ),
        (
            "def other(event, context): pass\n",
            "Runtime.HandlerNotFound",
            "Handler 'handler' missing on module 'app'",
        ),
    ],
)
def test_an_init_error_is_reported_as_lambdas_runtime_reports_it(
    deploy: Deploy, client: Clients, source: str, error_type: str, message: str
):
    name = deploy(zip_of({"app.py": source}))
    response = invoke(client, name)
    assert response["FunctionError"] == "Unhandled"
    assert payload_of(response) == {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": "",
        "stackTrace": [],
    }
    messages = log_messages(client, f"/aws/lambda/{name}")
    assert messages[0] == f"[ERROR] {error_type}: {message}\nTraceback (most recent call last):"
    assert re.fullmatch(
        r"INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error"
        rf"\tError Type: {error_type}\n",
        messages[1],
    )
    assert messages[2].startswith("START RequestId: ")
    assert messages[4].startswith("REPORT RequestId: ")
    assert messages[4].endswith(f"\tStatus: error\tError Type: {error_type}\n")


def test_a_run_past_the_timeout_is_killed(deploy: Deploy, client: Clients):
    name = deploy(zip_of({"app.py": PROBE}), Timeout=1)
    pid = payload_of(invoke(client, name))["pid"]
    response = invoke(client, name, {"action": "sleep", "seconds": 30})
    assert response["FunctionError"] == "Unhandled"
    error = payload_of(response)
    request_id = error["errorMessage"].split()[1]
    assert error == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 seconds",
    }
    assert not process_running(pid)
    messages = log_messages(client, f"/aws/lambda/{name}")
    assert report_of(messages, request_id).endswith("\tStatus: timeout\n")
    assert any(m.endswith(f" {request_id} Task timed out after 1.00 seconds\n") for m in messages)
    # the next invocation starts a new worker
    assert payload_of(invoke(client, name))["pid"] != pid


def test_a_worker_that_exits_is_a_runtime_exit_error(probe: str, client: Clients):
    response = invoke(client, probe, {"action": "exit", "status": 3})
    error = payload_of(response)
    request_id = error["errorMessage"].split()[1]
    assert error == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: exit status 3",
    }
    messages = log_messages(client, f"/aws/lambda/{probe}")
    assert report_of(messages, request_id).endswith(
        "\tStatus: error\tError Type: Runtime.ExitError\n"
    )


def test_an_event_invocation_answers_at_once_and_runs(probe: str, client: Clients):
    event = {"action": "put", "bucket": BUCKET, "key": "event-invocation"}
    response = invoke(client, probe, event, InvocationType="Event")
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    # the function reached S3 through the local AWS, after the answer
    s3 = client("s3")
    deadline = time.monotonic() + 30  # a bound for a loaded machine, not a timing check
    while not s3.list_objects_v2(Bucket=BUCKET, Prefix="event-invocation").get("Contents"):
        assert time.monotonic() < deadline, "the event invocation did not run"
        time.sleep(0.05)
    assert s3.get_object(Bucket=BUCKET, Key="event-invocation")["Body"].read() == b"done"
    # the answer's request ID is the invocation's, as its log shows it
    request_id = response["ResponseMetadata"]["RequestId"]
    while not any(request_id in line for line in log_messages(client, f"/aws/lambda/{probe}")):
        assert time.monotonic() < deadline, "the event invocation logged nothing"
        time.sleep(0.05)


def test_invoke_async_is_an_event_invocation(probe: str, client: Clients):
    event = {"action": "put", "bucket": BUCKET, "key": "invoke-async"}
    response = client("lambda").invoke_async(FunctionName=probe, InvokeArgs=json.dumps(event))
    assert response["Status"] == 202
    s3 = client("s3")
    deadline = time.monotonic() + 30  # a bound for a loaded machine, not a timing check
    while not s3.list_objects_v2(Bucket=BUCKET, Prefix="invoke-async").get("Contents"):
        assert time.monotonic() < deadline, "the invocation did not run"
        time.sleep(0.05)


def test_a_dry_run_runs_nothing(deploy: Deploy, client: Clients):
    name = deploy(zip_of({"app.py": PROBE}))
    response = invoke(client, name, InvocationType="DryRun")
    assert response["StatusCode"] == 204
    assert response["Payload"].read() == b""
    assert log_messages(client, f"/aws/lambda/{name}") == []


def test_tail_is_the_last_4_kb_of_the_invocations_log(probe: str, client: Clients):
    short = invoke(client, probe, {"action": "print", "text": "a line"}, LogType="Tail")
    text = base64.b64decode(short["LogResult"]).decode()
    lines = text.splitlines()
    assert lines[0].startswith("START RequestId: ") and "a line" in lines
    assert lines[-2].startswith("END RequestId: ") and lines[-1].startswith("REPORT RequestId: ")
    long = invoke(client, probe, {"action": "print", "text": "x" * 10_000}, LogType="Tail")
    tail = base64.b64decode(long["LogResult"])
    assert len(tail) == 4096
    assert tail.decode().splitlines()[-1].startswith("REPORT RequestId: ")
    assert "LogResult" not in invoke(client, probe)


def test_the_log_has_one_stream_per_worker_and_lambdas_lines(deploy: Deploy, client: Clients):
    name = deploy(zip_of({"app.py": PROBE}))
    answer = invoke(client, name, {"action": "log"})
    first = payload_of(answer)
    invoke(client, name, {"action": "print", "text": "second"})
    logs = client("logs")
    (stream,) = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert stream["logStreamName"] == first["context"]["log_stream_name"]
    messages = [
        event["message"]
        for event in logs.get_log_events(
            logGroupName=f"/aws/lambda/{name}", logStreamName=stream["logStreamName"]
        )["events"]
    ]
    request_id = first["context"]["aws_request_id"]
    assert answer["ResponseMetadata"]["RequestId"] == request_id  # one ID, as on Lambda
    assert messages[0] == f"init in {first['pid']}\n"
    assert messages[1] == f"START RequestId: {request_id} Version: $LATEST\n"
    assert re.fullmatch(
        r"\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
        rf"\t{request_id}\tfirst line\nsecond line\n",
        messages[2],
    )
    assert messages[3] == f"END RequestId: {request_id}\n"
    assert "\tInit Duration: " in messages[4]
    assert messages[5].startswith("START RequestId: ") and messages[6] == "second\n"
    assert "Init Duration" not in messages[8]


def test_payload_limits_and_shapes(probe: str, client: Clients):
    lam = client("lambda")
    with pytest.raises(ClientError) as too_large:
        lam.invoke(FunctionName=probe, Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    assert too_large.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    with pytest.raises(ClientError) as not_json:
        lam.invoke(FunctionName=probe, Payload=b"{not json")
    assert not_json.value.response["Error"]["Code"] == "InvalidRequestContentException"
    big = invoke(client, probe, {"action": "big", "size": 7 * 1024 * 1024})
    assert big["FunctionError"] == "Unhandled"
    assert payload_of(big)["errorType"] == "Function.ResponseSizeTooLarge"
    assert invoke(client, probe, {"action": "bytes"})["Payload"].read() == b"\x00\xff"
    unserialisable = payload_of(invoke(client, probe, {"action": "set"}))
    assert unserialisable["errorType"] == "Runtime.MarshalError"
    assert unserialisable["errorMessage"].startswith("Unable to marshal response: ")
    # no payload at all: the handler gets {}
    assert "pid" in json.loads(lam.invoke(FunctionName=probe)["Payload"].read())


def test_only_python_runtimes_run(deploy: Deploy, client: Clients):
    name = deploy(zip_of({"index.js": "exports.handler = async () => 1;"}), Runtime="nodejs20.x")
    with pytest.raises(ClientError) as raised:
        invoke(client, name)
    assert raised.value.response["Error"]["Code"] == "InvalidRuntimeException"
    assert "Python functions only" in raised.value.response["Error"]["Message"]
