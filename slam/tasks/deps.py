"""The ``deps`` step: the requirements, installed for Lambda's platform and zipped once.

pip installs manylinux wheels for the target runtime's Python and architecture,
never the build machine's, and runs for a Python of the runtime's version when there
is one, so that ``python_version`` markers choose its dependencies (see
:mod:`slam.build.interpreters`). A requirement with no such wheel is built locally when
its source is pure Python, and is an error naming it otherwise. The installed files,
with their bytecode, become ``.slam/build/deps.zip``: the base every package copies,
so a code change never reinstalls or recompresses a dependency.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import temporary, write_atomically
from ..build.archive import sha256_of
from ..build.installed import distributions, write_installed_zip
from ..build.interpreters import Interpreter
from ..build.lambda_platform import LambdaPlatform
from ..build.pip import Pip, PipResult, RequirementsFile, WheelBuild, fresh_folder
from ..config import DEFAULT_REQUIREMENTS
from ..errors import SlamError
from .project import BuildLayout, Project, doit_path
from .step import TaskDict, reports_failures, settings_changed

DOC = "Install the requirements for Lambda's platform (into .slam/build/deps)."
SUMMARY_NAMES = 8


@dataclass(frozen=True)
class Dependencies:
    """What the deps step installs, for which platform, and where."""

    requirements: str  # as slam.yaml names it
    root: Path
    platform: LambdaPlatform
    layout: BuildLayout
    runtime_python: Interpreter

    @classmethod
    def of(cls, project: Project) -> Dependencies:
        config = project.config
        return cls(
            config.requirements,
            config.root,
            project.platform,
            project.layout,
            project.runtime_python,
        )

    @property
    def path(self) -> Path:
        return self.root / self.requirements

    @property
    def log(self) -> Path:
        return self.layout.logs / "deps.log"

    def build_inputs(self) -> dict[str, Any]:
        """Everything besides the requirements files' content that changes the result."""
        return {
            "requirements": self.requirements,
            "exists": self.path.is_file(),
            "runtime": self.platform.runtime,
            "architecture": self.platform.architecture,
            "pip_options": self.platform.pip_options(),
            "pip_version": importlib.metadata.version("pip"),  # a dependency of slam
            "pip_environment": {k: v for k, v in sorted(os.environ.items()) if k[:4] == "PIP_"},
            "runtime_python": self.runtime_python.path,
            "python": sys.version.split()[0],
            "slam": __version__,
        }


def tasks(project: Project) -> Iterator[TaskDict]:
    deps = Dependencies.of(project)
    layout = project.layout
    exists = deps.path.is_file()
    progress = f"Installing {deps.requirements} for {deps.platform}..." if exists else None
    yield {
        "basename": "deps",
        "doc": DOC,
        "actions": [(install_dependencies, [deps])],
        "file_dep": [doit_path(f) for f in RequirementsFile(deps.path).files()] if exists else [],
        "targets": [doit_path(layout.deps_manifest), doit_path(layout.deps_zip)],
        "uptodate": [settings_changed("deps", deps.build_inputs())],
        "meta": {"slam": {"progress": progress}},
    }


@reports_failures
def install_dependencies(deps: Dependencies) -> dict[str, Any]:
    """Install the requirements into .slam/build/deps and zip them; returns the summary."""
    layout = deps.layout
    layout.build.mkdir(parents=True, exist_ok=True)
    with temporary(layout.deps) as staging:
        fresh_folder(staging)
        built: list[str] = []
        if deps.path.is_file():
            deps.log.parent.mkdir(parents=True, exist_ok=True)
            deps.log.write_text("")
            built = _install(deps, staging)
        elif deps.requirements != DEFAULT_REQUIREMENTS:
            raise SlamError(
                f"the requirements file {deps.requirements} does not exist",
                "create it, or correct requirements in slam.yaml",
            )
        shutil.rmtree(layout.deps, ignore_errors=True)
        staging.rename(layout.deps)
    installed = distributions(layout.deps)
    write_installed_zip(layout.deps, layout.deps_zip, deps.runtime_python.path)
    manifest = {"distributions": installed, "sha256": sha256_of(layout.deps_zip)}
    write_atomically(layout.deps_manifest, json.dumps(manifest, indent=2) + "\n")
    return {"summary": _summary(deps, installed, built)}


def _install(deps: Dependencies, target: Path) -> list[str]:
    """pip install into ``target``, building pure-Python wheels pip lacks; returns those."""
    with temporary(deps.layout.build / "sources") as scratch:
        return _install_from(deps, target, scratch)


def _install_from(deps: Dependencies, target: Path, scratch: Path) -> list[str]:
    pip = Pip(deps.log, deps.root, markers_for=deps.runtime_python.path)
    requirements = RequirementsFile(deps.path)
    wheel_build = WheelBuild(pip, deps.platform, requirements, scratch)
    built: list[str] = []
    attempted: set[str] = set()
    while True:
        wheels = deps.layout.wheels
        local = ["--find-links", str(wheels)] if wheels.is_dir() else []
        result = pip.run(
            "install", "--target", target, "--no-compile", *local,
            *deps.platform.pip_options(), "-r", deps.path,
        )  # fmt: skip
        if result.ok:
            return built
        missing = result.missing_distribution()
        if missing is None or missing in attempted:
            raise _install_error(deps, result)
        attempted.add(missing)
        built.append(wheel_build.build(missing, wheels))
        fresh_folder(target)


def _install_error(deps: Dependencies, result: PipResult) -> SlamError:
    return SlamError(
        f"pip could not install {deps.requirements} for {deps.platform}:\n"
        + result.indented_errors(),
        f"pip's full output is in {deps.log}",
    )


def _summary(deps: Dependencies, installed: list[str], built: list[str]) -> str:
    if not deps.path.is_file():
        return f"No {deps.requirements}: the package has no dependencies."
    if not installed:
        # an empty file, or one whose every line has markers excluding this runtime
        return f"Nothing to install from {deps.requirements} for {deps.platform}: no dependencies."
    names = ", ".join(installed[:SUMMARY_NAMES])
    more = len(installed) - SUMMARY_NAMES
    names += f", and {more} more" if more > 0 else ""
    local = f" (built here from source: {', '.join(built)})" if built else ""
    count = f"{len(installed)} package{'s' if len(installed) > 1 else ''}"
    return f"Installed {count} for {deps.platform}: {names}{local}."


def forget_installed(layout: BuildLayout) -> None:
    """Remove the installed dependencies and locally built wheels: the next build reinstalls.

    The stamps go first: interrupted, this still leaves a project whose next build
    reinstalls.
    """
    for stamp in (layout.deps_manifest, layout.deps_zip):
        stamp.unlink(missing_ok=True)
    for folder in (layout.deps, layout.wheels):
        shutil.rmtree(folder, ignore_errors=True)
