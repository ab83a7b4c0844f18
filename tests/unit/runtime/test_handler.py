"""The Lambda entry point: settings, importing the app, stages (slam/runtime/handler.py)."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from runtime_events import context_for, rest_event

import slam.runtime

RUNTIME_DIR = Path(slam.runtime.__file__).parent

WSGI_APP = """
import os

IMPORTS = []

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    stage = os.environ["STAGE"] + " " + os.environ["DEBUG"] + " " + os.environ["LAMBDA_VERSION"]
    return [f"{stage} {environ['SCRIPT_NAME']}{environ['PATH_INFO']}".encode()]

with open(os.path.join(os.path.dirname(__file__), "imports.log"), "a") as log:
    log.write("imported\\n")
"""

FUNCTION = """
import os

def fizzbuzz(number):
    return {"answer": "fizz buzz" if number % 15 == 0 else number, "stage": os.environ["STAGE"]}
"""


def settings(module: str, app: str, *, wsgi: bool) -> dict[str, Any]:
    """settings.json as the build step writes it."""
    return {
        "function": {"module": module, "app": app},
        "devstage": "dev",
        "environment": {"IN_LAMBDA": "1"},
        "stage_environments": {"dev": {"DEBUG": "1"}, "prod": {"DEBUG": "0"}},
        "plugins": {"wsgi": {"base_path": None}} if wsgi else {},
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user project on sys.path, and a process environment restored afterwards."""
    (tmp_path / "tasks_api.py").write_text(WSGI_APP)
    (tmp_path / "fizzbuzz.py").write_text(FUNCTION)
    (tmp_path / "needs_flask.py").write_text("import flask_that_is_missing\napp = None\n")
    (tmp_path / "broken.py").write_text("raise RuntimeError('config file not found')\n")
    (tmp_path / "constant.py").write_text("app = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("tasks_api", "fizzbuzz", "needs_flask", "broken", "constant"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    for name in ("STAGE", "LAMBDA_VERSION", "IN_LAMBDA", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def load_handler_module(
    monkeypatch: pytest.MonkeyPatch, settings_file: Path | None = None
) -> ModuleType:
    """Import slam.runtime.handler afresh, as Lambda's init phase does."""
    if settings_file is None:
        monkeypatch.delenv("SLAM_RUNTIME_SETTINGS", raising=False)
    else:
        monkeypatch.setenv("SLAM_RUNTIME_SETTINGS", str(settings_file))
    monkeypatch.delitem(sys.modules, "slam.runtime.handler", raising=False)
    return importlib.import_module("slam.runtime.handler")


def write_settings(directory: Path, content: Any) -> Path:
    path = directory / "settings.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_wsgi_app_is_imported_once_and_served_per_stage(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_settings(project, settings("tasks_api", "app", wsgi=True))
    module = load_handler_module(monkeypatch, path)
    prod = module.handler(rest_event("GET", "/items"), context_for("prod", version="3"))
    dev = module.handler(rest_event("GET", "/items", stage="dev"), context_for("dev"))
    assert prod["body"] == "prod 0 3 /prod/items"
    assert dev["body"] == "dev 1 $LATEST /dev/items"
    assert os.environ["IN_LAMBDA"] == "1"
    assert (project / "imports.log").read_text() == "imported\n"


