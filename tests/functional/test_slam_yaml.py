"""What slam.yaml's values become, seen from ``slam build`` and ``slam template``."""

from __future__ import annotations

import json

from .conftest import Project

VARIABLES = """\
environment:
  VERSION: 3.10
  ZIP: 012345
  HEX: 0x1F
stage_environments:
  dev: {DEBUG: true, TOKEN: null}
  prod: {DEBUG: no, TOKEN: ~}
"""


def with_sections(project: Project, sections: str) -> None:
    """Replace the project's environment and stage_environments with ``sections``."""
    path = project.root / "slam.yaml"
    lines = [
        line
        for line in path.read_text().splitlines(keepends=True)
        if not line.startswith(("environment:", "stage_environments:"))
    ]
    path.write_text("".join(lines) + sections)


def test_the_package_holds_variables_as_written(project: Project):
    with_sections(project, VARIABLES)
    assert project.build().code == 0
    settings = json.loads(project.package().read("slam_runtime/settings.json"))
    assert settings["environment"] == {"VERSION": "3.10", "ZIP": "012345", "HEX": "0x1F"}
    assert settings["stage_environments"] == {
        "dev": {"DEBUG": "true", "TOKEN": "null"},
        "prod": {"DEBUG": "no", "TOKEN": "~"},
    }
    template = json.loads(project.slam("template").out)
    variables = template["Resources"]["Function"]["Properties"]["Environment"]["Variables"]
    assert variables == {"VERSION": "3.10", "ZIP": "012345", "HEX": "0x1F"}


def test_a_key_read_as_a_boolean_is_named_as_written(project: Project):
    with_sections(project, "environment:\n  ON: x\nstage_environments: {dev: }\n")
    result = project.build()
    line = (project.root / "slam.yaml").read_text().splitlines().index("  ON: x") + 1
    assert (result.code, result.err) == (
        1,
        f"slam: error: {project.root / 'slam.yaml'}:{line}: environment: key 'ON' must be "
        "a string\nhint: quote it: 'ON'\n",
    )


def test_a_billion_laughs_is_refused_in_one_line(project: Project):
    laughs = ["environment:", '  LOL0: &lol0 ["lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        aliases = ", ".join([f"*lol{level - 1}"] * 10)
        laughs.append(f"  LOL{level}: &lol{level} [{aliases}]")
    with_sections(project, "\n".join(laughs) + "\nstage_environments: {dev: }\n")
    result = project.build()
    assert result.code == 1
    message, hint = result.err.splitlines()
    # values: LOL0 1 + 5, LOL1 1 + 10 * 6 = 61, ... LOL5 611,111: the first past 100,000
    line = (project.root / "slam.yaml").read_text().splitlines().index(laughs[6]) + 1
    assert message == (
        f"slam: error: {project.root / 'slam.yaml'}:{line}: environment.LOL5: holds 611,111 "
        "values once its aliases are expanded; slam reads at most 100,000"
    )
    assert hint == "hint: alias fewer or smaller blocks, or write the values out"
    assert not (project.root / ".slam").exists()


def with_policies(project: Project, policies: str) -> None:
    path = project.root / "slam.yaml"
    text = path.read_text().replace("aws:\n", f"aws:\n  lambda_managed_policies: {policies}\n")
    path.write_text(text)


def test_managed_policy_names_resolve_to_their_paths_offline(project: Project):
    with_policies(project, "[AmazonS3ReadOnlyAccess, AWSLambdaDynamoDBExecutionRole]")
    result = project.slam("template")
    assert result.code == 0, result.err
    role = json.loads(result.out)["Resources"]["FunctionRole"]["Properties"]
    prefix = "arn:${AWS::Partition}:iam::aws:policy/"
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": f"{prefix}service-role/AWSLambdaBasicExecutionRole"},
        {"Fn::Sub": f"{prefix}AmazonS3ReadOnlyAccess"},
        {"Fn::Sub": f"{prefix}service-role/AWSLambdaDynamoDBExecutionRole"},
    ]


def test_an_unknown_managed_policy_fails_with_a_suggestion(project: Project):
    with_policies(project, "[AWSXRayDaemonWrite]")
    result = project.build()
    line = (
        (project.root / "slam.yaml")
        .read_text()
        .splitlines()
        .index("  lambda_managed_policies: [AWSXRayDaemonWrite]")
    )
    assert (result.code, result.err) == (
        1,
        f"slam: error: {project.root / 'slam.yaml'}:{line + 1}: aws.lambda_managed_policies[0]: "
        "'AWSXRayDaemonWrite' is not an AWS managed policy\n"
        "hint: did you mean 'AWSXRayDaemonWriteAccess'? Or give a policy of your own by its "
        "full ARN: arn:aws:iam::<account>:policy/<name>\n",
    )
    assert not (project.root / ".slam").exists()
