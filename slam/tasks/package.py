"""The ``package`` step: the Lambda zip, named by its content.

A copy of ``.slam/build/deps.zip`` (dependencies, untouched) extended with slam's
runtime as ``slam_runtime/``, its ``slam_runtime/settings.json``, the project's files
and their bytecode. The result is ``.slam/build/lambda_package.<sha256[:12]>.zip``,
recorded in ``.slam/build/package.json`` for the steps that upload it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import temporary, write_atomically
from ..build.archive import (
    LAMBDA_UNZIPPED_LIMIT,
    Entry,
    check_unzipped_size,
    extend_zip,
    format_size,
    sha256_of,
    sizes_in_zip,
)
from ..build.bytecode import Compiled, compile_sources
from ..build.entry_point import check_entry_point
from ..build.interpreters import Interpreter
from ..build.sources import Selection, project_files
from ..config import Config
from ..errors import SlamError
from .project import BuildLayout, Project, doit_path
from .step import (
    StepFailed,
    TaskDict,
    manifest_target_exists,
    reports_failures,
    settings_changed,
)

DOC = "Build the Lambda zip (.slam/build/lambda_package.<hash>.zip)."
RUNTIME_SOURCE = Path(__file__).resolve().parent.parent / "runtime"
RUNTIME_PACKAGE = "slam_runtime"
SHOWN_NOT_COMPILED = 3  # sources named by the notes on what does not compile


def runtime_settings(config: Config) -> dict[str, Any]:
    """What slam's runtime reads from slam_runtime/settings.json."""
    plugins = {}
    for plugin in config.plugins:
        options = plugin.runtime_options(config)
        if options is not None:
            plugins[plugin.name] = dict(options)
    return {
        "function": {"module": config.function.module, "app": config.function.app},
        "devstage": config.devstage,
        "environment": dict(config.environment),
        "stage_environments": {
            stage: dict(variables) for stage, variables in config.stage_environments.items()
        },
        "plugins": plugins,
    }


def runtime_files() -> list[Path]:
    return sorted(RUNTIME_SOURCE.glob("*.py"))


@dataclass(frozen=True)
class Package:
    """What goes into the zip besides the dependencies."""

    root: Path
    files: tuple[str, ...]  # the project's, relative to root
    runtime: tuple[Path, ...]
    runtime_settings_json: str  # the text of slam_runtime/settings.json
    layout: BuildLayout
    runtime_python: Interpreter
    unzipped_limit: int = LAMBDA_UNZIPPED_LIMIT
    credentials: tuple[str, ...] = ()  # credential files left out, relative to root

    @classmethod
    def of(cls, project: Project) -> Package:
        config = project.config
        selection = Selection.from_settings(config.package, config.file.name)
        settings = json.dumps(runtime_settings(config), indent=2, sort_keys=True) + "\n"
        found = project_files(config.root, selection)
        return cls(
            root=config.root,
            files=found.files,
            runtime=tuple(runtime_files()),
            runtime_settings_json=settings,
            layout=project.layout,
            runtime_python=project.runtime_python,
            credentials=found.credentials,
        )

    def build_inputs(self) -> dict[str, Any]:
        """Everything besides the files' content that changes the zip."""
        return {
            "runtime_settings": self.runtime_settings_json,
            "runtime_python": self.runtime_python.path,
            "note": self.runtime_python.note,
            "python": sys.version.split()[0],
            "unzipped_limit": self.unzipped_limit,
            "slam": __version__,
            # a credential file appearing rebuilds, so that the build says it left it out
            "credentials_left_out": self.credentials,
        }

    def entries(self) -> list[Entry]:
        entries = [Entry.from_file(name, self.root / name) for name in self.files]
        entries += [Entry.from_file(f"{RUNTIME_PACKAGE}/{p.name}", p) for p in self.runtime]
        settings = self.runtime_settings_json.encode()
        return [*entries, Entry.from_bytes(f"{RUNTIME_PACKAGE}/settings.json", settings)]


