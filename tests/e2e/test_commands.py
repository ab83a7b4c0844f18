"""The installed ``slam`` command and ``python -m slam``, run as a user would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from slam import __version__

from .conftest import SLAM

pytestmark = pytest.mark.slow  # runs slam in a subprocess


def slam(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SLAM, *argv], cwd=cwd, capture_output=True, text=True, check=False)


def test_console_script_and_module_agree(tmp_path: Path):
    script = slam(tmp_path, "--version")
    module = subprocess.run(
        [sys.executable, "-m", "slam", "--version"], capture_output=True, text=True, check=False
    )
    assert (script.returncode, script.stdout) == (0, f"slam {__version__}\n")
    assert (module.returncode, module.stdout) == (0, f"slam {__version__}\n")


def test_init_then_refuse_to_overwrite(tmp_path: Path):
    first = slam(tmp_path, "init", "fizzbuzz:fizzbuzz")
    assert first.returncode == 0
    assert first.stdout == (
        "The configuration file for your project has been generated. "
        "Remember to add slam.yaml to source control.\n"
    )
    assert first.stderr == "slam: added .slam/ (slam's build state) to .gitignore\n"
    assert (tmp_path / ".gitignore").read_text() == "# slam's build state\n.slam/\n"
    written = (tmp_path / "slam.yaml").read_text()
    second = slam(tmp_path, "init", "other:app")
    assert second.returncode == 1
    assert second.stderr.startswith("slam: error: slam.yaml already exists\n")
    assert (tmp_path / "slam.yaml").read_text() == written


def test_usage_error_exit_code(tmp_path: Path):
    result = slam(tmp_path, "init", "not-a-function")
    assert result.returncode == 2
    assert (
        result.stderr.splitlines()[0]
        == "usage: slam init [-h] [--name NAME] [--description DESCRIPTION]"
    )


@pytest.fixture
def function_project(tmp_path: Path) -> Path:
    assert slam(tmp_path, "init", "app:handler").returncode == 0
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return tmp_path


def test_a_closed_pipe_ends_slam_quietly(function_project: Path):
    # `slam template | head -1`, with head gone before slam writes
    process = subprocess.Popen(
        [SLAM, "template"],
        cwd=function_project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate()
    assert (process.returncode, err) == (141, "")


def test_global_options_after_the_command(function_project: Path):
    built = slam(function_project, "build", "--region", "eu-west-1", "-c", "slam.yaml")
    assert (built.returncode, built.stderr) == (0, "")
    assert re.fullmatch(
        r"\.slam/build/lambda_package\.[0-9a-f]{12}\.zip has been built successfully\.",
        built.stdout.splitlines()[-1],
    )
    template = slam(function_project, "template", "--debug")
    assert template.returncode == 0
    assert json.loads(template.stdout)["Resources"]["Function"]["Type"] == "AWS::Lambda::Function"
    assert template.stderr == ".  template\n"  # doit's own output, with --debug
