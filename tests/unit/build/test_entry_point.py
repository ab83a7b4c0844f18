"""Checking ``function.module`` and ``function.app`` from the package's sources."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from slam.build.entry_point import check_entry_point
from slam.build.interpreters import Interpreter
from slam.errors import SlamError

OWN_VERSION = f"{sys.version_info[0]}.{sys.version_info[1]}"
OLDER = f"3.{sys.version_info[1] - 1}"
NEWER = f"3.{sys.version_info[1] + 1}"
THIS_PYTHON = Interpreter(OWN_VERSION, sys.executable)


def check(
    root: Path,
    files: dict[str, str | bytes],
    module: str = "app",
    app: str = "handler",
    deps: dict[str, str] | None = None,
    python: Interpreter = THIS_PYTHON,
    left_out: tuple[str, ...] = (),
) -> None:
    """Write ``files`` under ``root`` and ``deps`` into a deps zip, then check the entry
    point, with the files in ``left_out`` written but not packaged."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    deps_zip = root / ".slam" / "deps.zip"
    deps_zip.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(deps_zip, "w") as archive:
        for name, text in (deps or {}).items():
            archive.writestr(name, text)
    packaged = [name for name in files if name not in left_out]
    check_entry_point({"module": module, "app": app}, root, packaged, deps_zip, python)


def failure(root: Path, files: dict[str, str | bytes], **options: object) -> tuple[str, str | None]:
    with pytest.raises(SlamError) as caught:
        check(root, files, **options)  # type: ignore[arg-type]
    return caught.value.message, caught.value.hint


HANDLER = "def handler(event, context):\n    return 1\n"


# -- where the module is ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "module"),
    [
        ({"app.py": HANDLER}, "app"),
        ({"app/__init__.py": HANDLER}, "app"),
        ({"api/__init__.py": "", "api/app.py": HANDLER}, "api.app"),
        ({"api/v1/app.py": HANDLER}, "api.v1.app"),  # namespace packages need no __init__
    ],
)
def test_a_project_module_is_found(tmp_path: Path, files: dict[str, str], module: str):
    check(tmp_path, files, module=module)


def test_a_package_wins_over_a_module_of_the_same_name(tmp_path: Path):
    # Python imports app/__init__.py, so that is the source checked
    message, _ = failure(tmp_path, {"app.py": HANDLER, "app/__init__.py": "x = 1\n"})
    assert (
        message == "app/__init__.py: function.app 'handler' is not defined at the top level of app"
    )


def test_a_module_installed_from_the_requirements_is_found_and_read(tmp_path: Path):
    check(tmp_path, {"notes.txt": ""}, module="vendor.entry", deps={"vendor/entry.py": HANDLER})
    message, _ = failure(
        tmp_path,
        {"notes.txt": ""},
        module="vendor.entry",
        app="nope",
        deps={"vendor/entry.py": HANDLER},
    )
    assert message.startswith("vendor/entry.py: function.app 'nope' is not defined")


def test_an_installed_extension_module_is_accepted_unread(tmp_path: Path):
    deps = {"fastapp.cpython-312-x86_64-linux-gnu.so": "\x7fELF"}
    check(tmp_path, {"notes.txt": ""}, module="fastapp", app="anything", deps=deps)


def test_a_misspelled_module_suggests_the_closest(tmp_path: Path):
    files = {"fizzbuzz.py": HANDLER, "lib/__init__.py": "", "lib/helpers.py": ""}
    assert failure(tmp_path, files, module="fizzbuz") == (
        "function.module 'fizzbuz' is not a module in the package",
        "did you mean 'fizzbuzz'? (function.module in slam.yaml)",
    )
    assert failure(tmp_path, files, module="lib.helper")[1] == (
        "did you mean 'lib.helpers'? (function.module in slam.yaml)"
    )


def test_an_unknown_module_lists_the_packages_modules(tmp_path: Path):
    files = {f"module{index}.py": "" for index in range(7)}
    assert failure(tmp_path, files, module="handlers") == (
        "function.module 'handlers' is not a module in the package",
        "the package's modules are: module0, module1, module2, module3, module4, ...",
    )


