from __future__ import annotations

import argparse
import io
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from slam import __version__, cli, commands
from slam.cli import main
from slam.commands import COMMANDS, Command, Invocation, load_command
from slam.settings import AwsOptions

BUGGY_PLUGIN = """
from slam.plugins import Plugin

class Buggy(Plugin):
    name = "buggy"
    config_key = "buggy"

    def init_section(self, args):
        raise ZeroDivisionError("division by zero")

plugin = Buggy()
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]):
    assert run(capsys, "--version") == (0, f"slam {__version__}\n", "")


def test_help_lists_the_commands_and_global_options(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: slam [-h] [--config-file CONFIG_FILE]")
    for text in (
        "init                Generate a configuration file.",
        "--config-file CONFIG_FILE, -c CONFIG_FILE",
        "--region REGION",
        "--profile PROFILE",
        "--debug",
    ):
        assert text in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "the following arguments are required: {"),
        (("deploi",), "invalid choice: 'deploi'"),
        (("build", "--verbose"), "unrecognized arguments: --verbose"),
        (("build", "--version"), "unrecognized arguments: --version"),  # only before it
        (("--config-file",), "argument --config-file/-c: expected one argument"),
    ],
)
def test_usage_errors_exit_with_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err


def test_user_errors_have_no_traceback_unless_debugging(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    (project / "slam.yaml").write_text("x")
    code, out, err = run(capsys, "init", "app:app")
    assert (code, out) == (1, "")
    assert "Traceback" not in err
    code, _, err = run(capsys, "--debug", "init", "app:app")
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert err.endswith(
        "slam: error: slam.yaml already exists\n"
        "hint: edit it, or remove it to start over (slam init never overwrites it)\n"
    )


def test_unexpected_errors_are_one_line_unless_debugging(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    install_plugin: Callable[[str, str, str], None],
):
    install_plugin("buggy", "slam_buggy", BUGGY_PLUGIN)
    assert run(capsys, "init", "app:app") == (
        1,
        "",
        "slam: error: unexpected ZeroDivisionError: division by zero\n"
        "hint: re-run with --debug to see where it happened\n",
    )
    code, _, err = run(capsys, "--debug", "init", "app:app")
    assert code == 1
    assert 'raise ZeroDivisionError("division by zero")' in err
    assert not (project / "slam.yaml").exists()


def test_template_prints_json_and_yaml(project: Path, capsys: pytest.CaptureFixture[str]):
    import json

    import yaml

    assert main(["init", "tasks_api:app", "--wsgi", "--dynamodb-tables", "tasks"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "template")
    assert (code, err) == (0, "")
    template = json.loads(out)
    assert out == json.dumps(template, indent=2) + "\n"
    assert {"Function", "Api", "DevTasksTable"} <= set(template["Resources"])
    code, out, _ = run(capsys, "template", "--format", "yaml")
    assert code == 0
    assert yaml.safe_load(out) == template


def test_template_reports_config_errors(project: Path, capsys: pytest.CaptureFixture[str]):
    assert run(capsys, "template")[:2] == (1, "")
    assert main(["init", "app:app"]) == 0
    capsys.readouterr()
    config = project / "slam.yaml"
    config.write_text(config.read_text().replace("lambda_memory: 128", "lambda_memory: 64"))
    code, out, err = run(capsys, "template")
    assert (code, out) == (1, "")
    assert "slam.yaml:" in err
    assert (
        ": aws.lambda_memory: 64 is out of range\nhint: use a number of MB from 128 to 10240\n"
        in err
    )


def test_deploy_checks_the_names_length_before_building_or_calling_aws(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    (project / "app.py").write_text("def app(event, context):\n    return 1\n")
    (project / "slam.yaml").write_text(
        f"name: {'a' * 129}\nfunction: {{module: app, app: app}}\n"
        "stage_environments: {dev: }\naws: {s3_bucket: packages-a1b2c3d4}\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing answers there
    assert run(capsys, "deploy") == (
        1,
        "",
        "slam: error: slam.yaml:1: name: is 129 characters long, more than 128 "
        "(it names the stack)\nhint: shorten it to 128 characters at most\n",
    )
    assert not (project / ".slam").exists()  # nothing was built


def test_template_refuses_a_clashing_user_resource(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["init", "app:app"]) == 0
    capsys.readouterr()
    config = project / "slam.yaml"
    text = config.read_text().replace(
        "  cfn_resources:\n", "  cfn_resources:\n    Function: {Type: AWS::SQS::Queue}\n"
    )
    config.write_text(text)
    code, out, err = run(capsys, "template")
    assert (code, out) == (1, "")
    assert err.startswith(
        "slam: error: slam.yaml: aws.cfn_resources.Function: logical ID 'Function' is already "
        "used by slam's template\n"
    )


def test_with_debug_a_plugin_that_fails_to_load_shows_where(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    install_plugin: Callable[[str, str, str], None],
):
    install_plugin("broken", "slam_broken", "raise RuntimeError('boom')\n")
    code, _, err = run(capsys, "--debug", "build")
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert err.endswith(
        "slam: error: plugin 'broken' (slam_broken:plugin) failed to load: boom\n"
        "hint: reinstall or uninstall that package\n"
    )


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> list[Invocation]:
    """A command ``probe`` that records what it receives: with ``--crash``, a bug in it
    raises; with ``--say TEXT``, it prints TEXT. Returns the invocations it received."""
    seen: list[Invocation] = []

    def add_arguments(parser: argparse.ArgumentParser, plugins: object) -> None:
        parser.add_argument("--loud", action="store_true")
        parser.add_argument("--crash", action="store_true")
        parser.add_argument("--say")

    def run_probe(invocation: Invocation) -> int:
        seen.append(invocation)
        if invocation.options.crash:
            raise ZeroDivisionError("division by zero")
        if invocation.options.say:
            print(invocation.options.say)
        return 7

    module = types.ModuleType("slam.commands.probe")
    command = Command("Show what a command receives.", run_probe, add_arguments)
    setattr(module, "COMMAND", command)  # noqa: B010  # a module's attribute, as a command defines it
    monkeypatch.setitem(sys.modules, "slam.commands.probe", module)
    monkeypatch.setattr(cli, "COMMANDS", (*COMMANDS, "probe"))
    return seen


def test_a_command_is_one_module_and_one_name_in_the_registry(
    project: Path, capsys: pytest.CaptureFixture[str], probe: list[Invocation]
):
    seen = probe
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "probe               Show what a command receives." in out
    argv = ("-c", "other.yaml", "--region", "eu-west-1", "--profile", "ops", "probe", "--loud")
    assert run(capsys, *argv)[0] == 7
    (invocation,) = seen
    assert invocation.aws == AwsOptions(region="eu-west-1", profile="ops")
    assert invocation.config_file == Path("other.yaml")
    assert invocation.options.loud is True
    assert invocation.debug is False
    assert [plugin.name for plugin in invocation.plugins] == ["wsgi", "dynamodb"]


def test_every_module_in_slam_commands_is_a_registered_command():
    folder = Path(commands.__file__).parent
    modules = sorted(path.stem for path in folder.glob("*.py") if path.stem != "__init__")
    assert sorted(COMMANDS) == modules
    for name in COMMANDS:
        assert isinstance(load_command(name), Command)


def test_global_options_go_after_the_command_too(
    project: Path, capsys: pytest.CaptureFixture[str], probe: list[Invocation]
):
    after = ("probe", "--loud", "-c", "other.yaml", "--region", "eu-west-1", "--debug")
    assert run(capsys, *after, "--profile", "ops")[0] == 7
    assert run(capsys, "-c", "first.yaml", "--region", "us-east-1", "probe", "-c", "x.yaml")[0] == 7
    first, second = probe
    assert first.aws == AwsOptions(region="eu-west-1", profile="ops")
    assert (first.config_file, first.debug, first.options.loud) == (Path("other.yaml"), True, True)
    # after the command, an option replaces its value from before it; the others stay
    assert second.aws == AwsOptions(region="us-east-1", profile=None)
    assert (second.config_file, second.debug) == (Path("x.yaml"), False)


def test_a_commands_help_leaves_the_global_options_to_slams(
    capsys: pytest.CaptureFixture[str], probe: list[Invocation]
):
    code, out, _ = run(capsys, "probe", "--help")
    assert code == 0
    assert out.startswith("usage: slam probe [-h] [--loud] [--crash] [--say SAY]\n")
    assert "--region" not in out
    code, out, _ = run(capsys, "--help")
    assert out.endswith(
        "\n-c, --region, --profile and --debug go before or after the command's name.\n"
    )


def test_debug_after_the_command_shows_the_traceback_and_no_hint_to_use_it(
    project: Path, capsys: pytest.CaptureFixture[str], probe: list[Invocation]
):
    code, out, err = run(capsys, "probe", "--crash", "--debug")
    assert (code, out) == (1, "")
    assert 'raise ZeroDivisionError("division by zero")' in err
    assert err.endswith("slam: error: unexpected ZeroDivisionError: division by zero\n")


class ClosedPipe:
    """Standard output whose reader has gone (``slam template | head -1``): writing, or
    flushing what was written, fails as a closed pipe does."""

    def __init__(self, fails_on: str) -> None:
        self.fails_on = fails_on

    def write(self, text: str) -> int:
        if self.fails_on == "write":
            raise BrokenPipeError(32, "Broken pipe")
        return len(text)

    def flush(self) -> None:
        if self.fails_on == "flush":
            raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("not a file")


@pytest.mark.parametrize("fails_on", ["write", "flush"])
def test_a_closed_output_ends_slam_quietly_with_141(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    probe: list[Invocation],
    fails_on: str,
):
    monkeypatch.setattr(sys, "stdout", ClosedPipe(fails_on))
    assert main(["probe", "--say", "a long template"]) == 141
    assert capsys.readouterr().err == ""
