"""The deps step's task and what it decides without running pip."""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

import pytest

from slam import __version__
from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.tasks.deps import Dependencies, forget_installed, install_dependencies, tasks
from slam.tasks.project import Project
from slam.tasks.step import StepFailed

SLAM_YAML = """\
name: sample
function: {{module: app, app: handler}}
requirements: {requirements}
stage_environments: {{dev: }}
aws: {{s3_bucket: sample-1234, lambda_runtime: python3.12}}
"""


def project_in(root: Path, requirements: str = "requirements.txt") -> Project:
    text = SLAM_YAML.format(requirements=requirements)
    return Project.from_config(config_from_text(text, root / "slam.yaml", load_plugins()))


def test_the_task_depends_on_the_requirements_and_every_file_they_include(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("-r base.txt\nflask\n")
    (tmp_path / "base.txt").write_text("-c constraints.txt\nrequests\n")
    (tmp_path / "constraints.txt").write_text("requests<3\n")
    (task,) = tasks(project_in(tmp_path))
    root = tmp_path.as_posix()
    assert task["file_dep"] == [
        f"{root}/requirements.txt",
        f"{root}/base.txt",
        f"{root}/constraints.txt",
    ]
    assert task["targets"] == [f"{root}/.slam/build/deps.json", f"{root}/.slam/build/deps.zip"]
    assert task["meta"] == {
        "slam": {"progress": "Installing requirements.txt for python3.12 (x86_64)..."}
    }


def test_without_a_requirements_file_the_task_has_no_file_dep_and_prints_nothing(tmp_path: Path):
    (task,) = tasks(project_in(tmp_path))
    assert task["file_dep"] == []
    assert task["meta"] == {"slam": {"progress": None}}


def test_what_changes_the_result_besides_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example.com/simple")
    monkeypatch.setenv("PIPENV_IGNORED", "1")
    inputs = Dependencies.of(project_in(tmp_path)).build_inputs()
    assert inputs["requirements"] == "requirements.txt"
    assert inputs["exists"] is False
    assert (inputs["runtime"], inputs["architecture"]) == ("python3.12", "x86_64")
    assert "--only-binary=:all:" in inputs["pip_options"]
    assert inputs["pip_version"] == importlib.metadata.version("pip")
    assert inputs["pip_environment"]["PIP_INDEX_URL"] == "https://mirror.example.com/simple"
    assert "PIPENV_IGNORED" not in inputs["pip_environment"]
    assert inputs["slam"] == __version__


def test_without_requirements_the_package_has_no_dependencies(tmp_path: Path):
    project = project_in(tmp_path)
    result = install_dependencies(Dependencies.of(project))
    assert result == {"summary": "No requirements.txt: the package has no dependencies."}
    layout = project.layout
    assert zipfile.ZipFile(layout.deps_zip).namelist() == []
    assert list(layout.deps.iterdir()) == []
    assert not (layout.build / "deps.partial").exists()


def test_a_requirements_file_slam_yaml_names_must_exist(tmp_path: Path):
    project = project_in(tmp_path, requirements="requirements/lambda.txt")
    result = install_dependencies(Dependencies.of(project))
    assert isinstance(result, StepFailed)
    assert (result.error.message, result.error.hint) == (
        "the requirements file requirements/lambda.txt does not exist",
        "create it, or correct requirements in slam.yaml",
    )
    assert not project.layout.deps_manifest.exists()


def test_forgetting_the_installed_dependencies_removes_them_and_their_stamps(tmp_path: Path):
    layout = project_in(tmp_path).layout
    for folder in (layout.deps, layout.wheels):
        (folder / "kept").mkdir(parents=True)
    for stamp in (layout.deps_manifest, layout.deps_zip, layout.package_manifest):
        stamp.write_text("{}")
    forget_installed(layout)
    assert sorted(path.name for path in layout.build.iterdir()) == ["package.json"]
