"""slam's tasks in a user's dodo.py, run by doit itself: listing, composing, sharing state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .test_commands import slam

pytestmark = pytest.mark.slow  # runs doit in a subprocess

DODO = '''\
import sys
from pathlib import Path

from slam.tasks import doit_config, slam_tasks

PROJECT = Path(__file__).resolve().parent
DOIT_CONFIG = doit_config(PROJECT)


def task_test():
    """Run the project's tests."""
    return {{"actions": [[sys.executable, "-c", "raise SystemExit({code})"]]}}


def task_slam():
    yield from slam_tasks(PROJECT / "slam.yaml", deploy_requires=["test"])
'''

SLAM_YAML = """\
name: sample
function: {module: app, app: handler}
stage_environments: {dev: }
aws: {s3_bucket: sample-bucket-1234, lambda_runtime: python3.12}
"""


def doit(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "doit", *argv], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh clone: slam.yaml, app.py and a dodo.py whose tests pass; no .slam/ yet."""
    (tmp_path / "slam.yaml").write_text(SLAM_YAML)
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "dodo.py").write_text(DODO.format(code=0))
    return tmp_path


def test_doit_list_shows_slams_steps_beside_the_users(project: Path):
    result = doit(project, "list")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "deploy     Deploy the project (package, upload, stack), then show its status.\n"
        "deps       Install the requirements for Lambda's platform (into .slam/build/deps).\n"
        "package    Build the Lambda zip (.slam/build/lambda_package.<hash>.zip).\n"
        "stack      Create or update the CloudFormation stack, when it does not run this "
        "template yet.\n"
        "template   Render the CloudFormation template (.slam/build/template.json).\n"
        "test       Run the project's tests.\n"
        "upload     Upload the Lambda package to the S3 bucket, once per content hash.\n"
    )


def test_a_bare_doit_runs_the_users_tests_then_builds_changing_nothing_in_aws(project: Path):
    result = doit(project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [".  test", ".  deps", ".  package"]
    assert (project / ".slam" / "build" / "package.json").is_file()
    # slam and doit share the state: slam finds nothing to do
    built = slam(project, "build")
    assert built.returncode == 0
    assert " is up to date.\n" in built.stdout


def test_a_failing_test_task_stops_doit_deploy_before_the_build(project: Path):
    (project / "dodo.py").write_text(DODO.format(code=1))
    result = doit(project, "deploy")
    assert result.returncode == 1
    assert ".  test" in result.stdout.splitlines()
    for step in ("package", "upload", "stack"):
        assert f".  {step}" not in result.stdout
    assert not (project / ".slam" / "build" / "package.json").exists()


def test_doit_runs_the_dodo_file_from_another_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory
):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    listed = doit(elsewhere, "-f", str(project / "dodo.py"), "list")
    assert (listed.returncode, listed.stderr) == (0, "")
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == ["deploy", "deps", "package", "stack", "template", "test", "upload"]
    result = doit(elsewhere, "-f", str(project / "dodo.py"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [".  test", ".  deps", ".  package"]
    assert (project / ".slam" / "build" / "package.json").is_file()
    assert list(elsewhere.iterdir()) == []
    # the same state, whichever folder doit runs from: slam's steps are up to date
    # (the test task has no file_dep, so it always runs)
    again = doit(project)
    assert (again.returncode, again.stdout) == (0, ".  test\n-- deps\n-- package\n")