def test_function_mode(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_settings(project, settings("fizzbuzz", "fizzbuzz", wsgi=False))
    module = load_handler_module(monkeypatch, path)
    answer = module.handler({"kwargs": {"number": 15}}, context_for("prod"))
    assert answer == {"answer": "fizz buzz", "stage": "prod"}


def test_wsgi_plugin_without_options(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = settings("tasks_api", "app", wsgi=True) | {"plugins": {"wsgi": None}}
    content.pop("environment")
    module = load_handler_module(monkeypatch, write_settings(project, content))
    answer = module.handler(rest_event("GET", "/"), context_for())
    assert answer["body"] == "dev 1 $LATEST /prod/"


@pytest.mark.parametrize(
    ("module", "app", "message"),
    [
        ("needs_flask", "app", "'needs_flask:app': No module named 'flask_that_is_missing'"),
        ("not_there", "app", "'not_there:app': No module named 'not_there'"),
        (
            "tasks_api",
            "application",
            "'tasks_api:application': module 'tasks_api' has no attribute",
        ),
        ("broken", "app", "'broken:app': config file not found"),
        ("constant", "app", "app 'constant:app' is not callable: int"),
    ],
)
def test_import_failure_names_module_and_attribute(
    project: Path, monkeypatch: pytest.MonkeyPatch, module: str, app: str, message: str
) -> None:
    path = write_settings(project, settings(module, app, wsgi=True))
    with pytest.raises(ImportError) as raised:
        load_handler_module(monkeypatch, path)
    assert type(raised.value).__name__ == "AppImportError"
    assert str(raised.value).startswith("slam: ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "cannot read runtime settings"),
        ({"devstage": "dev"}, "need function.module, function.app and devstage"),
        ({"function": {"module": "m", "app": "a"}}, "need function.module"),
        ({"function": ["m", "a"], "devstage": "dev"}, "need function.module"),
        ({"function": {"module": "m", "app": ""}, "devstage": "dev"}, "need function.module"),
    ],
)
def test_unusable_settings_are_reported_with_their_path(
    project: Path, monkeypatch: pytest.MonkeyPatch, content: Any, problem: str
) -> None:
    path = write_settings(project, content)
    with pytest.raises(ValueError, match=problem) as raised:
        load_handler_module(monkeypatch, path)
    assert type(raised.value).__name__ == "SettingsError"
    assert str(path) in str(raised.value)


def test_settings_json_beside_the_module_by_default(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError) as raised:
        load_handler_module(monkeypatch)
    assert str(RUNTIME_DIR / "settings.json") in str(raised.value)


def lambda_package(directory: Path, settings_content: dict[str, Any]) -> Path:
    """Lay out a package as the build step does: slam_runtime/ beside the user's code."""
    package = directory / "slam_runtime"
    package.mkdir()
    for source in RUNTIME_DIR.glob("*.py"):
        shutil.copy(source, package / source.name)
    (package / "settings.json").write_text(json.dumps(settings_content))
    return directory


def run_in_lambda_layout(root: Path, event: Any) -> subprocess.CompletedProcess[str]:
    """Import slam_runtime.handler in a bare interpreter (no site-packages) and call it once."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "import slam_runtime.handler as entry;"
        "Context = type('Context', (), {'invoked_function_arn': sys.argv[3],"
        " 'function_version': '1'});"
        "print(json.dumps(entry.handler(json.loads(sys.argv[2]), Context())))"
    )
    arn = context_for("prod").invoked_function_arn
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(root), json.dumps(event), arn],
        capture_output=True,
        text=True,
        check=False,
    )


def test_copied_as_slam_runtime_it_runs_on_the_standard_library_alone(tmp_path: Path) -> None:
    (tmp_path / "tasks_api.py").write_text(WSGI_APP)
    root = lambda_package(tmp_path, settings("tasks_api", "app", wsgi=True))
    result = run_in_lambda_layout(root, rest_event("GET", "/items"))
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "statusCode": 200,
        "multiValueHeaders": {"Content-Type": ["text/plain"]},
        "body": "prod 0 1 /prod/items",
        "isBase64Encoded": False,
    }


def test_missing_dependency_in_lambda_layout(tmp_path: Path) -> None:
    (tmp_path / "tasks_api.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    root = lambda_package(tmp_path, settings("tasks_api", "app", wsgi=True))
    result = run_in_lambda_layout(root, rest_event())
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "slam_runtime.handler.AppImportError: "
        "slam: cannot import app 'tasks_api:app': No module named 'flask'"
    )
