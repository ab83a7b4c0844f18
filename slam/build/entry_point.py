"""The function's entry point, checked before anything is packaged.

``function.module`` must be a module of the package: a ``.py`` file or a package (a
folder with ``__init__.py``) among the project's packaged files, or a module installed
from the requirements. Its source must compile for the runtime's Python, and
``function.app`` must be bound at its top level (see :mod:`.top_level`). All of it is
read from the source: nothing of the user's runs.

Which Python reads the source, when the runtime's version is not the one running slam:
the runtime's own interpreter, when the build found one (``interpreters.py``: the
module is compiled by the grammar that will import it). Without one, a runtime older
than this Python is checked with ``ast.parse(feature_version=...)``, which rejects the
newer syntax it knows of (``match`` before 3.10, ``except*`` before 3.11). A runtime
newer than this Python may accept syntax this one cannot read, so there a source this
Python cannot parse is let through, unjudged, rather than refused wrongly.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from ..errors import SlamError
from .top_level import read_module

TOP_LEVEL_SCRIPT = Path(__file__).with_name("top_level.py")
_OWN_VERSION = sys.version_info[:2]
_SUGGESTED_MODULES = 5  # listed in the hint when no module name is close


class RuntimePython(Protocol):
    """A Python of the runtime's version, as the build steps find one (an Interpreter)."""

    @property
    def version(self) -> str:  # "3.12"
        ...

    @property
    def path(self) -> str | None:  # None: there is no such Python here
        ...


@dataclass(frozen=True)
class PackageModules:
    """Where the package's modules come from: the project's packaged files (relative to
    ``root``, with ``/``) and the installed requirements (``deps_zip``)."""

    root: Path
    files: frozenset[str]
    deps_zip: Path

    @cached_property
    def installed(self) -> frozenset[str]:
        """The names in the dependencies' zip; read only when a module is not the project's."""
        try:
            with zipfile.ZipFile(self.deps_zip) as deps:
                return frozenset(deps.namelist())
        except (OSError, zipfile.BadZipFile):
            return frozenset()  # the package step reports a missing or damaged zip itself

    def find(self, module: str) -> str | None:
        """The file that ``import module`` runs, as the zip names it, if the package has one.

        A folder with ``__init__.py`` wins over a ``.py`` file of the same name, as in
        Python's import system; an extension module (``.so``) is found among the
        requirements.
        """
        path = module.replace(".", "/")
        candidates = (f"{path}/__init__.py", f"{path}.py")
        found = next((name for name in candidates if name in self.files), None)
        found = found or next((name for name in candidates if name in self.installed), None)
        if found:
            return found
        extensions = (n for n in self.installed if n.startswith(f"{path}.") and n.endswith(".so"))
        return next((n for n in sorted(extensions) if "/" not in n[len(path) :]), None)

    def source(self, name: str) -> bytes | None:
        """The source of the module file ``name``; None for an extension module."""
        if not name.endswith(".py"):
            return None
        if name in self.files:
            return (self.root / name).read_bytes()
        with zipfile.ZipFile(self.deps_zip) as deps:
            return deps.read(name)

    def project_modules(self) -> list[str]:
        """The dotted names of the project's own packaged modules, sorted."""
        modules = []
        for name in sorted(self.files):
            if name.endswith(".py"):
                parts = name[: -len(".py")].split("/")
                if parts[-1] == "__init__":
                    parts.pop()
                if parts and all(part.isidentifier() for part in parts):
                    modules.append(".".join(parts))
        return modules


def check_entry_point(
    function: Mapping[str, str],
    root: Path,
    files: Collection[str],
    deps_zip: Path,
    python: RuntimePython,
) -> None:
    """Raise SlamError unless the package can import ``function["module"]`` and find
    ``function["app"]`` at its top level, for the runtime that ``python`` stands for.

    ``files`` are the project's packaged files relative to ``root``; ``deps_zip`` holds
    the installed requirements.
    """
    module, app = function["module"], function["app"]
    modules = PackageModules(root, frozenset(files), deps_zip)
    name = modules.find(module)
    if name is None:
        raise _missing_module(module, modules)
    source = modules.source(name)
    if source is None:
        return  # an extension module: its names cannot be read without importing it
    result = read_source(source, name, python)
    if result is None:
        return
    if "error" in result:
        line = result["error"]["line"]
        where = f"{name}:{line}" if line else name
        raise SlamError(
            f"{where}: {result['error']['message']}",
            f"Lambda's python{python.version} cannot import function.module {module!r} "
            "until this is fixed",
        )
    if app not in result["names"] and not result["open"]:
        raise _missing_app(name, module, app, result["names"])


def read_source(source: bytes, name: str, python: RuntimePython) -> dict[str, Any] | None:
    """``top_level.read_module`` of ``source``, as the runtime's Python reads it.

    None when no faithful reading is possible: a runtime newer than this Python, with no
    interpreter for it, and a source this Python cannot parse.
    """
    runtime = tuple(int(part) for part in python.version.split("."))
    if runtime == _OWN_VERSION:
        return read_module(source, name)
    if python.path:
        return _read_with(python.path, source, name)
    if runtime < _OWN_VERSION:
        major, minor = runtime
        return read_module(source, name, feature_version=(major, minor))
    result = read_module(source, name)
    return None if "error" in result else result


def _read_with(interpreter: str, source: bytes, name: str) -> dict[str, Any]:
    run = subprocess.run(
        [interpreter, "-I", "-S", str(TOP_LEVEL_SCRIPT), name],
        input=source,
        capture_output=True,
        check=False,
    )
    if run.returncode != 0:
        last_line = (run.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise SlamError(
            f"checking function.module with {interpreter} failed: {last_line}",
            "re-run with --debug, and report it to slam's issue tracker",
        )
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def _missing_module(module: str, modules: PackageModules) -> SlamError:
    message = f"function.module {module!r} is not a module in the package"
    path = module.replace(".", "/")
    for name in (f"{path}/__init__.py", f"{path}.py"):
        if (modules.root / name).is_file():
            return SlamError(
                f"{name} holds function.module {module!r}, but the package leaves it out",
                "name it in package.include in slam.yaml, or take it out of package.exclude",
            )
    if any(name.startswith(f"{path}/") for name in modules.files):
        return SlamError(f"{message}: {path}/ has no __init__.py", f"add {path}/__init__.py")
    known = modules.project_modules()
    close = difflib.get_close_matches(module, known, n=1, cutoff=0.6)
    if close:
        return SlamError(message, f"did you mean {close[0]!r}? (function.module in slam.yaml)")
    if known:
        listed = ", ".join(known[:_SUGGESTED_MODULES])
        more = ", ..." if len(known) > _SUGGESTED_MODULES else ""
        return SlamError(message, f"the package's modules are: {listed}{more}")
    return SlamError(message, "the package holds no Python module: check package.exclude")


def _missing_app(name: str, module: str, app: str, names: list[str]) -> SlamError:
    message = f"{name}: function.app {app!r} is not defined at the top level of {module}"
    close = difflib.get_close_matches(app, names, n=1, cutoff=0.6)
    if close:
        return SlamError(message, f"did you mean {close[0]!r}? (function.app in slam.yaml)")
    return SlamError(
        message,
        f"define {app} there (def, class, an assignment or an import), "
        "or correct function.app in slam.yaml",
    )
