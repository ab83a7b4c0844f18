"""A slam function deployed through CloudFormation on the local AWS, as a user deploys it.

Templates are rendered by ``slam template`` and packages built by ``slam build`` (once
per session), in copies of examples/fizzbuzz; one local AWS serves this module. The
functions then answer, fail and log through Lambda's ``Invoke``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from slam.local.server import LocalAWS

from .conftest import BuiltProject
from .deployment import Account, Project

pytestmark = pytest.mark.slow  # builds packages and runs functions in worker processes

FAULTS = """\
import os
import time

if os.environ.get("BREAK_INIT") == "yes":
    raise RuntimeError("the configuration breaks the init")


def run(action):
    if action == "sleep":
        time.sleep(5)
    if action == "raise":
        raise ValueError("the handler broke")
    return action
"""
BOOTSTRAP = "slam/local/bootstrap.py"


@pytest.fixture(scope="module")
def aws() -> Iterator[LocalAWS]:
    with LocalAWS() as aws:
        yield aws


@pytest.fixture(scope="module")
def account(aws: LocalAWS) -> Account:
    return Account(aws, "fizzbuzz-deployments")


@pytest.fixture(scope="module")
def fizzbuzz(account: Account, fizzbuzz_project: BuiltProject) -> str:
    """examples/fizzbuzz deployed as the stack fizzbuzz: its function's name."""
    key = account.upload(fizzbuzz_project.package)
    account.create("fizzbuzz", fizzbuzz_project.project.template(), account.parameters(key))
    return account.outputs("fizzbuzz")["FunctionName"]


@pytest.fixture(scope="module")
def faults(
    account: Account, fizzbuzz_project: BuiltProject, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Project, str]:
    """A project like fizzbuzz whose function sleeps or raises on demand, with a 1 s
    timeout, deployed as the stack faults: the project and its function's name."""
    folder = tmp_path_factory.mktemp("faults") / "faults"
    project = Project.copy(fizzbuzz_project.project.folder, folder)
    (folder / "faults.py").write_text(FAULTS)
    project.edit("slam.yaml", "name: fizzbuzz", "name: faults")
    project.edit("slam.yaml", "module: fizzbuzz\n  app: fizzbuzz", "module: faults\n  app: run")
    project.edit("slam.yaml", "lambda_timeout: 10", "lambda_timeout: 1")
    key = account.upload(project.build())
    account.create("faults", project.template(), account.parameters(key))
    return project, account.outputs("faults")["FunctionName"]


