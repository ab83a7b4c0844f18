"""A slam plugin that runs the function on a schedule (an example for docs/plugins.md).

Add to slam.yaml::

    schedule:
      expression: rate(5 minutes)   # or cron(0 12 * * ? *)
      stages: [prod]                # default: every stage

Each listed stage gets an EventBridge rule that invokes that stage's alias, with
the permission to do so. A function deployed this way receives the scheduled
event as ``fn(event, context)``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slam.cloudformation import stage_names
from slam.plugins import InitOption, Plugin
from slam.schema import Node
from slam.settings import CoreSettings

EXPRESSION_RE = re.compile(r"rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\)")


@dataclass(frozen=True)
class ScheduleSettings:
    expression: str
    stages: tuple[str, ...]


class SchedulePlugin(Plugin[ScheduleSettings]):
    name = "schedule"
    config_key = "schedule"
    init_options = (
        InitOption(
            "--schedule",
            "schedule.expression",
            "Run the function on a schedule.",
            metavar="EXPRESSION",
        ),
    )

    def init_section(self, args: argparse.Namespace) -> str:
        if not args.schedule:
            return "# schedule:\n#   expression: rate(5 minutes)\n"
        return (
            "# Run the function on a schedule: rate(...) or cron(...).\n"
            f"schedule:\n  expression: {json.dumps(args.schedule)}\n  stages:\n"
        )

    def parse_config(self, node: Node, config: CoreSettings) -> ScheduleSettings:
        node.mapping(["expression", "stages"])
        expression = node.child("expression").string(required=True)
        if expression and not EXPRESSION_RE.fullmatch(expression):
            node.child("expression").fail(
                f"{expression!r} is not a schedule expression",
                "write rate(5 minutes) or cron(0 12 * * ? *)",
            )
        stages = node.child("stages").strings() or config.stages
        for index, stage in enumerate(stages):
            if stage not in config.stages:
                node.child("stages").child(index).fail(f"{stage!r} is not a configured stage")
        return ScheduleSettings(expression, stages)

    def cloudformation(self, config: CoreSettings, settings: ScheduleSettings) -> Mapping[str, Any]:
        resources: dict[str, Any] = {}
        for stage in stage_names(config):
            if stage.name not in settings.stages:
                continue
            resources[f"{stage.id}Schedule"] = {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "ScheduleExpression": settings.expression,
                    "State": "ENABLED",
                    "Targets": [{"Arn": {"Ref": stage.alias}, "Id": f"slam-{stage.name}"}],
                },
            }
            resources[f"{stage.id}SchedulePermission"] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Ref": stage.alias},
                    "Action": "lambda:InvokeFunction",
                    "Principal": "events.amazonaws.com",
                    "SourceArn": {"Fn::GetAtt": [f"{stage.id}Schedule", "Arn"]},
                },
            }
        return {"Resources": resources}

    def status_lines(
        self, config: CoreSettings, settings: ScheduleSettings, outputs: Mapping[str, str]
    ) -> list[str]:
        return [f"  Schedule: {settings.expression} on {', '.join(settings.stages)}"]


plugin = SchedulePlugin()
