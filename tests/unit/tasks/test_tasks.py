"""The task graph slam_tasks() yields, as doit and a user's dodo.py see it."""

from __future__ import annotations

from pathlib import Path

import pytest

from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.tasks import (
    DEFAULT_TASK,
    DEPLOY_CHAIN,
    DEPLOY_STEP,
    STEPS,
    RemoteOptions,
    doit_config,
    slam_tasks,
)

SLAM_YAML = """\
name: sample
function: {module: app, app: handler}
stage_environments: {dev: , prod: }
aws: {s3_bucket: sample-1234, lambda_runtime: python3.12}
"""
NAMES = ["deps", "package", "template", "upload", "stack", "deploy", "publish", "publish:prod"]


def names(tasks: list[dict]) -> list[str]:
    return [task["basename"] + (f":{task['name']}" if task.get("name") else "") for task in tasks]


@pytest.fixture
def config_path(project: Path) -> Path:
    (project / "slam.yaml").write_text(SLAM_YAML)
    (project / "app.py").write_text("")
    (project / "requirements.txt").write_text("flask\n")
    return project / "slam.yaml"


def test_every_step_yields_tasks_each_with_a_one_line_doc(config_path: Path):
    tasks = list(slam_tasks(config_path))
    assert len(STEPS) == 6
    assert names(tasks) == NAMES
    for task in tasks:
        assert "\n" not in task["doc"]


def test_the_remote_steps_chain_after_the_build(config_path: Path):
    tasks = dict(zip(NAMES, slam_tasks(config_path), strict=True))
    assert tasks["upload"]["task_dep"] == ["package"]
    assert tasks["stack"]["task_dep"] == ["upload", "template"]
    assert tasks["deploy"]["task_dep"] == ["stack"]
    assert "task_dep" not in tasks["publish:prod"]  # publishes what is deployed: no build
    assert tasks["stack"]["meta"]["slam"]["heading"] == "Deploying sample:dev..."


def test_options_shape_the_graph(config_path: Path, tmp_path: Path):
    options = RemoteOptions(no_lambda=True)
    no_lambda = {t["basename"]: t for t in slam_tasks(config_path, (), options)}
    assert "upload" not in no_lambda
    assert no_lambda["stack"]["task_dep"] == ["template"]
    given = RemoteOptions(lambda_package=tmp_path / "given.zip", stage="prod", force=True)
    tasks = {t["basename"]: t for t in slam_tasks(config_path, (), given)}
    assert tasks["upload"]["task_dep"] == []  # the given zip: nothing to build
    assert tasks["stack"]["uptodate"] == []  # --force: always asks CloudFormation
    assert tasks["stack"]["meta"]["slam"]["heading"] == "Deploying sample:prod..."


def test_publish_steps_name_every_stage_but_the_published_one(config_path: Path):
    tasks = names(list(slam_tasks(config_path, (), RemoteOptions(publish_version="prod"))))
    assert [name for name in tasks if name.startswith("publish")] == ["publish", "publish:dev"]
    numbered = names(list(slam_tasks(config_path, (), RemoteOptions(publish_version="3"))))
    assert [n for n in numbered if n.startswith("publish:")] == ["publish:dev", "publish:prod"]


def test_files_are_named_by_absolute_paths_whatever_the_current_folder(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root = config_path.parent.as_posix()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    deps, package, template, *_ = slam_tasks(str(config_path))
    assert deps["file_dep"] == [f"{root}/requirements.txt"]
    assert deps["targets"] == [f"{root}/.slam/build/deps.json", f"{root}/.slam/build/deps.zip"]
    assert package["targets"] == [f"{root}/.slam/build/package.json"]
    assert f"{root}/.slam/build/deps.json" in package["file_dep"]
    assert f"{root}/app.py" in package["file_dep"]
    assert template["file_dep"][0] == f"{root}/slam.yaml"
    assert template["targets"] == [f"{root}/.slam/build/template.json"]


def test_deploy_requires_become_dependencies_of_the_deploys_steps(config_path: Path):
    config = config_from_text(config_path.read_text(), config_path, load_plugins())
    plain = dict(zip(NAMES, slam_tasks(config), strict=True))
    tasks = dict(zip(NAMES, slam_tasks(config, deploy_requires=["test"]), strict=True))
    assert DEPLOY_CHAIN == ("package", "upload", "stack")
    for name in NAMES:
        added = [*plain[name].get("task_dep", ()), "test"] if name in DEPLOY_CHAIN else None
        assert tasks[name].get("task_dep") == (added or plain[name].get("task_dep"))


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
        "default_tasks": ["package"],
    }
    assert (tmp_path / "project" / ".slam").is_dir()
    assert doit_config(tmp_path / "project") == settings  # again, once it exists


def test_the_default_task_changes_nothing_in_aws():
    assert DEFAULT_TASK == "package"
    assert DEPLOY_STEP == "deploy"
