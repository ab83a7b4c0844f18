"""The task graph slam_tasks() yields, as doit and a user's dodo.py see it."""

from __future__ import annotations

from pathlib import Path

import pytest

from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.tasks import DEPLOY_STEP, STEPS, doit_config, slam_tasks

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


def test_files_are_named_by_absolute_paths_whatever_the_current_folder(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root = config_path.parent.as_posix()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    deps, package, template = slam_tasks(str(config_path))
    assert deps["file_dep"] == [f"{root}/requirements.txt"]
    assert deps["targets"] == [f"{root}/.slam/build/deps.json", f"{root}/.slam/build/deps.zip"]
    assert package["targets"] == [f"{root}/.slam/build/package.json"]
    assert f"{root}/.slam/build/deps.json" in package["file_dep"]
    assert f"{root}/app.py" in package["file_dep"]
    assert template["file_dep"][0] == f"{root}/slam.yaml"
    assert template["targets"] == [f"{root}/.slam/build/template.json"]


def test_deploy_requires_become_dependencies_of_the_deploy_step(config_path: Path):
    config = config_from_text(config_path.read_text(), config_path, load_plugins())
    tasks = {task["basename"]: task for task in slam_tasks(config, deploy_requires=["test"])}
    assert tasks[DEPLOY_STEP]["task_dep"] == ["test"]
    assert [name for name, task in tasks.items() if "task_dep" in task] == [DEPLOY_STEP]


def test_doit_config_shares_slams_state_and_creates_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "project" / ".slam").exists()
    (tmp_path / "project").mkdir()
    settings = doit_config("project")
    assert settings == {
        "dep_file": f"{tmp_path}/project/.slam/doit.sqlite3",
        "backend": "sqlite3",
        "default_tasks": [DEPLOY_STEP],
    }
    assert (tmp_path / "project" / ".slam").is_dir()
    assert doit_config(tmp_path / "project") == settings  # again, once it exists


def test_the_default_task_is_never_destructive():
    assert DEPLOY_STEP == "package"
