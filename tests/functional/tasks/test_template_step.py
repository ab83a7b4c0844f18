"""The template step: .slam/build/template.json, rendered only when its inputs change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slam.cloudformation import build_template
from slam.config import load_config
from slam.plugins import load_plugins

from ..conftest import Project

pytestmark = pytest.mark.slow  # runs doit for each step it checks


def template_file(project: Project) -> Path:
    return project.build_dir / "template.json"


def test_template_command_writes_and_prints_the_template(project: Project):
    result = project.slam("template")
    assert (result.code, result.err) == (0, "")
    written = template_file(project).read_text()
    assert result.out == written
    assert json.loads(written) == build_template(
        load_config(project.root / "slam.yaml", load_plugins())
    )


def test_unchanged_inputs_render_nothing(project: Project):
    assert project.slam("template").code == 0
    before = template_file(project).stat().st_mtime_ns
    (project.root / "app.py").write_text("def handler(event, context):\n    return 2\n")
    assert project.slam("template").code == 0
    assert template_file(project).stat().st_mtime_ns == before


def test_a_config_change_renders_again(project: Project):
    assert project.slam("template").code == 0
    config = project.root / "slam.yaml"
    config.write_text(config.read_text().replace("aws:\n", "aws:\n  lambda_memory: 512\n"))
    result = project.slam("template")
    assert result.code == 0
    function = json.loads(template_file(project).read_text())["Resources"]["Function"]
    assert function["Properties"]["MemorySize"] == 512


def test_a_config_change_that_does_not_touch_the_template_keeps_the_file(project: Project):
    assert project.slam("template").code == 0
    before = template_file(project).stat().st_mtime_ns
    config = project.root / "slam.yaml"
    config.write_text(config.read_text().replace("exclude: []", "exclude: [notes.txt]"))
    assert project.slam("template").code == 0
    assert template_file(project).stat().st_mtime_ns == before


def test_a_broken_template_is_a_clean_error(project: Project):
    config = project.root / "slam.yaml"
    config.write_text(
        config.read_text().replace("aws:\n", "aws:\n  cfn_resources: {Function: {Type: X}}\n")
    )
    result = project.slam("template")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "slam: error: slam.yaml: aws.cfn_resources.Function: logical ID 'Function' is already "
        "used by slam's template\nhint: rename it; `slam template` shows the IDs slam uses\n"
    )
    assert not template_file(project).exists()


def test_debug_output_stays_off_stdout(project: Project):
    result = project.slam("--debug", "template")
    assert result.code == 0
    assert json.loads(result.out)["Resources"]["Function"]["Type"] == "AWS::Lambda::Function"
    assert ".  template" in result.err


def test_logging_stages_own_no_account_wide_setting(project: Project):
    config = project.root / "slam.yaml"
    config.write_text(config.read_text() + "wsgi:\n  log_stages: [dev]\n")
    result = project.slam("template")
    assert (result.code, result.err) == (0, "")
    resources = json.loads(result.out)["Resources"]
    kinds = {resource["Type"] for resource in resources.values()}
    assert "AWS::ApiGateway::Stage" in kinds
    assert "AWS::ApiGateway::Account" not in kinds
    assert [name for name, r in resources.items() if r["Type"] == "AWS::IAM::Role"] == [
        "FunctionRole"
    ]
    assert resources["DevApiStage"]["Properties"]["MethodSettings"][0]["LoggingLevel"] == "INFO"