def worker_processes(function: str = "") -> set[int]:
    """The worker processes this process started (of one function, if named), as ``ps``
    shows them."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            command = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
            environment = (stat.parent / "environ").read_bytes().split(b"\0")
        except OSError:  # ended meanwhile
            continue
        named = f"AWS_LAMBDA_FUNCTION_NAME={function}".encode() in environment
        ours = fields[0] != "Z" and int(fields[1]) == os.getpid() and BOOTSTRAP in command
        if ours and (named or not function):
            found.add(int(stat.parent.name))
    return found


def request_id(response: dict[str, object]) -> str:
    return str(response["ResponseMetadata"]["RequestId"])  # type: ignore[index]


def test_the_dev_alias_answers_fizz_buzz_for_15(account: Account, fizzbuzz: str):
    # what `slam invoke number:=15` sends to the dev stage
    response, answer = account.invoke(
        fizzbuzz, {"kwargs": {"number": 15}}, Qualifier="dev", LogType="Tail"
    )
    assert answer == "fizz buzz"
    assert (response["StatusCode"], response["ExecutedVersion"]) == (200, "$LATEST")
    assert "FunctionError" not in response
    invocation = request_id(response)
    tail = base64.b64decode(response["LogResult"]).decode()
    assert f"START RequestId: {invocation} Version: $LATEST" in tail
    logged = account.log_messages(f"/aws/lambda/{fizzbuzz}")
    framed = [line for line in logged if invocation in line]
    assert [line.split(" RequestId")[0] for line in framed] == ["START", "END", "REPORT"]
    _, number = account.invoke(f"{fizzbuzz}:dev", {"kwargs": {"number": 7}})
    assert number == "7"


def test_a_handler_error_answers_with_its_type_message_and_stack(
    account: Account, faults: tuple[Project, str]
):
    _, function = faults
    response, answer = account.invoke(function, {"kwargs": {"action": "raise"}}, Qualifier="dev")
    assert response["FunctionError"] == "Unhandled"
    assert (answer["errorType"], answer["errorMessage"]) == ("ValueError", "the handler broke")
    assert answer["requestId"] == request_id(response)
    assert any(
        'faults.py", line 12, in run\n    raise ValueError("the handler broke")\n' in frame
        for frame in answer["stackTrace"]
    )
    logged = account.log_messages(f"/aws/lambda/{function}")
    assert any(line.startswith("[ERROR] ValueError: the handler broke") for line in logged)


def test_a_run_past_the_timeout_is_killed(account: Account, faults: tuple[Project, str]):
    _, function = faults
    response, answer = account.invoke(function, {"kwargs": {"action": "sleep"}}, Qualifier="dev")
    invocation = request_id(response)
    assert response["FunctionError"] == "Unhandled"
    assert answer == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {invocation} Error: Task timed out after 1.00 seconds",
    }
    logged = account.log_messages(f"/aws/lambda/{function}")
    (report,) = [line for line in logged if line.startswith(f"REPORT RequestId: {invocation}")]
    assert report.rstrip().endswith("Status: timeout")


def test_an_init_error_after_a_configuration_update(account: Account, faults: tuple[Project, str]):
    project, function = faults
    _, warm = account.invoke(function, {"kwargs": {"action": "hello"}}, Qualifier="dev")
    assert warm == "hello"
    assert worker_processes(function)
    # a variable that breaks the module's import, deployed by a stack update
    broken = project.template("broken", **{"environment:\n": 'environment:\n  BREAK_INIT: "yes"\n'})
    account.update("faults", TemplateBody=broken, Parameters=_previous(account, "faults"))
    assert worker_processes(function) == set()  # retired by the update, as on Lambda

    response, answer = account.invoke(function, {"kwargs": {"action": "hello"}}, Qualifier="dev")
    assert response["FunctionError"] == "Unhandled"
    assert answer == {
        "errorType": "Runtime.ImportModuleError",
        "errorMessage": "Unable to import module 'slam_runtime.handler': slam: cannot import app "
        "'faults:run': the configuration breaks the init",
        "requestId": "",
        "stackTrace": [],
    }
    logged = account.log_messages(f"/aws/lambda/{function}")
    assert any(
        line.startswith("INIT_REPORT") and "Error Type: Runtime.ImportModuleError" in line
        for line in logged
    )


def test_a_template_with_a_role_needs_capability_iam(
    account: Account, fizzbuzz_project: BuiltProject
):
    template = fizzbuzz_project.project.template()
    with pytest.raises(ClientError) as refused:
        account.cfn.create_stack(
            StackName="no-capabilities",
            TemplateBody=json.dumps(template),
            Parameters=account.parameters("any.zip"),
        )
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InsufficientCapabilitiesException",
        "Requires capabilities : [CAPABILITY_IAM]",
    )
    with pytest.raises(ClientError, match="Stack with id no-capabilities does not exist"):
        account.cfn.describe_stacks(StackName="no-capabilities")


def test_no_worker_is_left_once_the_server_stops(account: Account, fizzbuzz: str):
    with LocalAWS() as second:
        other = Account(second, account.bucket)
        other.invoke(fizzbuzz, {"kwargs": {"number": 5}}, Qualifier="dev")
        # one that may still run when the server stops
        response, _ = other.invoke(fizzbuzz, {"kwargs": {"number": 5}}, InvocationType="Event")
        assert response["StatusCode"] == 202
        assert worker_processes()
    assert worker_processes() == set()


def test_deleting_the_stack_stops_its_workers(account: Account, fizzbuzz: str):
    account.invoke(fizzbuzz, {"kwargs": {"number": 3}}, Qualifier="dev")
    assert worker_processes(fizzbuzz)
    account.cfn.delete_stack(StackName="fizzbuzz")
    account.wait("fizzbuzz", "stack_delete_complete")
    assert worker_processes(fizzbuzz) == set()
    with pytest.raises(account.lam.exceptions.ResourceNotFoundException):
        account.invoke(fizzbuzz, {"kwargs": {"number": 3}}, Qualifier="dev")
    functions = account.lam.list_functions()["Functions"]
    assert fizzbuzz not in [function["FunctionName"] for function in functions]


def _previous(account: Account, stack: str) -> list[dict[str, object]]:
    return [
        {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
        for p in account.stack(stack)["Parameters"]
    ]
