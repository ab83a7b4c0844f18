"""The example projects: `slam build` and their dodo.py work in a copy of each folder."""

from __future__ import annotations

import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from .test_commands import slam
from .test_dodo import doit

pytestmark = pytest.mark.slow  # runs slam and doit in subprocesses

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INIT_ARGS = {
    "fizzbuzz": ["fizzbuzz:fizzbuzz"],
    "tasks_api": [
        *("tasks_api:app", "--wsgi", "--stages", "dev,staging,prod"),
        *("--dynamodb-tables", "tasks"),
    ],
}
# The Python running the tests: its runtime is the one a build here can compile bytecode
# for, whichever runtime the committed slam.yaml names.
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"
BUILT = re.compile(r"\.slam/build/lambda_package\.[0-9a-f]{12}\.zip has been built successfully\.")


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    ignored = shutil.ignore_patterns(".slam", "__pycache__", ".pytest_cache")
    shutil.copytree(EXAMPLES / name, target, ignore=ignored)
    slam_yaml = target / "slam.yaml"
    runtime = f"lambda_runtime: {RUNTIME}"
    text, count = re.subn(r"lambda_runtime: \S+", runtime, slam_yaml.read_text())
    assert count == 1
    slam_yaml.write_text(text)
    return target


def package_of(folder: Path) -> zipfile.ZipFile:
    (path,) = (folder / ".slam" / "build").glob("lambda_package.*.zip")
    return zipfile.ZipFile(path)


@pytest.mark.parametrize("name", sorted(INIT_ARGS))
def test_the_committed_slam_yaml_is_what_slam_init_writes(name: str, tmp_path: Path):
    assert slam(tmp_path, "init", *INIT_ARGS[name]).returncode == 0
    generated = (tmp_path / "slam.yaml").read_text()
    committed = (EXAMPLES / name / "slam.yaml").read_text()

    def normalised(text: str) -> str:
        text = re.sub(r"s3_bucket: \S+", "s3_bucket: B", text)
        text = re.sub(r"lambda_runtime: \S+", "lambda_runtime: R", text)
        return text.replace("exclude: [dodo.py, test_*.py]", "exclude:")

    assert normalised(committed) == normalised(generated)


def test_fizzbuzz_builds(tmp_path: Path):
    folder = copy_example("fizzbuzz", tmp_path)
    result = slam(folder, "build")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "Building lambda package..."
    assert lines[1] == f"Installing requirements.txt for {RUNTIME} (x86_64)..."
    assert lines[2] == (
        f"Nothing to install from requirements.txt for {RUNTIME} (x86_64): no dependencies."
    )
    assert BUILT.fullmatch(lines[-1])
    names = package_of(folder).namelist()
    assert {"fizzbuzz.py", "slam_runtime/handler.py", "slam_runtime/settings.json"} <= set(names)
    # the runtime's own Python compiled it: the package has its bytecode
    assert f"__pycache__/fizzbuzz.{sys.implementation.cache_tag}.pyc" in names
    assert "dodo.py" not in names
    assert "test_fizzbuzz.py" not in names


@pytest.mark.network  # installs flask from the index
def test_tasks_api_builds_with_flask_for_lambda(tmp_path: Path):
    folder = copy_example("tasks_api", tmp_path)
    result = slam(folder, "build")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert re.match(rf"Installed \d+ packages for {RUNTIME} \(x86_64\): blinker ", lines[2])
    assert BUILT.fullmatch(lines[-1])
    package = package_of(folder)
    assert {"tasks_api.py", "flask/__init__.py", "werkzeug/__init__.py"} <= set(package.namelist())
    settings = json.loads(package.read("slam_runtime/settings.json"))
    assert settings == {
        "function": {"module": "tasks_api", "app": "app"},
        "devstage": "dev",
        "environment": {},
        "stage_environments": {"dev": {}, "staging": {}, "prod": {}},
        "plugins": {"wsgi": {"base_path": None}},
    }


@pytest.mark.parametrize(
    "name",
    ["fizzbuzz", pytest.param("tasks_api", marks=pytest.mark.network)],  # flask
)
def test_the_examples_dodo_tests_then_packages(name: str, tmp_path: Path):
    folder = copy_example(name, tmp_path)
    listed = doit(folder, "list")
    steps = ["deploy", "deps", "package", "stack", "template", "test", "upload"]
    if name == "tasks_api":  # three stages: the others can be published to
        steps.insert(3, "publish")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == steps
    result = doit(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [".  test", ".  deps", ".  package"]
