"""The example plugin from docs/plugins.md, installed the way pip would install it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cfnlint.api import lint

from slam.cli import main
from slam.cloudformation import build_template, template_json
from slam.config import load_config
from slam.plugins import load_plugins

SOURCE = Path(__file__).parents[2] / "examples" / "plugins" / "slam_schedule" / "slam_schedule.py"


@pytest.fixture
def schedule(install_plugin: Callable[[str, str, str], None]) -> None:
    install_plugin("schedule", "slam_schedule", SOURCE.read_text())


def test_it_is_registered_after_the_builtins(schedule: None):
    assert [plugin.name for plugin in load_plugins()] == ["wsgi", "dynamodb", "schedule"]


@pytest.mark.slow  # cfn-lint loads AWS's resource schemas
def test_init_option_config_template_and_status(
    schedule: None, project: Path, capsys: pytest.CaptureFixture[str]
):
    argv = ["init", "job:run", "--stages", "dev,prod", "--schedule", "rate(5 minutes)"]
    assert main(argv) == 0
    config = load_config("slam.yaml", load_plugins())
    settings = config.plugin_settings("schedule")
    assert (settings.expression, settings.stages) == ("rate(5 minutes)", ("dev", "prod"))
    template = build_template(config)
    assert template["Resources"]["ProdSchedule"] == {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "ScheduleExpression": "rate(5 minutes)",
            "State": "ENABLED",
            "Targets": [{"Arn": {"Ref": "ProdAlias"}, "Id": "slam-prod"}],
        },
    }
    assert template["Resources"]["DevSchedulePermission"]["Properties"]["SourceArn"] == {
        "Fn::GetAtt": ["DevSchedule", "Arn"]
    }
    assert [f"{m.rule.id} {m.message}" for m in lint(template_json(template))] == []
    plugin = next(p for p in load_plugins() if p.name == "schedule")
    assert plugin.status_lines(config, settings, {}) == ["  Schedule: rate(5 minutes) on dev, prod"]


def test_only_the_listed_stages_are_scheduled(
    schedule: None, project: Path, capsys: pytest.CaptureFixture[str]
):
    assert (
        main(["init", "job:run", "--stages", "dev,prod", "--schedule", "cron(0 12 * * ? *)"]) == 0
    )
    path = project / "slam.yaml"
    path.write_text(path.read_text().replace("  stages:\n", "  stages: [prod]\n"))
    resources = build_template(load_config(path, load_plugins()))["Resources"]
    assert "ProdSchedule" in resources
    assert "DevSchedule" not in resources


def test_a_bad_expression_is_named_by_its_option_in_init_and_its_key_in_slam_yaml(
    schedule: None, project: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["init", "job:run", "--schedule", "every 5 minutes"]) == 2
    assert capsys.readouterr().err == (
        "slam: error: --schedule: 'every 5 minutes' is not a schedule expression\n"
        "hint: write rate(5 minutes) or cron(0 12 * * ? *)\n"
    )
    assert not (project / "slam.yaml").exists()
    assert main(["init", "job:run", "--schedule", "rate(5 minutes)"]) == 0
    config = project / "slam.yaml"
    config.write_text(config.read_text().replace("rate(5 minutes)", "every 5 minutes"))
    capsys.readouterr()
    assert main(["template"]) == 1
    assert capsys.readouterr().err.endswith(
        ": schedule.expression: 'every 5 minutes' is not a schedule expression\n"
        "hint: write rate(5 minutes) or cron(0 12 * * ? *)\n"
    )
