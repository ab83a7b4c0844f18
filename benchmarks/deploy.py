"""What a deploy costs when there is nothing (or one line) to deploy, against the local AWS.

Runs ``slam deploy`` as a user does, in a scratch copy of the Basic Tutorial's project,
and prints for each case the AWS calls slam made (counted by the local AWS, which
serves from this process), the median wall time, and its ratio to the floor measured in
the same run: a Python process that imports boto3 and makes one DescribeStacks call.

Goals: a no-op deploy makes at most 3 calls in under 1.0 s; a one-line code change is
one upload and one stack update.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from slam.local.server import LocalAWS

RUNS = 7
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "fizzbuzz"
SLAM = [sys.executable, "-m", "slam"]
FLOOR = "import boto3\nboto3.client('cloudformation').describe_stacks(StackName='fizzbuzz')\n"


@dataclass(frozen=True)
class Case:
    name: str
    calls: float  # per run, from slam (or the floor's) user agent
    seconds: float
    note: str = ""


class Bench:
    def __init__(self, aws: LocalAWS, project: Path) -> None:
        self.aws = aws
        self.project = project
        self.environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.environment.update(aws.environment, AWS_EC2_METADATA_DISABLED="true")
        self.environment["AWS_CONFIG_FILE"] = str(project.parent / "aws-config")
        self.environment["AWS_SHARED_CREDENTIALS_FILE"] = str(project.parent / "aws-credentials")

    def run(self, argv: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(
            argv, cwd=self.project, env=self.environment, check=True, capture_output=True
        )
        return time.perf_counter() - start

    def calls(self, agent: str) -> int:
        return sum(agent in request.user_agent for request in self.aws.requests)

    def measure(self, name: str, argv: list[str], agent: str, before: object = None) -> Case:
        times, calls = [], []
        for _ in range(RUNS):
            if callable(before):
                before()
            self.aws.requests.clear()
            times.append(self.run(argv))
            calls.append(self.calls(agent))
        return Case(name, statistics.mean(calls), statistics.median(times))

    def stack_updates(self) -> int:
        cfn = self.aws.client("cloudformation")
        pages = cfn.get_paginator("describe_stack_events").paginate(StackName="fizzbuzz")
        return sum(
            e["ResourceStatus"] == "UPDATE_IN_PROGRESS" and e["LogicalResourceId"] == "fizzbuzz"
            for page in pages
            for e in page["StackEvents"]
        )

    def code_change(self) -> Case:
        """One run: a comment appended to fizzbuzz.py, then a deploy."""
        source = self.project / "fizzbuzz.py"
        updates = self.stack_updates()
        source.write_text(source.read_text() + f"# change {time.time_ns()}\n")
        self.aws.requests.clear()
        seconds = self.run([*SLAM, "deploy"])
        uploads = sum(
            r.method == "PUT" and r.path.endswith(".zip") and "slam/" in r.user_agent
            for r in self.aws.requests
        )
        note = f"{uploads} upload, {self.stack_updates() - updates} stack update"
        return Case("one-line code change (1 run)", self.calls("slam/"), seconds, note)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, LocalAWS() as aws:
        reset = urllib.request.Request(f"{aws.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset).close()
        project = Path(folder) / "fizzbuzz"
        project.mkdir()
        for name in ("fizzbuzz.py", "requirements.txt"):
            shutil.copy(EXAMPLE / name, project)
        bench = Bench(aws, project)
        bench.run([*SLAM, "init", "fizzbuzz:fizzbuzz"])
        bench.run([*SLAM, "deploy"])  # the first deploy: not measured

        floor = bench.measure(
            "floor: boto3 + DescribeStacks", [sys.executable, "-c", FLOOR], "Boto3/"
        )
        noop = bench.measure("no-op slam deploy", [*SLAM, "deploy"], "slam/")
        change = bench.code_change()

    print(
        f"slam deploy against the local AWS, median of {RUNS} runs, Python {sys.version.split()[0]}"
    )
    print(f"{'case':<32}{'API calls':>10}{'seconds':>10}{'x floor':>9}  note")
    for case in (floor, noop, change):
        ratio = case.seconds / floor.seconds
        print(f"{case.name:<32}{case.calls:>10.0f}{case.seconds:>10.3f}{ratio:>9.1f}  {case.note}")
    verdict = "met" if noop.calls <= 3 and noop.seconds < 1.0 else "MISSED"
    print(f"goal for a no-op deploy (at most 3 calls, under 1.0 s): {verdict}")


if __name__ == "__main__":
    main()
