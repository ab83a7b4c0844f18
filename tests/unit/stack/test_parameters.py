"""The stack's parameters for a deploy and a publish, and the "anything to do?" answer."""

from __future__ import annotations

import base64
import hashlib

from slam.config import Config
from slam.remote import Stack
from slam.stack.parameters import (
    code_sha256,
    deploy_parameters,
    deployed_package_key,
    out_of_date,
    package_key,
    package_sha256,
    publish_parameters,
    stage_versions,
    stages_on_latest,
    version_parameter,
)

from .conftest import STACK_ID, MakeConfig

SHA256 = "3d77c9d5b466e2a1f0c8b4d2e6a9c1f3b5d7e9a0c2e4f6a8b0d2e4f6a8c0e2d4"
KEY = f"tasks-api/{SHA256}.zip"
OLD_KEY = "tasks-api/" + "0" * 64 + ".zip"
TEMPLATE_SHA256 = "a" * 64


def deployed(status: str = "UPDATE_COMPLETE", **parameters: str) -> Stack:
    """The stack after a deploy of OLD_KEY, with staging on 2 and prod on 1."""
    held = {
        "LambdaS3Bucket": "tasks-api-packages",
        "LambdaS3Key": OLD_KEY,
        "DevVersion": "$LATEST",
        "StagingVersion": "2",
        "ProdVersion": "1",
        **parameters,
    }
    outputs = {"SlamTemplateSha256": TEMPLATE_SHA256}
    return Stack(STACK_ID, "tasks-api", status, parameters=held, outputs=outputs)


def test_a_package_is_named_by_its_hash():
    assert package_key("tasks-api", SHA256) == KEY
    assert package_sha256(KEY) == SHA256
    assert package_sha256("tasks-api/lambda_package.zip") is None
    assert package_sha256(f"tasks-api/{SHA256}.zip.old") is None


def test_lambda_reports_a_packages_hash_in_base64():
    zipped = b"PK\x05\x06" + bytes(18)  # an empty zip
    digest = hashlib.sha256(zipped)
    key = package_key("tasks-api", digest.hexdigest())
    assert code_sha256(key) == base64.b64encode(digest.digest()).decode()  # Lambda's CodeSha256
    assert code_sha256("tasks-api/lambda_package.zip") is None


def test_each_stage_has_its_version_parameter(config: Config):
    assert version_parameter(config, "staging") == "StagingVersion"


def test_the_deployed_package_is_the_stacks_parameter():
    assert deployed_package_key(deployed()) == OLD_KEY
    assert deployed_package_key(Stack(STACK_ID, "tasks-api", "REVIEW_IN_PROGRESS")) is None


def test_stages_run_what_the_stack_holds_and_new_ones_latest(make_config: MakeConfig):
    assert stage_versions(make_config(), None) == {
        "dev": "$LATEST",
        "staging": "$LATEST",
        "prod": "$LATEST",
    }
    before = deployed().parameters
    # staging was added to slam.yaml since the last deploy
    stack = Stack(
        STACK_ID,
        "tasks-api",
        "UPDATE_COMPLETE",
        parameters={name: value for name, value in before.items() if name != "StagingVersion"},
    )
    assert stage_versions(make_config(), stack) == {
        "dev": "$LATEST",
        "staging": "$LATEST",
        "prod": "1",
    }


def test_a_deploy_moves_its_stage_to_latest_and_keeps_the_others(config: Config):
    assert deploy_parameters(config, KEY, "staging", deployed()) == {
        "LambdaS3Bucket": "tasks-api-packages",
        "LambdaS3Key": KEY,
        "DevVersion": "$LATEST",
        "StagingVersion": "$LATEST",
        "ProdVersion": "1",
    }


def test_a_first_deploy_puts_every_stage_on_latest(config: Config):
    assert deploy_parameters(config, KEY, "dev", None) == {
        "LambdaS3Bucket": "tasks-api-packages",
        "LambdaS3Key": KEY,
        "DevVersion": "$LATEST",
        "StagingVersion": "$LATEST",
        "ProdVersion": "$LATEST",
    }


def test_a_publish_moves_one_stage_and_keeps_every_other_value(config: Config):
    assert publish_parameters(config, "prod", "4") == {
        "LambdaS3Bucket": None,
        "LambdaS3Key": None,
        "DevVersion": None,
        "StagingVersion": None,
        "ProdVersion": "4",
    }


def test_the_stages_on_latest_get_the_new_code(config: Config):
    parameters = deploy_parameters(config, KEY, "dev", deployed(ProdVersion="$LATEST"))
    assert stages_on_latest(config, parameters) == ["dev", "prod"]
    assert stages_on_latest(config, publish_parameters(config, "prod", "4")) == []


def test_an_unchanged_deployment_is_up_to_date(config: Config):
    stack = deployed(LambdaS3Key=KEY)
    parameters = deploy_parameters(config, KEY, "dev", stack)
    assert out_of_date(stack, TEMPLATE_SHA256, parameters) == []
    rolled_back = deployed("UPDATE_ROLLBACK_COMPLETE", LambdaS3Key=KEY)
    assert out_of_date(rolled_back, TEMPLATE_SHA256, parameters) == []


def test_what_makes_a_deployment_out_of_date(config: Config):
    stack = deployed()
    parameters = deploy_parameters(config, KEY, "staging", stack)
    assert out_of_date(stack, "b" * 64, parameters) == [
        "the template changed",
        f"LambdaS3Key changes from {OLD_KEY} to {KEY}",
        "StagingVersion changes from 2 to $LATEST",
    ]
    assert out_of_date(None, TEMPLATE_SHA256, parameters) == ["the stack does not exist yet"]
    busy = deployed("UPDATE_IN_PROGRESS")
    assert out_of_date(busy, TEMPLATE_SHA256, parameters) == ["the stack is UPDATE_IN_PROGRESS"]
    bare = Stack(STACK_ID, "tasks-api", "CREATE_COMPLETE")
    assert out_of_date(bare, TEMPLATE_SHA256, {"LambdaS3Key": KEY}) == [
        "the template changed",
        f"LambdaS3Key changes from (none) to {KEY}",
    ]
