"""What the remote steps share in a run: their options, checks that never crash, pickling."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from slam.config import Config, config_from_text
from slam.plugins import load_plugins
from slam.settings import AwsOptions
from slam.tasks.remote import Remote, RemoteOptions, remote_check

SLAM_YAML = """\
name: sample
function: {module: app, app: handler}
devstage: dev
stage_environments: {dev: , prod: }
aws: {s3_bucket: sample-1234, lambda_runtime: python3.12}
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return config_from_text(SLAM_YAML, tmp_path / "slam.yaml", load_plugins())


def test_a_check_that_fails_means_not_up_to_date():
    def broken() -> bool:
        raise RuntimeError("AWS is unreachable")

    assert remote_check("package uploaded", broken)() is False
    assert remote_check("package uploaded", lambda: True)() is True
    assert repr(remote_check("package uploaded", broken)) == "remote_check('package uploaded')"


def test_ctrl_c_inside_a_check_still_stops_the_run():
    def interrupted() -> bool:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        remote_check("stack in sync", interrupted)()


def test_the_stage_is_the_devstage_unless_given(config: Config):
    assert Remote(config).stage == "dev"
    assert Remote(config, RemoteOptions(stage="prod")).stage == "prod"


def test_a_remote_pickles_without_its_client_or_what_it_saw(config: Config):
    options = RemoteOptions(stage="prod", aws=AwsOptions(region="eu-west-1"))
    remote = Remote(config, options)
    remote.remember(None)
    remote.memo["seen"] = 1
    copy = pickle.loads(pickle.dumps(remote))
    assert (copy.config, copy.options, copy.memo) == (config, options, {})
    assert copy._described is False  # a worker asks AWS again
