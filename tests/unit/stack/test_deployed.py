"""The stage that invoke and logs work on, read from the stack's description."""

from __future__ import annotations

import pytest

from slam.cloudformation import StageNames
from slam.config import Config
from slam.errors import SlamError, UsageError
from slam.remote import Stack
from slam.stack.deployed import (
    DeployedStage,
    api_log_groups_prefix,
    chosen_stage,
    deployed_stage,
    function_log_group,
)

from .conftest import STACK_ID


def stack(status: str = "UPDATE_COMPLETE", **outputs: str) -> Stack:
    parameters = {"DevVersion": "$LATEST", "ProdVersion": "4", "LambdaS3Bucket": "b"}
    return Stack(STACK_ID, "tasks-api", status, None, parameters, outputs)


def test_the_devstage_unless_another_is_named(config: Config):
    assert chosen_stage(config, None) == StageNames("dev", "Dev")
    assert chosen_stage(config, "prod") == StageNames("prod", "Prod")


def test_a_stage_slam_yaml_does_not_configure_is_a_usage_error(config: Config):
    with pytest.raises(UsageError) as caught:
        chosen_stage(config, "production")
    assert caught.value.lines() == [
        (
            "--stage 'production' is not a stage of tasks-api (its stages: dev, staging, prod)",
            "use one of them, or add production under stage_environments in slam.yaml",
        )
    ]
    assert caught.value.exit_code == 2


def test_a_deployed_stage_has_its_version_function_and_api(config: Config):
    described = stack(FunctionName="tasks-api-Function-X1", ApiId="a1b2c3")
    prod = chosen_stage(config, "prod")
    assert deployed_stage(config, described, prod, "us-west-2") == DeployedStage(
        "prod", "4", "tasks-api-Function-X1", "a1b2c3"
    )
    dev = chosen_stage(config, "dev")
    assert deployed_stage(config, stack(FunctionName="f"), dev, "us-west-2") == DeployedStage(
        "dev", "$LATEST", "f", None
    )


def test_no_stack_is_not_deployed(config: Config):
    with pytest.raises(SlamError) as caught:
        deployed_stage(config, None, chosen_stage(config, None), "eu-west-3")
    assert caught.value.lines() == [
        (
            "tasks-api has not been deployed yet.",
            "no stack tasks-api in eu-west-3: deploy it with `slam deploy`, "
            "or check --region and --profile",
        )
    ]


def test_a_stack_with_no_function_yet_is_not_deployed(config: Config):
    with pytest.raises(SlamError) as caught:
        deployed_stage(config, stack("ROLLBACK_COMPLETE"), chosen_stage(config, None), "x")
    assert caught.value.lines() == [
        (
            "tasks-api has not been deployed yet.",
            "its stack is ROLLBACK_COMPLETE, with no function yet: deploy it with `slam deploy`",
        )
    ]


def test_a_stage_the_stack_does_not_have_yet_says_to_deploy(config: Config):
    with pytest.raises(SlamError) as caught:
        deployed_stage(config, stack(FunctionName="f"), chosen_stage(config, "staging"), "x")
    assert caught.value.lines() == [
        (
            "stage staging has not been deployed yet",
            "`slam deploy` adds the stages of slam.yaml to stack tasks-api",
        )
    ]


def test_where_the_logs_are():
    assert function_log_group("fizzbuzz-Function-1CUMOX2834PA0") == (
        "/aws/lambda/fizzbuzz-Function-1CUMOX2834PA0"
    )
    assert api_log_groups_prefix("a1b2c3d4e5") == "API-Gateway-Execution-Logs_a1b2c3d4e5/"
