from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest

from slam import atomic
from slam.cli import main
from slam.config import guess_runtime, load_config
from slam.plugins import load_plugins

DONE = (
    "The configuration file for your project has been generated. "
    "Remember to add slam.yaml to source control.\n"
)
ADDED = "slam: added .slam/ (slam's build state) to .gitignore\n"


def init(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["init", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_basic_tutorial(project: Path, capsys: pytest.CaptureFixture[str]):
    assert init(capsys, "fizzbuzz:fizzbuzz") == (0, DONE, ADDED)
    config = load_config(project / "slam.yaml", load_plugins())
    assert config.name == "fizzbuzz"
    assert (config.function.module, config.function.app) == ("fizzbuzz", "fizzbuzz")
    assert re.fullmatch(r"fizzbuzz-[a-z0-9]{8}", config.aws.s3_bucket)
    assert (config.aws.lambda_timeout, config.aws.lambda_memory) == (10, 128)
    assert config.stages == ("dev",)
    assert config.devstage == "dev"
    assert config.requirements == "requirements.txt"
    assert config.aws.lambda_runtime == guess_runtime()
    assert config.aws.lambda_architecture == "x86_64"
    assert config.plugins == ()


def test_seed_examples(project: Path, capsys: pytest.CaptureFixture[str]):
    assert init(capsys, "fizzbuzz:fizzbuzz", "--stages", "dev,prod")[0] == 0
    assert load_config("slam.yaml", load_plugins()).stages == ("dev", "prod")
    os.remove("slam.yaml")
    argv = [
        "tasks_api:app",
        "--wsgi",
        "--stages",
        "dev,staging,prod",
        "--dynamodb-tables",
        "users,tasks",
    ]
    assert init(capsys, *argv) == (0, DONE, "")  # .gitignore has .slam/ already
    config = load_config("slam.yaml", load_plugins())
    assert config.name == "tasks-api"
    assert config.stages == ("dev", "staging", "prod")
    assert config.plugin_settings("wsgi").deploy_api_gateway is True
    assert [table.name for table in config.plugin_settings("dynamodb").tables] == ["users", "tasks"]
    assert all(
        table.hash_key == "id" and table.throughput is None
        for table in config.plugin_settings("dynamodb").tables
    )


def test_every_option_is_written(project: Path, capsys: pytest.CaptureFixture[str]):
    description = "Quotes \" and ' newline\n braces {{ x }} # hash - dash: colon"
    argv = [
        "pkg.app_module:application",
        "--name",
        "My-Api",
        "--description",
        description,
        "--bucket",
        "my.bucket-1",
        "--timeout",
        "900",
        "--memory",
        "10240",
        "--stages",
        "dev, qa ,prod",
        "--requirements",
        "requirements/lambda.txt",
        "--runtime",
        "python3.13",
        "--architecture",
        "arm64",
        "--wsgi",
        "--no-api-gateway",
        "--dynamodb-tables",
        "users",
    ]
    assert init(capsys, *argv)[0] == 0
    config = load_config("slam.yaml", load_plugins())
    assert config.name == "My-Api"
    assert config.description == description
    assert (config.function.module, config.function.app) == ("pkg.app_module", "application")
    assert config.aws.s3_bucket == "my.bucket-1"
    assert (config.aws.lambda_timeout, config.aws.lambda_memory) == (900, 10240)
    assert config.stages == ("dev", "qa", "prod")
    assert config.requirements == "requirements/lambda.txt"
    assert config.aws.lambda_runtime == "python3.13"
    assert config.aws.lambda_architecture == "arm64"
    assert config.plugin_settings("wsgi").deploy_api_gateway is False


def test_name_and_bucket_come_from_the_module(project: Path, capsys: pytest.CaptureFixture[str]):
    assert init(capsys, "My_Service.main:app")[0] == 0
    config = load_config("slam.yaml", load_plugins())
    assert config.name == "My-Service-main"
    assert re.fullmatch(r"my-service-main-[a-z0-9]{8}", config.aws.s3_bucket)


def test_long_names_give_a_valid_bucket(project: Path, capsys: pytest.CaptureFixture[str]):
    assert init(capsys, "a" * 70 + ":app")[0] == 0
    assert len(load_config("slam.yaml", load_plugins()).aws.s3_bucket) == 63


WSGI = ([], ["--wsgi"], ["--wsgi", "--no-api-gateway"])
TABLES = ([], ["--dynamodb-tables", "tasks"], ["--dynamodb-tables", "users,tasks"])
STAGES = ([], ["--stages", "dev,staging,prod"], ["--stages", "my-stage"])
OTHER = ([], ["--architecture", "arm64", "--runtime", "python3.14"])


@pytest.mark.parametrize(
    "argv",
    [list(itertools.chain(*combo)) for combo in itertools.product(WSGI, TABLES, STAGES, OTHER)],
)
def test_every_combination_writes_a_valid_file(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
):
    assert init(capsys, "app:app", *argv) == (0, DONE, ADDED)
    config = load_config("slam.yaml", load_plugins())
    assert (config.plugin_settings("wsgi") is not None) == ("--wsgi" in argv)
    assert (config.plugin_settings("dynamodb") is not None) == ("--dynamodb-tables" in argv)


def test_refuses_to_overwrite(project: Path, capsys: pytest.CaptureFixture[str]):
    (project / "slam.yaml").write_text("mine\n")
    code, out, err = init(capsys, "fizzbuzz:fizzbuzz")
    assert (code, out) == (1, "")
    assert err.startswith("slam: error: slam.yaml already exists\nhint: ")
    assert (project / "slam.yaml").read_text() == "mine\n"


def test_custom_config_file(project: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["-c", "deploy.yaml", "init", "fizzbuzz:fizzbuzz"]) == 0
    assert "Remember to add deploy.yaml to source control." in capsys.readouterr().out
    assert load_config("deploy.yaml", load_plugins()).name == "fizzbuzz"
    assert not (project / "slam.yaml").exists()


def test_config_file_in_missing_folder(project: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["-c", "nope/slam.yaml", "init", "fizzbuzz:fizzbuzz"]) == 1
    assert "folder nope does not exist" in capsys.readouterr().err
    assert os.listdir(project) == []


@pytest.mark.parametrize("function", ["fizzbuzz", "a:b:c", "1mod:f", "mod:", ":f", "mod:f-g"])
def test_malformed_function_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], function: str
):
    code, _, err = init(capsys, function)
    assert code == 2
    assert "is not in the format module:function" in err
    assert os.listdir(project) == []


