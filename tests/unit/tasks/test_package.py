from __future__ import annotations

from pathlib import Path

import pytest

from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.tasks import package
from slam.tasks.package import not_compiled_lines, package_summary, runtime_settings

SLAM_YAML = """\
name: tasks-api
function: {module: tasks_api, app: app}
devstage: dev
environment: {IN_LAMBDA: 1}
stage_environments: {dev: {DEBUG: "1"}, prod: }
aws: {s3_bucket: tasks-api-1234, lambda_runtime: python3.12}
wsgi:
dynamodb_tables:
  tasks: {attributes: {id: S}, key: id}
"""


def test_runtime_settings_follow_the_contract_with_the_runtime(tmp_path: Path):
    config = config_from_text(SLAM_YAML, tmp_path / "slam.yaml", load_plugins())
    assert runtime_settings(config) == {
        "function": {"module": "tasks_api", "app": "app"},
        "devstage": "dev",
        "environment": {"IN_LAMBDA": "1"},
        "stage_environments": {"dev": {"DEBUG": "1"}, "prod": {}},
        # dynamodb has no runtime options, so it is left out
        "plugins": {"wsgi": {"base_path": None}},
    }


def test_package_summary_ends_with_the_zips_path_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    manifest = {"file": "lambda_package.0123456789ab.zip", "size": 1536, "unzipped_size": 4096}
    manifest["files"] = 3
    build = tmp_path / "project" / ".slam" / "build"
    monkeypatch.chdir(tmp_path)
    assert package_summary(manifest, built=True, folder=build) == (
        "Size: 1.5 KB (4.0 KB unzipped, 3 files).\n"
        "project/.slam/build/lambda_package.0123456789ab.zip has been built successfully."
    )
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    manifest["note"] = "Note: no bytecode."
    assert package_summary(manifest, built=False, folder=build) == (
        "Size: 1.5 KB (4.0 KB unzipped, 3 files).\n"
        "Note: no bytecode.\n"
        "../project/.slam/build/lambda_package.0123456789ab.zip is up to date."
    )


def test_package_summary_names_a_zip_on_another_drive_by_its_full_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def other_drive(path: str, start: str | None = None) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(package.os.path, "relpath", other_drive)
    manifest = {"file": "lambda_package.0123456789ab.zip", "size": 1, "unzipped_size": 1}
    manifest["files"] = 1
    summary = package_summary(manifest, built=True, folder=tmp_path)
    assert summary.endswith(
        f"\n{tmp_path}/lambda_package.0123456789ab.zip has been built successfully."
    )


def test_the_sources_that_do_not_compile_are_named_three_at_most():
    sources = [(f"t{n}.py", "line 1: invalid syntax") for n in range(5)]
    assert not_compiled_lines(sources, "3.12") == [
        *(
            f"Note: t{n}.py does not compile for Python 3.12 (line 1: invalid syntax), so "
            "Lambda cannot import it: fix it, or leave it out with package.exclude in slam.yaml."
            for n in range(3)
        ),
        "Note: 2 more files do not compile.",
    ]
