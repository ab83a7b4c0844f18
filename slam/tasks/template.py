"""The ``template`` step: the stack's CloudFormation template, .slam/build/template.json.

It re-renders when slam.yaml, slam's template fragments or an enabled plugin's code
change, and rewrites the file only when its content changes, so the steps that deploy
it see an unchanged template as up to date.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_atomically
from ..cloudformation import build_template, template_json
from ..config import Config
from .project import Project, doit_path
from .step import TaskDict, reports_failures, settings_changed

DOC = "Render the CloudFormation template (.slam/build/template.json)."
SLAM_SOURCES = (
    Path(__file__).resolve().parent.parent / "cloudformation.py",
    *sorted((Path(__file__).resolve().parent.parent / "templates" / "cloudformation").glob("*")),
)


def template_sources(config: Config) -> list[Path]:
    """The files the template is made from: slam's and the enabled plugins' code."""
    return [*SLAM_SOURCES, *sorted({plugin.source for plugin in config.plugins})]


def tasks(project: Project) -> Iterator[TaskDict]:
    config = project.config
    target = project.layout.template
    yield {
        "basename": "template",
        "doc": DOC,
        "actions": [(render_template, [config, target])],
        "file_dep": [doit_path(config.file), *map(doit_path, template_sources(config))],
        "targets": [doit_path(target)],
        "uptodate": [settings_changed("template", {"slam": __version__})],
        "meta": {"slam": {"progress": None}},
    }


@reports_failures
def render_template(config: Config, target: Path) -> dict[str, Any]:
    text = template_json(build_template(config))
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text)
    return {}
