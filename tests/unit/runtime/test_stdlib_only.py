"""slam/runtime imports only the standard library, and its own modules only relatively.

The build step copies the ``*.py`` files into the Lambda package as ``slam_runtime/``,
so a sibling import must be relative, and one that only the type checker follows
(under ``if TYPE_CHECKING:``) may name the ``.pyi`` stub, which is not copied.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import slam.runtime

RUNTIME_DIR = Path(slam.runtime.__file__).parent
MODULES = sorted(RUNTIME_DIR.glob("*.py"))
STUBS = sorted(RUNTIME_DIR.glob("*.pyi"))

Import = tuple[int, str | None, list[str]]


def imports_of(path: Path) -> tuple[list[Import], list[Import]]:
    """(imports run at import time or in functions, imports under ``if TYPE_CHECKING:``)."""
    running: list[Import] = []
    type_checking: list[Import] = []

    def visit(node: ast.AST, found: list[Import]) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.body:
                visit(child, type_checking)
            for child in node.orelse:
                visit(child, found)
            return
        if isinstance(node, ast.Import):
            found.extend((0, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module, [alias.name for alias in node.names]))
        for child in ast.iter_child_nodes(node):
            visit(child, found)

    visit(ast.parse(path.read_text(), str(path)), running)
    return running, type_checking


def check(path: Path, imports: list[Import], siblings: set[str]) -> None:
    for level, module, names in imports:
        if level == 0:
            assert module is not None
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top == "__future__", f"{path.name}: {module}"
        else:
            assert level == 1, f"{path.name} reaches outside the package"
            targets = [module] if module else names
            assert set(targets) <= siblings, f"{path.name} imports {targets}"


def test_the_package_has_its_modules() -> None:
    names = {path.stem for path in MODULES}
    assert {"__init__", "handler", "wsgi", "events", "responses", "function", "stage"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_modules_import_the_standard_library_and_siblings_only(path: Path) -> None:
    running, type_checking = imports_of(path)
    check(path, running, {module.stem for module in MODULES})
    check(path, type_checking, {module.stem for module in MODULES + STUBS})


@pytest.mark.parametrize("path", STUBS, ids=lambda path: path.name)
def test_stubs_import_the_standard_library_only(path: Path) -> None:
    running, _ = imports_of(path)
    check(path, running, set())
