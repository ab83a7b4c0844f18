"""What every step knows of a project: its config, its Lambda platform, where .slam/ lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.tasks.project import BuildLayout, Project, doit_path

SLAM_YAML = """\
name: sample
function: {module: app, app: handler}
stage_environments: {dev: }
aws: {s3_bucket: sample-1234, lambda_runtime: python3.12, lambda_architecture: arm64}
"""


def test_the_layout_of_slams_folder(tmp_path: Path):
    layout = BuildLayout(tmp_path)
    build = tmp_path / ".slam" / "build"
    assert (layout.state, layout.database, layout.logs) == (
        tmp_path / ".slam",
        tmp_path / ".slam" / "doit.sqlite3",
        tmp_path / ".slam" / "logs",
    )
    assert (layout.build, layout.deps, layout.wheels) == (build, build / "deps", build / "wheels")
    assert (layout.deps_manifest, layout.deps_zip) == (build / "deps.json", build / "deps.zip")
    assert (layout.package_manifest, layout.template) == (
        build / "package.json",
        build / "template.json",
    )
    assert layout.package_zip("0123456789abcdef" * 4) == build / "lambda_package.0123456789ab.zip"


def test_a_project_is_its_config_its_layout_and_its_platform(tmp_path: Path):
    config = config_from_text(SLAM_YAML, tmp_path / "slam.yaml", load_plugins())
    project = Project.from_config(config)
    assert project.layout == BuildLayout(tmp_path)
    assert str(project.platform) == "python3.12 (arm64)"
    assert project.runtime_python.version == "3.12"


def test_the_runtime_python_is_this_one_when_versions_match(tmp_path: Path):
    runtime = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    text = SLAM_YAML.replace("python3.12", runtime)
    project = Project.from_config(config_from_text(text, tmp_path / "slam.yaml", load_plugins()))
    assert project.runtime_python.path == sys.executable


def test_doit_paths_are_absolute_and_normalised_whatever_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    expected = f"{tmp_path.as_posix()}/b/app.py"
    assert doit_path(Path("../b/app.py")) == expected
    assert doit_path(tmp_path / "a" / ".." / "b" / "app.py") == expected
    assert doit_path(Path(os.path.join(tmp_path, "b", "app.py"))) == expected
