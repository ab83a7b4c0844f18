"""The task graph slam_tasks() yields, as doit and a user's dodo.py see it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.tasks import DEPLOY_STEP, DOIT_CONFIG, STEPS, slam_tasks

SLAM_YAML = """\
name: sample
function: {module: app, app: handler}
stage_environments: {dev: }
aws: {s3_bucket: sample-1234, lambda_runtime: python3.12}
"""


@pytest.fixture
def config_path(project: Path) -> Path:
    (project / "slam.yaml").write_text(SLAM_YAML)
    (project / "app.py").write_text("")
    (project / "requirements.txt").write_text("flask\n")
    return project / "slam.yaml"


def test_one_task_per_step_each_with_a_one_line_doc(config_path: Path):
    tasks = list(slam_tasks(config_path))
    assert len(STEPS) == len(tasks)
    assert [task["basename"] for task in tasks] == ["deps", "package", "template"]
    for task in tasks:
        assert "\n" not in task["doc"]


def test_file_names_are_relative_to_the_project_folder(config_path: Path):
    deps, package, template = slam_tasks(str(config_path))
    assert deps["file_dep"] == ["requirements.txt"]
    assert deps["targets"] == [".slam/build/deps.json", ".slam/build/deps.zip"]
    assert package["targets"] == [".slam/build/package.json"]
    assert ".slam/build/deps.json" in package["file_dep"]
    assert "app.py" in package["file_dep"]
    assert template["file_dep"][0] == "slam.yaml"
    assert template["targets"] == [".slam/build/template.json"]


def test_deploy_requires_become_dependencies_of_the_deploy_step(config_path: Path):
    config = config_from_text(config_path.read_text(), config_path, load_plugins())
    tasks = {task["basename"]: task for task in slam_tasks(config, deploy_requires=["test"])}
    assert tasks[DEPLOY_STEP]["task_dep"] == ["test"]
    assert [name for name, task in tasks.items() if "task_dep" in task] == [DEPLOY_STEP]


def test_the_shared_doit_config_runs_nothing_destructive_and_creates_slams_folder(
    project: Path,
):
    assert DOIT_CONFIG["default_tasks"] == [DEPLOY_STEP]
    assert DOIT_CONFIG["backend"] == "sqlite3"
    dep_file = DOIT_CONFIG["dep_file"]
    assert str(dep_file) == ".slam/doit.sqlite3"
    assert not (project / ".slam").exists()
    assert os.fspath(dep_file) == ".slam/doit.sqlite3"  # what sqlite3 asks for
    assert (project / ".slam").is_dir()