def test_a_package_without_python_modules_says_so(tmp_path: Path):
    assert failure(tmp_path, {"index.html": ""}, module="app")[1] == (
        "the package holds no Python module: check package.exclude"
    )


def test_a_module_left_out_of_the_package_is_named(tmp_path: Path):
    assert failure(tmp_path, {"app.py": HANDLER}, left_out=("app.py",)) == (
        "app.py holds function.module 'app', but the package leaves it out",
        "name it in package.include in slam.yaml, or take it out of package.exclude",
    )


def test_a_folder_without_init_is_not_a_module_to_import_from(tmp_path: Path):
    assert failure(tmp_path, {"api/views.py": HANDLER}, module="api") == (
        "function.module 'api' is not a module in the package: api/ has no __init__.py",
        "add api/__init__.py",
    )


# -- whether it compiles ---------------------------------------------------------------


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path):
    source = "import json\n\ndef handler(event, context)\n    return 1\n"
    assert failure(tmp_path, {"app.py": source}) == (
        "app.py:3: expected ':'",
        f"Lambda's python{OWN_VERSION} cannot import function.module 'app' until this is fixed",
    )


def test_what_only_the_compiler_rejects_is_found_too(tmp_path: Path):
    message, _ = failure(tmp_path, {"api/__init__.py": "x = 1\nreturn x\n"}, module="api")
    assert message == "api/__init__.py:2: 'return' outside function"


def test_a_syntax_warning_is_no_error(tmp_path: Path):
    check(tmp_path, {"app.py": 'PATTERN = "\\d+"\n' + HANDLER})


def test_a_null_byte_is_reported(tmp_path: Path):
    message, _ = failure(tmp_path, {"app.py": b"x = 1\x00\n"}, app="x")
    assert message.startswith("app.py")
    assert "null bytes" in message


def test_an_older_runtime_refuses_syntax_it_does_not_have(tmp_path: Path):
    older = Interpreter(OLDER, None, f"no python{OLDER} on PATH")
    source = "try:\n    pass\nexcept* ValueError:\n    pass\n" + HANDLER  # Python 3.11 syntax
    if sys.version_info < (3, 11):
        source = "match 1:\n    case 1:\n        pass\n" + HANDLER  # Python 3.10 syntax
    message, hint = failure(tmp_path, {"app.py": source}, python=older)
    assert message.startswith("app.py:")
    assert "only supported in Python 3.1" in message
    assert hint == f"Lambda's python{OLDER} cannot import function.module 'app' until this is fixed"


def test_a_newer_runtime_without_its_python_lets_through_what_this_one_cannot_parse(
    tmp_path: Path,
):
    # the newer Python may read it (new syntax), and there is no telling here: no refusal
    newer = Interpreter(NEWER, None, f"no python{NEWER} on PATH")
    check(tmp_path, {"app.py": "def handler(:\n"}, python=newer)
    # what this Python can parse is still checked
    message, _ = failure(tmp_path, {"app.py": HANDLER}, app="handlr", python=newer)
    assert message == "app.py: function.app 'handlr' is not defined at the top level of app"


def test_another_runtime_is_read_by_its_own_python(tmp_path: Path):
    calls = tmp_path / "calls"
    # stands in for a Python of another version: notes its arguments, then runs as this one
    program = tmp_path / "bin" / f"python{NEWER}"
    program.parent.mkdir()
    program.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {sys.executable} "$@"\n')
    program.chmod(0o755)
    other = Interpreter(NEWER, str(program))
    project = tmp_path / "project"
    message, hint = failure(project, {"app.py": "def handler(:\n"}, python=other)
    assert message == "app.py:1: invalid syntax"
    assert hint == f"Lambda's python{NEWER} cannot import function.module 'app' until this is fixed"
    check(project, {"app.py": HANDLER}, python=other)
    assert calls.read_text().splitlines()[0].endswith("slam/build/top_level.py app.py")


