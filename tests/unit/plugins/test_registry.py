from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from slam.cli import main
from slam.cloudformation import build_template
from slam.config import load_config
from slam.errors import SlamError
from slam.plugins import load_plugins
from slam.tasks.package import runtime_settings

NOTIFY_PLUGIN = """
from dataclasses import dataclass
from slam.plugins import InitOption, Plugin

@dataclass(frozen=True)
class NotifySettings:
    email: str

class NotifyPlugin(Plugin[NotifySettings]):
    name = "notify"
    config_key = "notify"
    init_options = (InitOption("--notify-email", "notify.email", "Where to send alarms."),)

    def init_section(self, args):
        if not args.notify_email:
            return "# notify:\\n#   email: you@example.com\\n"
        return f"notify:\\n  email: {args.notify_email}\\n"

    def parse_config(self, node, config):
        node.mapping(["email"])
        email = node.child("email").string(required=True)
        if email and "@" not in email:
            node.child("email").fail(f"{email!r} is not an email address")
        return NotifySettings(email)

plugin = NotifyPlugin()
"""


def test_builtin_plugins_are_registered_through_entry_points():
    assert [(plugin.name, plugin.config_key) for plugin in load_plugins()] == [
        ("wsgi", "wsgi"),
        ("dynamodb", "dynamodb_tables"),
    ]


def test_an_installed_plugin_adds_options_and_a_config_section(
    project: Path,
    install_plugin: Callable[[str, str, str], None],
    capsys: pytest.CaptureFixture[str],
):
    install_plugin("notify", "slam_notify", NOTIFY_PLUGIN)
    assert [plugin.name for plugin in load_plugins()] == ["wsgi", "dynamodb", "notify"]
    assert main(["init", "--help"]) == 0
    assert "--notify-email NOTIFY_EMAIL" in capsys.readouterr().out
    assert main(["init", "app:app", "--notify-email", "ops@example.com"]) == 0
    assert (
        load_config("slam.yaml", load_plugins()).plugin_settings("notify").email
        == "ops@example.com"
    )


def test_an_installed_plugin_validates_its_section(
    project: Path,
    install_plugin: Callable[[str, str, str], None],
    capsys: pytest.CaptureFixture[str],
):
    install_plugin("notify", "slam_notify", NOTIFY_PLUGIN)
    assert main(["init", "app:app", "--notify-email", "nobody"]) == 2
    assert (
        "slam: error: --notify-email: 'nobody' is not an email address" in capsys.readouterr().err
    )


def test_without_the_plugin_its_section_is_an_unknown_key(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["init", "app:app"]) == 0
    with (project / "slam.yaml").open("a") as config:
        config.write("notify:\n  email: ops@example.com\n")
    with pytest.raises(SlamError, match=r"notify: is not a known setting"):
        load_config("slam.yaml", load_plugins())


def test_a_plugin_that_fails_to_import_is_named(install_plugin: Callable[[str, str, str], None]):
    install_plugin("broken", "slam_broken", "import not_a_module_anywhere\n")
    with pytest.raises(SlamError) as caught:
        load_plugins()
    assert caught.value.message.startswith(
        "plugin 'broken' (slam_broken:plugin) failed to load: No module named"
    )


def test_an_entry_point_that_is_not_a_plugin_is_rejected(
    install_plugin: Callable[[str, str, str], None],
):
    install_plugin("odd", "slam_odd", "plugin = object()\n")
    with pytest.raises(SlamError, match="is not a slam Plugin instance"):
        load_plugins()


def test_two_plugins_may_not_own_the_same_key(install_plugin: Callable[[str, str, str], None]):
    source = NOTIFY_PLUGIN.replace('config_key = "notify"', 'config_key = "wsgi"')
    install_plugin("other", "slam_other", source.replace('name = "notify"', 'name = "other"'))
    with pytest.raises(SlamError, match=r"'other' and 'wsgi' both claim the slam\.yaml key 'wsgi'"):
        load_plugins()


def test_a_broken_plugin_is_a_clean_cli_error(
    project: Path,
    install_plugin: Callable[[str, str, str], None],
    capsys: pytest.CaptureFixture[str],
):
    install_plugin("broken", "slam_broken", "raise RuntimeError('boom')\n")
    assert main(["init", "app:app"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "slam: error: plugin 'broken' (slam_broken:plugin) failed to load: boom\n"
        "hint: reinstall or uninstall that package\n"
    )


BARE_PLUGIN = """
from slam.plugins import Plugin

class BarePlugin(Plugin[dict]):
    name = "bare"
    config_key = "bare"

plugin = BarePlugin()
"""


def test_a_plugin_that_overrides_no_hook_owns_its_section_and_adds_nothing(
    project: Path,
    install_plugin: Callable[[str, str, str], None],
    capsys: pytest.CaptureFixture[str],
):
    assert main(["init", "app:app"]) == 0
    without = (project / "slam.yaml").read_text()
    capsys.readouterr()
    install_plugin("bare", "slam_bare", BARE_PLUGIN)
    (project / "slam.yaml").unlink()
    assert main(["init", "app:app", "--bucket", "b-12345678"]) == 0
    assert "bare" not in (project / "slam.yaml").read_text()
    (project / "slam.yaml").write_text(without + "bare: {anything: [1, 2]}\n")
    config = load_config("slam.yaml", load_plugins())
    (enabled,) = config.plugins
    assert enabled.settings == {"anything": [1, 2]}
    assert enabled.cloudformation(config) == {}
    assert enabled.runtime_options(config) is None
    assert enabled.status_lines(config, {"ApiUrl": "https://example.com"}) == []
    assert enabled.source == project / "site-packages" / "slam_bare.py"
    assert build_template(config) == build_template(replace(config, plugins=()))
    assert runtime_settings(config)["plugins"] == {}


def test_the_same_plugin_installed_twice_counts_once(
    install_plugin: Callable[[str, str, str], None],
):
    install_plugin("notify", "slam_notify", NOTIFY_PLUGIN)
    install_plugin("notify-again", "slam_notify_again", NOTIFY_PLUGIN)
    assert [plugin.name for plugin in load_plugins()] == ["wsgi", "dynamodb", "notify"]
