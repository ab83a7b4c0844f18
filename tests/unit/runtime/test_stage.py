"""The stage of each invocation and its environment (slam/runtime/stage.py)."""

from __future__ import annotations

import os

import pytest
from runtime_events import FUNCTION_ARN, context_for

from slam.runtime.stage import StageEnvironment

ENVIRONMENT = {"IN_LAMBDA": "1", "LOG_LEVEL": "info"}
STAGES = {
    "dev": {"DEBUG": "1", "DEV_ONLY": "yes"},
    "staging": {"DEBUG": "1", "LOG_LEVEL": "debug"},
    "prod": {"DEBUG": "0", "PROD_ONLY": "yes", "RETRIES": 3},
}


def stages(environ: dict[str, str]) -> StageEnvironment:
    return StageEnvironment("dev", ENVIRONMENT, STAGES, environ)


@pytest.mark.parametrize(
    ("arn", "stage"),
    [
        (f"{FUNCTION_ARN}:prod", "prod"),
        (f"{FUNCTION_ARN}:staging", "staging"),
        (f"{FUNCTION_ARN}:dev", "dev"),
        (f"{FUNCTION_ARN}:$LATEST", "dev"),
        (f"{FUNCTION_ARN}:7", "dev"),
        (f"{FUNCTION_ARN}:qa", "dev"),
        (FUNCTION_ARN, "dev"),
        ("", "dev"),
    ],
)
def test_stage_is_the_alias_when_it_is_a_stage(arn: str, stage: str) -> None:
    assert stages({}).stage_for(arn) == stage


def test_each_stage_gets_its_variables() -> None:
    environ = {"PATH": "/usr/bin"}
    environment = stages(environ)
    assert environment.apply(context_for("prod", version="7")) == "prod"
    assert environ == {
        "PATH": "/usr/bin",
        "IN_LAMBDA": "1",
        "LOG_LEVEL": "info",
        "DEBUG": "0",
        "PROD_ONLY": "yes",
        "RETRIES": "3",
        "STAGE": "prod",
        "LAMBDA_VERSION": "7",
    }


def test_variables_of_another_stage_do_not_survive() -> None:
    environ: dict[str, str] = {}
    environment = stages(environ)
    environment.apply(context_for("prod", version="7"))
    environment.apply(context_for("staging"))
    assert environ == {
        "IN_LAMBDA": "1",
        "LOG_LEVEL": "debug",
        "DEBUG": "1",
        "STAGE": "staging",
        "LAMBDA_VERSION": "$LATEST",
    }
    environment.apply(context_for())
    assert environ == {
        "IN_LAMBDA": "1",
        "LOG_LEVEL": "info",
        "DEBUG": "1",
        "DEV_ONLY": "yes",
        "STAGE": "dev",
        "LAMBDA_VERSION": "$LATEST",
    }


def test_devstage_without_variables_of_its_own() -> None:
    environ = {"DEBUG": "left over"}
    StageEnvironment("dev", {}, {"prod": {"DEBUG": "0"}}, environ).apply(context_for())
    assert environ == {"STAGE": "dev", "LAMBDA_VERSION": "$LATEST"}


def test_context_without_lambda_attributes_means_devstage() -> None:
    environ: dict[str, str] = {}
    assert stages(environ).apply(object()) == "dev"
    assert environ["LAMBDA_VERSION"] == "$LATEST"


def test_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROD_ONLY", "left over")
    monkeypatch.delenv("STAGE", raising=False)
    monkeypatch.delenv("LAMBDA_VERSION", raising=False)
    for name in ("IN_LAMBDA", "LOG_LEVEL", "DEBUG", "DEV_ONLY"):
        monkeypatch.delenv(name, raising=False)
    StageEnvironment("dev", ENVIRONMENT, STAGES).apply(context_for("dev"))
    assert os.environ["STAGE"] == "dev"
    assert os.environ["DEV_ONLY"] == "yes"
    assert "PROD_ONLY" not in os.environ