def test_a_failing_runtime_python_is_a_clear_error(tmp_path: Path):
    program = tmp_path / "bin" / f"python{NEWER}"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho 'Fatal Python error: init failed' >&2\nexit 1\n")
    program.chmod(0o755)
    project = tmp_path / "project"
    assert failure(project, {"app.py": HANDLER}, python=Interpreter(NEWER, str(program))) == (
        f"checking function.module with {program} failed: Fatal Python error: init failed",
        "re-run with --debug, and report it to slam's issue tracker",
    )


# -- whether the app is defined at the top level ---------------------------------------

DEFINED = {
    "def": "def app(event, context):\n    pass\n",
    "async def": "async def app(scope, receive, send):\n    pass\n",
    "class": "class app:\n    pass\n",
    "assignment": "app = make_app()\n",
    "chained assignment": "application = app = make_app()\n",
    "annotated assignment": "app: Flask = Flask(__name__)\n",
    "augmented assignment": "app = None\napp += 1\n",
    "tuple target": "first, app = make_apps()\n",
    "list target with a star": "[first, *app] = make_apps()\n",
    "import": "import app\n",
    "dotted import": "import app.views\n",
    "import as": "from mangum import Mangum as app\n",
    "from import": "from .factory import app\n",
    "from import in parentheses": "from .factory import (\n    other,\n    app,\n)\n",
    "star import": "from .factory import *\n",
    "module __getattr__": "def __getattr__(name):\n    return 1\n",
    "inside if": "import os\nif os.environ.get('X'):\n    app = 1\nelse:\n    app = 2\n",
    "inside try": "try:\n    from fast import app\nexcept ImportError:\n    from slow import app\n",
    "inside except": "try:\n    import fast\nexcept ImportError:\n    app = 2\n",
    "inside finally": "try:\n    pass\nfinally:\n    app = 1\n",
    "inside with": "with open('x') as f:\n    app = f.read()\n",
    "with target": "with make_app() as app:\n    pass\n",
    "for target": "for app in range(3):\n    pass\n",
    "inside while": "while True:\n    app = 1\n    break\n",
    "inside match": "match 1:\n    case 1:\n        app = 1\n",
    "walrus": "if (app := make_app()):\n    pass\n",
    "global in a function": "def setup():\n    global app\n    app = 1\nsetup()\n",
}


@pytest.mark.parametrize("source", DEFINED.values(), ids=DEFINED.keys())
def test_an_app_bound_at_the_top_level_is_found(tmp_path: Path, source: str):
    check(tmp_path, {"main.py": source}, module="main", app="app")


NOT_DEFINED = {
    "only inside a function": "def make():\n    app = 1\n    return app\n",
    "only inside a class": "class Factory:\n    app = 1\n",
    "annotation without a value": "app: Flask\n",
    "attribute": "import flask\nflask.app = 1\n",
    "subscript": "registry = {}\nregistry['app'] = 1\n",
    "except name": "try:\n    pass\nexcept ValueError as app:\n    pass\n",
    "walrus in a lambda": "make = lambda: (app := 1)\n",
    "walrus in a nested function": "def make():\n    if (app := 1):\n        pass\n",
}


@pytest.mark.parametrize("source", NOT_DEFINED.values(), ids=NOT_DEFINED.keys())
def test_an_app_not_bound_at_the_top_level_is_refused(tmp_path: Path, source: str):
    message, _ = failure(tmp_path, {"main.py": source}, module="main", app="app")
    assert message == "main.py: function.app 'app' is not defined at the top level of main"


def test_a_misspelled_app_suggests_the_closest_top_level_name(tmp_path: Path):
    source = "from flask import Flask\napplication = Flask(__name__)\n"
    assert failure(tmp_path, {"tasks_api.py": source}, module="tasks_api", app="aplication") == (
        "tasks_api.py: function.app 'aplication' is not defined at the top level of tasks_api",
        "did you mean 'application'? (function.app in slam.yaml)",
    )


def test_an_app_with_no_close_name_says_how_to_define_it(tmp_path: Path):
    assert failure(tmp_path, {"app.py": HANDLER}, app="zzz")[1] == (
        "define zzz there (def, class, an assignment or an import), "
        "or correct function.app in slam.yaml"
    )