def tasks(project: Project) -> Iterator[TaskDict]:
    try:
        package = Package.of(project)
    except SlamError as error:  # which files to package: a link or a folder slam cannot use
        yield {
            "basename": "package",
            "doc": DOC,
            "actions": [(fail, [error.message, error.hint])],
            "uptodate": [False],
        }
        return
    layout = project.layout
    sources = [*package.runtime, *(package.root / name for name in package.files)]
    yield {
        "basename": "package",
        "doc": DOC,
        "actions": [(build_package, [package])],
        "file_dep": [doit_path(layout.deps_manifest), *(doit_path(path) for path in sources)],
        "targets": [doit_path(layout.package_manifest)],
        "uptodate": [
            settings_changed("package", package.build_inputs()),
            manifest_target_exists(layout.package_manifest),
        ],
        "meta": {"slam": {"progress": None}},
    }


@reports_failures
def build_package(package: Package) -> dict[str, Any]:
    """Write the zip and its manifest; returns the summary lines."""
    layout = package.layout
    function = json.loads(package.runtime_settings_json)["function"]  # what the runtime imports
    check_entry_point(
        function, package.root, package.files, layout.deps_zip, package.runtime_python
    )
    python = package.runtime_python.path
    with (
        temporary(layout.build / "bytecode") as bytecode,
        temporary(layout.build / "lambda_package.zip") as partial,
    ):
        entries = package.entries()
        compiled = _bytecode(entries, bytecode, python) if python else Compiled(())
        entries += [Entry.from_file(name, bytecode / name) for name in compiled.written]
        sizes = sizes_in_zip(layout.deps_zip) | {entry.name: entry.size for entry in entries}
        check_unzipped_size(sizes, package.unzipped_limit)
        extend_zip(layout.deps_zip, partial, entries)
        sha256 = sha256_of(partial)
        path = layout.package_zip(sha256)
        partial.replace(path)
    for old in layout.build.glob("lambda_package.*.zip"):
        if old != path:
            old.unlink()
    manifest = {
        "file": path.name,
        "sha256": sha256,
        "size": path.stat().st_size,
        "unzipped_size": sum(sizes.values()),
        "files": len(sizes),
    }
    if not python:
        manifest["note"] = package.runtime_python.note
    if compiled.not_compiled:
        manifest["not_compiled"] = not_compiled_lines(
            compiled.not_compiled, package.runtime_python.version
        )
    write_atomically(layout.package_manifest, json.dumps(manifest, indent=2) + "\n")
    summary = package_summary(manifest, built=True, folder=layout.build)
    if package.credentials:
        summary = f"{credentials_line(package.credentials)}\n{summary}"
    return {"summary": summary}


def credentials_line(credentials: tuple[str, ...]) -> str:
    """What the build says of the credential files it left out."""
    return (
        f"Left out credential files: {', '.join(credentials)} "
        "(to package one, name it in package.include in slam.yaml)."
    )


def fail(message: str, hint: str | None) -> StepFailed:
    """An action that fails with ``message``: found before the step could be planned."""
    return StepFailed(message, hint)


def _bytecode(entries: list[Entry], output: Path, python: str) -> Compiled:
    sources = {e.name: e.path for e in entries if e.name.endswith(".py") and e.path is not None}
    return compile_sources(sources, output, python)


def not_compiled_lines(not_compiled: Sequence[tuple[str, str]], version: str) -> list[str]:
    """What the build says of the project's sources that do not compile: Lambda packages
    them, but cannot import them. Three at most, then how many more."""
    lines = [
        f"Note: {name} does not compile for Python {version} ({why}), so Lambda cannot "
        "import it: fix it, or leave it out with package.exclude in slam.yaml."
        for name, why in not_compiled[:SHOWN_NOT_COMPILED]
    ]
    if len(not_compiled) > SHOWN_NOT_COMPILED:
        lines.append(f"Note: {len(not_compiled) - SHOWN_NOT_COMPILED} more files do not compile.")
    return lines


def read_manifest(layout: BuildLayout) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(layout.package_manifest.read_text())
    return manifest


def package_summary(manifest: dict[str, Any], built: bool, folder: Path) -> str:
    """The lines ``slam build`` ends with: the last names the zip (in ``folder``) by its
    path from the current folder, for the user to pick up."""
    state = "has been built successfully" if built else "is up to date"
    lines = [
        f"Size: {format_size(manifest['size'])} "
        f"({format_size(manifest['unzipped_size'])} unzipped, {manifest['files']} files).",
    ]
    if manifest.get("note"):
        lines.append(manifest["note"])
    lines.extend(manifest.get("not_compiled", ()))
    lines.append(f"{_shown_path(folder / manifest['file'])} {state}.")
    return "\n".join(lines)


def _shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # on another drive than the current folder (Windows)
        return str(path)
