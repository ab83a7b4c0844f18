"""The AWS managed-policy table slam ships, and what it resolves names to."""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from slam.managed_policies import policy_arn, policy_paths, unknown_policy

ROOT = Path(__file__).resolve().parents[2]


def update_script() -> ModuleType:
    path = ROOT / "scripts" / "update_managed_policies.py"
    spec = importlib.util.spec_from_file_location("update_managed_policies", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_what_the_script_distils_from_moto():
    script = update_script()
    shipped = (ROOT / "slam" / "data" / "aws_managed_policies.json").read_text()
    assert shipped == script.table_text(script.policy_paths()), (
        "run scripts/update_managed_policies.py"
    )
    assert script.main(["--check"]) == 0


def test_the_table_is_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text()
    match = re.search(r"^\[tool\.setuptools\.package-data\]\nslam = (\[.*\])$", pyproject, re.M)
    assert match
    patterns = ast.literal_eval(match[1])
    assert any(fnmatch.fnmatch("data/aws_managed_policies.json", p) for p in patterns)


def test_the_table_holds_names_and_paths_only():
    paths = policy_paths()
    assert len(paths) > 1500
    assert set(paths.values()) <= {
        "/",
        "/service-role/",
        "/aws-service-role/",
        "/job-function/",
        "/root-task/",
    }


@pytest.mark.parametrize(
    ("name", "arn"),
    [
        ("AmazonS3ReadOnlyAccess", "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"),
        (
            "AWSXRayDaemonWriteAccess",
            "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess",
        ),
        (
            "AWSLambdaBasicExecutionRole",
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ),
        (
            "AWSLambdaDynamoDBExecutionRole",
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        ),
        ("ViewOnlyAccess", "arn:${AWS::Partition}:iam::aws:policy/job-function/ViewOnlyAccess"),
    ],
)
def test_a_name_resolves_to_the_arn_at_its_path(name: str, arn: str):
    assert unknown_policy(name) is None
    assert policy_arn(name) == {"Fn::Sub": arn}


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (
            "AmazonS3ReadOnlyAcess",
            (
                "'AmazonS3ReadOnlyAcess' is not an AWS managed policy",
                "did you mean 'AmazonS3ReadOnlyAccess'? Or give a policy of your own by its "
                "full ARN: arn:aws:iam::<account>:policy/<name>",
            ),
        ),
        (
            "awsxraydaemonwriteaccess",
            (
                "'awsxraydaemonwriteaccess' is not an AWS managed policy",
                "did you mean 'AWSXRayDaemonWriteAccess'? Or give a policy of your own by its "
                "full ARN: arn:aws:iam::<account>:policy/<name>",
            ),
        ),
        (
            "MyTeamPolicy",
            (
                "'MyTeamPolicy' is not an AWS managed policy",
                "give an AWS managed policy's exact name, or a policy of your own by its full "
                "ARN: arn:aws:iam::<account>:policy/<name>",
            ),
        ),
        (
            "AWSLambdaReplicator",
            (
                "'AWSLambdaReplicator' is the policy of an AWS service-linked role, which IAM "
                "attaches to no other role",
                "choose a policy meant for functions, or write an inline policy",
            ),
        ),
    ],
)
def test_names_that_cannot_be_attached_say_why(name: str, problem: tuple[str, str]):
    assert unknown_policy(name) == problem
