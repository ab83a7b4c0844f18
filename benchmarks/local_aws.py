"""How fast the local AWS starts, invokes and serves, against baselines of the same run.

- start: from launching ``python -m slam.local.aws`` to its first answer (an STS call),
  next to a bare ``python -c pass`` (goal: first answer within 3 s);
- first stack: creating examples/tasks_api's stack (its ``slam template``) on a local AWS
  just started, until ``CREATE_COMPLETE``, next to creating it again once deleted: moto
  loads what the resources need on first use;
- warm invoke: ``Invoke`` of a function whose worker is running, minus the handler's own
  time (the handler called in this process), next to a ``GetFunction`` round trip that
  runs no code (goal: under 20 ms over the handler);
- cold invoke: ``Invoke`` just after a configuration update (a new worker), minus the
  handler and the app's import time, measured by importing it alone in the same kind
  of Python process (goal: under 300 ms plus the import);
- API Gateway: a warm HTTP request to a stage, next to the warm ``Invoke`` it makes.

Prints tables; the numbers depend on the machine, so nothing here passes or fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from slam.cli import main as slam_main
from slam.local.runtimes import runtime_libraries
from slam.local.server import LocalAWS
from slam.local.worker import PYTHON_OPTIONS

START_RUNS = 5
STACK_RUNS = 3
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WARM_RUNS = 50
COLD_RUNS = 10
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"
APPS = {
    "trivial": "def handler(event, context):\n    return 1\n",
    "stdlib imports": textwrap.dedent(
        """
        import asyncio, decimal, email.mime.multipart, http.server, logging.handlers
        import urllib.request, xml.dom.minidom

        def handler(event, context):
            return 1
        """
    ),
    "boto3 client": textwrap.dedent(
        """
        import boto3

        s3 = boto3.client("s3")

        def handler(event, context):
            return 1
        """
    ),
}


def median_ms(
    action: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


@contextlib.contextmanager
def launched() -> Iterator[str]:
    """``python -m slam.local.aws`` on a free port, from its launch: its URL once printed."""
    server = subprocess.Popen(
        [sys.executable, "-m", "slam.local.aws", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().split(" at ")[1].split(". ")[0]
    finally:
        server.terminate()
        server.wait()


def start_seconds() -> tuple[float, float]:
    """Launch to first answer of the local AWS, and of a bare Python, medians in seconds."""
    identity = b"Action=GetCallerIdentity&Version=2011-06-15"
    signed = "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/sts/aws4_request, Signature=x"

    def first_answer() -> None:
        with launched() as url:
            request = urllib.request.Request(
                url + "/", data=identity, headers={"Authorization": signed}
            )
            with urllib.request.urlopen(request) as answer:
                answer.read()

    bare = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), START_RUNS)
    return median_ms(first_answer, START_RUNS) / 1000, bare / 1000


def tasks_api_template(folder: Path) -> str:
    """``slam template`` of examples/tasks_api."""
    (folder / "slam.yaml").write_text((EXAMPLES / "tasks_api" / "slam.yaml").read_text())
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert slam_main(["-c", str(folder / "slam.yaml"), "template"]) == 0
    return output.getvalue()


def stack_seconds(template: str) -> tuple[float, float]:
    """The tasks_api stack created on a local AWS just started, and created again once
    deleted: medians in seconds, each to CREATE_COMPLETE."""
    firsts, agains = [], []
    for _ in range(STACK_RUNS):
        with launched() as url:
            s3 = boto3.client("s3", **options(url))
            s3.create_bucket(Bucket="packages")
            s3.put_object(Bucket="packages", Key="package.zip", Body=package(APPS["trivial"]))
            cfn = boto3.client("cloudformation", **options(url))
            seconds, stack_id = created(cfn, template)
            firsts.append(seconds)
            cfn.delete_stack(StackName=stack_id)
            settled(cfn, stack_id)
            agains.append(created(cfn, template)[0])
    return statistics.median(firsts), statistics.median(agains)


def created(cfn: Any, template: str) -> tuple[float, str]:
    """Seconds from CreateStack to CREATE_COMPLETE, and the stack's ID."""
    start = time.perf_counter()
    stack_id = cfn.create_stack(
        StackName="tasks-api",
        TemplateBody=template,
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[
            {"ParameterKey": "LambdaS3Bucket", "ParameterValue": "packages"},
            {"ParameterKey": "LambdaS3Key", "ParameterValue": "package.zip"},
        ],
    )["StackId"]
    status = settled(cfn, stack_id)
    assert status == "CREATE_COMPLETE", status
    return time.perf_counter() - start, str(stack_id)


def settled(cfn: Any, stack_id: str) -> str:
    """The stack's status once its operation is over."""
    while True:
        (stack,) = cfn.describe_stacks(StackName=stack_id)["Stacks"]
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            return str(stack["StackStatus"])
        time.sleep(0.02)


