"""What a Python module binds at its top level, read from its source without running it.

Standard library only, and valid on every Python Lambda runs (3.10 and newer): slam
imports it, and also runs it as a script under the function's runtime when that is
another Python (``python3.X -I -S top_level.py NAME < SOURCE``), so that the grammar of
the Python that will import the module is the one that reads it. The script prints
what ``read_module`` returns, as JSON.
"""

from __future__ import annotations

import ast
import json
import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def read_module(
    source: bytes, filename: str, feature_version: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Compile ``source`` as the module ``filename``.

    Returns ``{"error": {"line": n, "message": text}}`` for a syntax error, else
    ``{"names": [...], "open": bool}``: the names bound at the top level, and whether
    other names may be bound there unseen (``from x import *``, a module ``__getattr__``).
    ``feature_version`` parses for an older Python, as ``ast.parse`` does.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are for the module's author
            tree = ast.parse(source, filename, feature_version=feature_version)
            # the compiler finds what the parser lets through ('return' outside a function)
            compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as error:
        return {"error": {"line": error.lineno, "message": error.msg}}
    except ValueError as error:  # a null byte, before Python 3.12
        return {"error": {"line": None, "message": str(error)}}
    names, star_import = top_level_names(tree)
    return {"names": sorted(names), "open": star_import or "__getattr__" in names}


def top_level_names(tree: ast.Module) -> tuple[set[str], bool]:
    """The names ``tree`` binds at its top level, and whether it imports ``*`` there."""
    names: set[str] = set()
    star_import = False
    for statement in _top_level_statements(tree.body):
        names.update(_bound_names(statement))
        names.update(_walrus_names(statement))
        if isinstance(statement, ast.ImportFrom):
            star_import = star_import or any(alias.name == "*" for alias in statement.names)
    # a function that declares a name global binds it at the top level when it runs
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
    return names, star_import


def _top_level_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement that runs in the module's scope: inside if, try, with, for,
    while and match blocks too, but not inside functions and classes."""
    for statement in body:
        yield statement
        if isinstance(statement, _SCOPES):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _top_level_statements(getattr(statement, field, ()))
        for block in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
            yield from _top_level_statements(block.body)


def _bound_names(statement: ast.stmt) -> Iterator[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield statement.name
    elif isinstance(statement, ast.Assign):
        for target in statement.targets:
            yield from _target_names(target)
    elif isinstance(statement, (ast.AugAssign, ast.For, ast.AsyncFor)) or (
        isinstance(statement, ast.AnnAssign) and statement.value is not None
    ):
        yield from _target_names(statement.target)
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if item.optional_vars is not None:
                yield from _target_names(item.optional_vars)
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        yield from _imported_names(statement)
    elif type(statement).__name__ == "TypeAlias":  # type X = ... (Python 3.12)
        yield from _target_names(statement.name)  # type: ignore[attr-defined]


def _imported_names(statement: ast.Import | ast.ImportFrom) -> Iterator[str]:
    for alias in statement.names:
        if alias.asname:
            yield alias.asname
        elif isinstance(statement, ast.Import):
            yield alias.name.partition(".")[0]  # import a.b binds a
        elif alias.name != "*":
            yield alias.name


def _target_names(target: ast.expr) -> Iterator[str]:
    """The names an assignment target binds: x, (x, y), [x, *rest]; not x.attr or x[i]."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _walrus_names(statement: ast.stmt) -> Iterator[str]:
    """Names bound by ``(x := ...)`` in the statement's own expressions."""
    pending: list[ast.AST] = [
        child for child in ast.iter_child_nodes(statement) if not isinstance(child, ast.stmt)
    ]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.NamedExpr):
            yield from _target_names(node.target)
        if not isinstance(node, _SCOPES):
            pending.extend(ast.iter_child_nodes(node))


def main() -> None:
    json.dump(read_module(sys.stdin.buffer.read(), sys.argv[1]), sys.stdout)


if __name__ == "__main__":
    main()