BAD_OPTIONS = [
    (["--timeout", "1000"], "slam: error: --timeout: 1000 is out of range"),
    (["--timeout", "ten"], "argument --timeout: invalid int value: 'ten'"),
    (["--memory", "64"], "slam: error: --memory: 64 is out of range"),
    (["--runtime", "python2.7"], "slam: error: --runtime: the string 'python2.7' is not one of"),
    (["--architecture", "aarch64"], "slam: error: --architecture: the string 'aarch64' is not"),
    (["--name", "my_app"], "slam: error: --name: 'my_app' is not valid"),
    (["--bucket", "Bad_Bucket"], "slam: error: --bucket: 'Bad_Bucket' is not a valid S3 bucket"),
    (["--stages", "dev,my stage"], "slam: error: --stages: stage name 'my stage' is not valid"),
    (["--stages", ","], "slam: error: --stages: needs at least one stage"),
    (["--stages", "a-b,a_b"], "slam: error: --stages: stages 'a-b' and 'a_b' are too similar"),
    (["--description", "x" * 300], "slam: error: --description: is 300 characters long"),
    (["--no-api-gateway"], "slam: error: --no-api-gateway only applies to WSGI apps"),
    (["--dynamodb-tables", ","], "slam: error: --dynamodb-tables needs at least one table name"),
    (["--dynamodb-tables", "a/b"], "slam: error: --dynamodb-tables: table name 'a/b' is not"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_OPTIONS)
def test_bad_option_values_write_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
):
    code, out, err = init(capsys, "app:app", *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert os.listdir(project) == []


def test_deprecated_runtime_is_written_with_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    code, out, err = init(capsys, "app:app", "--runtime", "python3.10")
    assert (code, out) == (0, DONE)
    assert err == (
        "slam: warning: slam.yaml: aws.lambda_runtime: AWS deprecated python3.10 on 2026-10-31; "
        "consider moving to python3.14\n" + ADDED
    )


def test_ctrl_c_while_writing_leaves_nothing_behind(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "link", interrupted)
    code, _, err = init(capsys, "fizzbuzz:fizzbuzz")
    assert code == 130
    assert err == "slam: interrupted\n"
    assert os.listdir(project) == []


GITIGNORES = {
    "absent": (None, "# slam's build state\n.slam/\n"),
    "without the entry": ("*.pyc\n", "*.pyc\n# slam's build state\n.slam/\n"),
    "without a last newline": ("venv", "venv\n# slam's build state\n.slam/\n"),
}


@pytest.mark.parametrize(("before", "after"), GITIGNORES.values(), ids=GITIGNORES.keys())
def test_init_adds_the_build_state_to_gitignore(
    project: Path, capsys: pytest.CaptureFixture[str], before: str | None, after: str
):
    if before is not None:
        (project / ".gitignore").write_text(before)
    assert init(capsys, "app:app") == (0, DONE, ADDED)
    assert (project / ".gitignore").read_text() == after


@pytest.mark.parametrize("line", [".slam/", "/.slam", ".slam", "  .slam/*  ", "!.slam/"])
def test_a_gitignore_that_covers_the_build_state_is_left_alone(
    project: Path, capsys: pytest.CaptureFixture[str], line: str
):
    (project / ".gitignore").write_text(f"*.pyc\n{line}\nvenv/\n")
    assert init(capsys, "app:app") == (0, DONE, "")
    assert (project / ".gitignore").read_text() == f"*.pyc\n{line}\nvenv/\n"


def test_the_gitignore_beside_a_config_file_elsewhere(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    (project / "api").mkdir()
    code, out, err = init_with(capsys, "-c", "api/slam.yaml")
    assert (code, out) == (0, DONE.replace("slam.yaml", "api/slam.yaml"))
    assert err == "slam: added .slam/ (slam's build state) to api/.gitignore\n"
    assert (project / "api" / ".gitignore").read_text() == "# slam's build state\n.slam/\n"
    assert not (project / ".gitignore").exists()


def init_with(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    code = main([*options, "init", "app:app"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_gitignore_slam_cannot_write_is_left_to_the_user(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    (project / ".gitignore").mkdir()
    code, out, err = init(capsys, "app:app")
    assert (code, out) == (0, DONE)
    assert err == (
        "slam: warning: could not add .slam/ to .gitignore: Is a directory; add it yourself, "
        "so that slam's build state stays out of source control\n"
    )
    (project / ".gitignore").rmdir()
    os.remove("slam.yaml")
    (project / ".gitignore").write_bytes(b"caf\xe9\n")
    assert init(capsys, "app:app")[2] == (
        "slam: warning: could not add .slam/ to .gitignore: it is not UTF-8 text; add it "
        "yourself, so that slam's build state stays out of source control\n"
    )
    assert (project / ".gitignore").read_bytes() == b"caf\xe9\n"


LONG_MODULE = "a" * 129


@pytest.mark.parametrize(
    ("argv", "message", "hint"),
    [
        (
            [f"{LONG_MODULE}:app"],
            "function: the project name comes from the module, and is 129 characters long, "
            "more than 128 (it names the stack)",
            "choose a shorter one with --name",
        ),
        (
            ["app:app", "--name", LONG_MODULE],
            "--name: is 129 characters long, more than 128 (it names the stack)",
            "choose a shorter name",
        ),
        (
            ["_app:app"],
            "function: the project name comes from the module: '-app' is not valid: use "
            "letters, digits and hyphens, starting with a letter (it names the stack)",
            "choose a name with --name",
        ),
    ],
    ids=["long module", "long --name", "module starting with _"],
)
def test_a_name_that_cannot_name_the_stack_says_why_and_where_it_came_from(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str, hint: str
):
    assert init(capsys, *argv) == (2, "", f"slam: error: {message}\nhint: {hint}\n")
    assert os.listdir(project) == []


def test_a_name_of_128_characters_is_fine(project: Path, capsys: pytest.CaptureFixture[str]):
    assert init(capsys, f"{'a' * 128}:app")[0] == 0
    assert load_config("slam.yaml", load_plugins()).name == "a" * 128