def options(url: str) -> dict[str, Any]:
    return {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


def import_ms(source: str, runtime_dir: Path) -> float:
    """The app's import time, in a Python started as a worker is, median of COLD_RUNS."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "app.py").write_text(source)
        code = (
            f"import sys, time; sys.path[:0] = [{folder!r}, {str(runtime_dir)!r}]; "
            "start = time.perf_counter(); import app; print(time.perf_counter() - start)"
        )
        runs = [
            subprocess.run(
                [sys.executable, *PYTHON_OPTIONS, "-c", code],
                capture_output=True,
                text=True,
                check=True,
            )
            for _ in range(COLD_RUNS)
        ]
        return statistics.median(float(run.stdout) for run in runs) * 1000


def handler_ms(source: str) -> float:
    """The handler's own time, called in this process."""
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # the benchmark's own app source
    handler = namespace["handler"]
    return median_ms(lambda: handler({}, None), WARM_RUNS)


def package(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def invoke_rows(aws: LocalAWS, clients: dict[str, Any], runtime_dir: Path) -> list[tuple[Any, ...]]:
    lam = clients["lambda"]
    rows = []
    for name, source in APPS.items():
        function = name.replace(" ", "-")
        lam.create_function(
            FunctionName=function,
            Runtime=RUNTIME,
            Role=clients["role"],
            Handler="app.handler",
            Code={"ZipFile": package(source)},
        )
        lam.invoke(FunctionName=function)  # starts the worker
        warm = median_ms(lambda f=function: lam.invoke(FunctionName=f)["Payload"].read(), WARM_RUNS)
        get_function = median_ms(lambda f=function: lam.get_function(FunctionName=f), WARM_RUNS)
        counter = iter(range(10**6))

        def retire(f: str = function, counter: Any = counter) -> None:  # the next invoke is cold
            lam.update_function_configuration(
                FunctionName=f, Environment={"Variables": {"RUN": str(next(counter))}}
            )

        cold = median_ms(
            lambda f=function: lam.invoke(FunctionName=f)["Payload"].read(), COLD_RUNS, retire
        )
        rows.append(
            (name, handler_ms(source), warm, get_function, cold, import_ms(source, runtime_dir))
        )
    return rows


def gateway_row(aws: LocalAWS, clients: dict[str, Any]) -> tuple[float, float]:
    """A warm request to a stage, and a warm Invoke of the function behind it."""
    lam, apigateway = clients["lambda"], clients["apigateway"]
    source = 'def handler(event, context):\n    return {"statusCode": 200, "body": "hi"}\n'
    lam.create_function(
        FunctionName="web",
        Runtime=RUNTIME,
        Role=clients["role"],
        Handler="app.handler",
        Code={"ZipFile": package(source)},
    )
    arn = lam.get_function(FunctionName="web")["Configuration"]["FunctionArn"]
    api = apigateway.create_rest_api(name="web")["id"]
    (root,) = apigateway.get_resources(restApiId=api)["items"]
    apigateway.put_method(
        restApiId=api, resourceId=root["id"], httpMethod="ANY", authorizationType="NONE"
    )
    apigateway.put_integration(
        restApiId=api,
        resourceId=root["id"],
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations",
    )
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    apigateway.create_stage(restApiId=api, stageName="dev", deploymentId=deployment)
    lam.add_permission(
        FunctionName="web",
        StatementId="api",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    url = f"{aws.url}/_aws/execute-api/{api}/dev/"

    def get() -> None:
        with urllib.request.urlopen(url) as answer:
            answer.read()

    get()
    return median_ms(get, WARM_RUNS), median_ms(
        lambda: lam.invoke(FunctionName="web")["Payload"].read(), WARM_RUNS
    )


def main() -> None:
    started, bare = start_seconds()
    with tempfile.TemporaryDirectory() as folder:
        template = tasks_api_template(Path(folder))
    first_stack, again = stack_seconds(template)
    resources = len(json.loads(template)["Resources"])
    with LocalAWS() as aws, tempfile.TemporaryDirectory() as folder:
        clients: dict[str, Any] = {
            name: boto3.client(name, **options(aws.url)) for name in ("lambda", "apigateway", "iam")
        }
        clients["role"] = clients["iam"].create_role(
            RoleName="bench", AssumeRolePolicyDocument="{}"
        )["Role"]["Arn"]
        rows = invoke_rows(aws, clients, runtime_libraries(Path(folder, "runtime")))
        request, invoke = gateway_row(aws, clients)
    print_tables(Figures(started, bare, first_stack, again, resources), rows, request, invoke)


@dataclass(frozen=True)
class Figures:
    """The start's figures, in seconds: first answer, bare Python, first and later stack
    (of so many resources)."""

    started: float
    bare: float
    first_stack: float
    again: float
    resources: int


def print_tables(
    figures: Figures, rows: list[tuple[Any, ...]], request: float, invoke: float
) -> None:
    print(f"local AWS, Python {RUNTIME[6:]}; medians; baselines measured in the same run")
    print(
        f"start to first answer: {figures.started:.2f} s (goal: under 3 s);"
        f" python -c pass: {figures.bare:.2f} s"
    )
    print(
        f"first stack (tasks_api, {figures.resources} resources) on a server just started:"
        f" {figures.first_stack:.2f} s; the same stack once more: {figures.again:.2f} s"
        f" ({figures.first_stack / figures.again:.1f}x)"
    )
    print()
    print(f"{'app':<16}{'handler ms':>11}{'warm ms':>9}{'- handler':>11}{'GetFunction':>13}"
          f"{'cold ms':>9}{'import ms':>11}{'- both':>8}")  # fmt: skip
    for name, handler, warm, get_function, cold, imported in rows:
        print(f"{name:<16}{handler:>11.3f}{warm:>9.1f}{warm - handler:>11.1f}{get_function:>13.1f}"
              f"{cold:>9.1f}{imported:>11.1f}{cold - handler - imported:>8.1f}")  # fmt: skip
    print("goals: warm - handler under 20 ms; cold - handler - import under 300 ms")
    print()
    print(f"API Gateway: a warm request to a stage {request:.1f} ms; the Invoke behind it "
          f"{invoke:.1f} ms; difference {request - invoke:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    os.environ.pop("AWS_ENDPOINT_URL", None)
    main()
