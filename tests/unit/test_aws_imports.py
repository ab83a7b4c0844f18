"""boto3 stays out of slam until a command calls AWS, and out of every module but slam.aws."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import slam

SLAM = Path(slam.__file__).parent
AWS_LIBRARIES = {"boto3", "botocore"}


def imported_after(code: str) -> set[str]:
    """The top-level packages a fresh Python has imported after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    answer = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(answer.stdout.splitlines()[-1])}


def test_loading_the_cli_imports_no_boto3():
    assert imported_after("import slam.cli") & AWS_LIBRARIES == set()


def test_slam_help_imports_no_boto3():
    code = "from slam.cli import main\nimport contextlib, io\n"
    code += "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])"
    assert imported_after(code) & AWS_LIBRARIES == set()


def test_the_deploy_logic_and_aws_facts_import_no_boto3():
    assert imported_after("import slam.stack, slam.remote") & AWS_LIBRARIES == set()


def test_the_task_graph_and_the_deploy_commands_import_no_boto3_until_a_step_calls_aws():
    code = "import slam.tasks, slam.commands.deploy, slam.commands.publish, slam.commands.status"
    assert imported_after(code) & AWS_LIBRARIES == set()


def test_the_aws_client_does():  # the check above sees an import when there is one
    assert imported_after("import slam.aws") >= AWS_LIBRARIES


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_slam_aws_and_the_local_aws_import_boto3():
    allowed = (SLAM / "aws", SLAM / "local")
    importers = sorted(
        str(path.relative_to(SLAM))
        for path in SLAM.rglob("*.py")
        if not any(path.is_relative_to(folder) for folder in allowed)
        and imports_of(path) & AWS_LIBRARIES
    )
    assert importers == []
