"""A slam.yaml with three stages, and stacks as DescribeStacks describes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from slam.config import Config, config_from_text
from slam.plugins import load_plugins

SLAM_YAML = """\
name: tasks-api
function: {module: tasks_api, app: app}
devstage: dev
stage_environments: {dev: , staging: , prod: }
aws: {s3_bucket: tasks-api-packages}
"""
STACK_ID = (
    "arn:aws:cloudformation:us-west-2:123456789012:stack/tasks-api/"
    "8c3fe6b0-1a2b-11ef-b39e-0a5e1c2d3e4f"
)

MakeConfig = Callable[..., Config]


@pytest.fixture
def make_config(tmp_path: Path) -> MakeConfig:
    """make_config(extra_yaml="") -> the Config of SLAM_YAML plus ``extra_yaml``."""

    def make(extra: str = "") -> Config:
        return config_from_text(SLAM_YAML + extra, tmp_path / "slam.yaml", load_plugins())

    return make


@pytest.fixture
def config(make_config: MakeConfig) -> Config:
    return make_config()
