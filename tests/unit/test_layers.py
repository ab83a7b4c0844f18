"""slam's modules depend on each other one way, top to bottom, as the map in the README says.

Every import counts, wherever it is written (at the top, inside a function, or only
for the type checker), since each one ties a module to the one it names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import slam

PACKAGE = Path(slam.__file__).parent

# Each module's layer, by the longest matching name: a module may import only from
# lower layers, and from its own layer without a cycle.
LAYERS = {
    "slam": 0,  # __version__
    "slam.errors": 0,
    "slam.settings": 1,
    "slam.schema": 1,
    "slam.atomic": 1,
    "slam.templating": 1,
    "slam.remote": 1,  # the facts slam.aws returns, with no boto3
    "slam.managed_policies": 1,
    "slam.build": 2,
    "slam.plugins": 2,  # the contract and registry; the built-in plugins sit higher
    "slam.config": 3,
    "slam.cloudformation": 4,
    "slam.stack": 5,  # pure deployment logic over config, template and remote facts
    "slam.aws": 6,  # the only boto3 importer, for the steps and commands that call AWS
    "slam.plugins.wsgi": 5,
    "slam.plugins.dynamodb": 5,
    "slam.tasks": 6,
    "slam.commands": 7,
    "slam.local": 7,
    "slam.cli": 8,
    "slam.__main__": 9,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if "runtime" not in path.relative_to(PACKAGE).parts  # standard library only: tested apart
}


def layer(module: str) -> int:
    owner = max(
        (name for name in LAYERS if module == name or module.startswith(f"{name}.")), key=len
    )
    return LAYERS[owner]


def imports(module: str) -> set[str]:
    """The slam modules ``module`` imports, anywhere in its file."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = {f"{base}.{alias.name}" for alias in node.names}
            # `from . import step` names the module step, not its package
            found.update(names if names & MODULES.keys() else {base, *names})
    return {name for name in found if name in MODULES and name != module}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_its_layer_and_below(module: str):
    higher = sorted(name for name in imports(module) if layer(name) > layer(module))
    assert higher == [], f"{module} (layer {layer(module)}) imports {higher}"


def test_no_two_modules_import_each_other_even_through_others():
    graph = {module: imports(module) for module in MODULES}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in visiting:
            cycle = [*visiting[visiting.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
