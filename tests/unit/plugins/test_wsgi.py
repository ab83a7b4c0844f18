"""The wsgi plugin on its own: its init options, its section, its fragment and runtime options."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from slam.config import Config, config_from_text
from slam.errors import UsageError
from slam.plugins import load_plugins
from slam.plugins.wsgi import WsgiSettings, plugin
from slam.schema import ConfigError

CORE = """
name: api
function: {module: api, app: app}
stage_environments: {dev: , prod: }
aws: {s3_bucket: api-abcd1234}
"""


def parse(section: str) -> Config:
    return config_from_text(CORE + section, "slam.yaml", load_plugins())


def problems(section: str) -> list[tuple[str, str | None]]:
    with pytest.raises(ConfigError) as caught:
        parse(section)
    return caught.value.lines()


def init_args(**options: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"wsgi": False, "no_api_gateway": False, **options})


def test_an_empty_section_enables_it_with_the_defaults():
    assert parse("wsgi:\n").plugin_settings("wsgi") == WsgiSettings()
    assert parse("").plugin_settings("wsgi") is None


def test_every_key():
    config = parse("wsgi: {deploy_api_gateway: false, log_stages: [prod], base_path: /api/v1}\n")
    assert config.plugin_settings("wsgi") == WsgiSettings(False, ("prod",), "/api/v1")


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "wsgi: {log_stages: [dev, qa]}\n",
            (
                "slam.yaml:6: wsgi.log_stages[1]: 'qa' is not a configured stage",
                "use stages from stage_environments: dev, prod",
            ),
        ),
        (
            "wsgi: {base_path: api/}\n",
            (
                "slam.yaml:6: wsgi.base_path: 'api/' is not a valid base path",
                "write it like /api, with no trailing /",
            ),
        ),
        (
            "wsgi: {deploy_api_gateway: yes please}\n",
            (
                "slam.yaml:6: wsgi.deploy_api_gateway: must be true or false, "
                "not the string 'yes please'",
                None,
            ),
        ),
    ],
)
def test_mistakes_name_the_key_and_the_fix(section: str, expected: tuple[str, str | None]):
    assert problems(section) == [expected]


def test_an_empty_base_path_is_none():
    assert parse("wsgi: {base_path: ''}\n").plugin_settings("wsgi").base_path is None


def test_init_writes_the_section_only_when_asked_and_documents_it_otherwise():
    enabled = plugin.init_section(init_args(wsgi=True, no_api_gateway=True))
    assert "\nwsgi:\n  # Create an API Gateway" in enabled
    assert "deploy_api_gateway: false\n" in enabled
    disabled = plugin.init_section(init_args())
    assert "\nwsgi:" not in disabled
    assert "# wsgi:\n#   deploy_api_gateway: true\n" in disabled


def test_no_api_gateway_without_wsgi_is_a_usage_error():
    with pytest.raises(UsageError) as caught:
        plugin.init_section(init_args(no_api_gateway=True))
    assert (caught.value.message, caught.value.hint) == (
        "--no-api-gateway only applies to WSGI apps",
        "add --wsgi",
    )


def test_its_init_options_set_its_keys():
    assert [(option.flag, option.key, option.switch) for option in plugin.init_options] == [
        ("--wsgi", "wsgi", True),
        ("--no-api-gateway", "wsgi.deploy_api_gateway", True),
    ]


def test_without_api_gateway_it_adds_nothing_to_the_stack():
    config = parse("wsgi: {deploy_api_gateway: false}\n")
    (enabled,) = config.plugins
    assert enabled.cloudformation(config) == {}


def test_with_api_gateway_it_adds_the_api_and_a_stage_per_slam_stage():
    config = parse("wsgi:\n")
    (enabled,) = config.plugins
    resources = enabled.cloudformation(config)["Resources"]
    assert resources["Api"]["Type"] == "AWS::ApiGateway::RestApi"
    stages = {
        entry["Properties"]["StageName"]
        for entry in resources.values()
        if entry["Type"] == "AWS::ApiGateway::Stage"
    }
    assert stages == {"dev", "prod"}


def test_the_runtime_receives_the_base_path():
    config = parse("wsgi: {base_path: /api}\n")
    (enabled,) = config.plugins
    assert enabled.runtime_options(config) == {"base_path": "/api"}
