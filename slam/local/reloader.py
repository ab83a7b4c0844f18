"""Building a stage for ``slam serve``, and building it again whenever the project changes.

    builder = Builder(options, console, functions, tables)
    build = builder.build(out)          # slam's doit steps, then the unpacked build
    reloader = Reloader(builder, build)
    build = reloader.current()          # before each request: reloaded if a file changed
    reloader.watch(stop)                # in a thread: the same, without waiting for a request

A build runs the ``package`` and ``template`` steps (doing only what changed), syncs
the stage's unpacked build (``.slam/serve/<stage>/``) with the new zip, brings the
stage's tables in line with the template, and restarts the function's worker. A build
that fails leaves the last good one serving, and the console says why.

The files watched are those the package holds, slam.yaml and the requirements. A
request first compares their stats (and their folders') with the last ones seen, so
an edit is served by the very next request; the watcher thread polls the same way,
and lists the files again every second, to see files added where none was watched.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..build.lambda_platform import LambdaPlatform
from ..build.pip import RequirementsFile
from ..build.sources import Selection, project_files
from ..config import Config, load_config
from ..errors import SlamError
from ..tasks.loader import run_steps
from ..tasks.package import read_manifest
from ..tasks.project import BuildLayout
from .console import Console
from .deployed import Deployment, Place
from .functions import Functions, FunctionVersion
from .host import HostDependencies, Machine, foreign_reason
from .restapi import RestApi, Stage
from .runtimes import python_for
from .tables import StageTables
from .unpacked import Entry, folder_entries, sync, zip_entries, zip_names
from .watcher import Snapshot

if TYPE_CHECKING:
    from ..plugins import Plugin

POLL_SECONDS = 0.1
LIST_SECONDS = 1.0
# an editor's save may take several writes: let them land before building
SETTLE_SECONDS = 0.05
STEPS = ("package", "template")
NAMES_SHOWN = 3


@dataclass(frozen=True)
class ServeOptions:
    """What ``slam serve`` serves, and how it builds it."""

    config_file: Path
    stage: str
    plugins: tuple[Plugin[Any], ...]
    debug: bool
    place: Place


@dataclass(frozen=True)
class Build:
    """One good build of the stage: the project, its API and stage, and the function."""

    config: Config
    api: RestApi
    stage: Stage
    function: FunctionVersion


def watched_files(config: Config) -> list[str]:
    """The files a change of which changes the build: the package's, slam.yaml, the
    requirements; relative to the project folder."""
    selection = Selection.from_settings(config.package, config.file.name)
    names = [*project_files(config.root, selection).files, config.file.name]
    requirements = config.root / config.requirements
    if requirements.is_file():
        files = RequirementsFile(requirements).files()
        names += [os.path.relpath(path, config.root) for path in files]
    return names


class Builder:
    """Builds the stage, and starts its function's worker on the new build."""

    def __init__(
        self, options: ServeOptions, console: Console, functions: Functions, tables: StageTables
    ) -> None:
        self.options = options
        self.console = console
        self.functions = functions
        self.tables = tables
        self.host_reason: str | None = None  # why the requirements are this machine's

    def build(self, out: TextIO) -> Build:
        """Build the stage; SlamError when the project is broken."""
        config = load_config(self.options.config_file, self.options.plugins)
        stage = self.options.stage
        if stage not in config.stages:
            raise SlamError(
                f"the stage {stage!r} is no longer in slam.yaml",
                "add it back to stage_environments, or restart slam serve with another --stage",
            )
        run_steps(config, STEPS, debug=self.options.debug, out=out)
        layout = BuildLayout(config.root)
        template = json.loads(layout.template.read_text(encoding="utf-8"))
        deployment = Deployment(template, self.options.place)
        found = deployment.stage_api(stage)
        if found is None:
            raise SlamError(
                f"the stage {stage!r} has no API Gateway REST API to serve",
                "slam serve serves a WSGI app: set wsgi.deploy_api_gateway: true in slam.yaml",
            )
        folder = layout.state / "serve" / stage
        self.console.sources = (folder, config.root)
        function = deployment.function(str(folder))
        package = layout.build / read_manifest(layout)["file"]
        sync(folder, self._entries(config, layout, package, function))
        self.tables.apply(deployment.stage_tables(stage))
        self.functions.endpoint_url = self.tables.endpoint_url
        return Build(config, *found, function)

    def _entries(
        self, config: Config, layout: BuildLayout, package: Path, function: FunctionVersion
    ) -> list[Entry]:
        """The package's files, with this machine's requirements if it cannot load its own."""
        python = python_for(function.runtime)
        lambda_platform = LambdaPlatform(function.runtime, config.aws.lambda_architecture)
        reason = foreign_reason(Machine.this(python.version), lambda_platform)
        host = HostDependencies(
            config.root / config.requirements,
            layout.state / "host-deps",  # not in .slam/serve/, where any name is a stage's
            python.path,
            layout.logs / "host-deps.log",
        )
        # without requirements, there is nothing to install, nor to say
        self.host_reason = reason if host.requirements.is_file() else None
        if reason is None:
            return zip_entries(package)
        if not host.up_to_date():
            if self.host_reason:
                self.console.write(
                    f"The package's compiled dependencies cannot load here: {reason}."
                    f"\nInstalling {config.requirements} for this machine, once,"
                    f" into {host.folder.relative_to(config.root)}..."
                )
            host.install()
        leave_out = zip_names(layout.deps_zip)
        return [*zip_entries(package, leave_out), *folder_entries(host.folder)]

    def start_function(self, build: Build) -> None:
        """Replace the function's workers with one started on ``build``, reporting its init."""
        function = build.function
        self.functions.retire(function.account, function.region, function.name)
        reply = self.functions.warm(function)
        if reply.kind != "ready":
            self.console.function_output(reply.logs)
            self.console.write("The function's init failed: requests answer 502 until it works.")


class Reloader:
    """The stage's latest good build, rebuilt when a watched file changes."""

    def __init__(self, builder: Builder, build: Build) -> None:
        self.builder = builder
        self.build = build
        self._lock = threading.Lock()
        self._output = self._output_file()
        self._snapshot = self._scan()

    def _output_file(self) -> str | None:
        """The watched file the server writes its output to, if any: never a reason to
        reload (each line would reload, and print a line)."""
        try:
            output = os.fstat(self.builder.console.out.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            return None
        config = self.build.config
        for name in watched_files(config):
            try:
                found = os.stat(config.root / name)
            except OSError:
                continue
            if (found.st_dev, found.st_ino) == (output.st_dev, output.st_ino):
                self.builder.console.write(
                    f"slam: warning: the server's output, {name}, is one of the package's"
                    " files: add it to package.exclude in slam.yaml"
                )
                return name
        return None

    def _scan(self) -> Snapshot:
        config = self.build.config
        names = [name for name in watched_files(config) if name != self._output]
        return Snapshot.take(config.root, names)

    def current(self) -> Build:
        """The build to serve a request with, rebuilt first if a watched file changed."""
        with self._lock:
            if self._snapshot.looks_changed():
                self._reload_if_changed()
            return self.build

    def watch(self, stop: threading.Event) -> None:
        """Reload whenever a watched file changes, until ``stop`` is set."""
        listed = time.monotonic()
        while not stop.wait(POLL_SECONDS):
            if time.monotonic() - listed >= LIST_SECONDS:
                listed = time.monotonic()
            elif self._snapshot.looks_changed():
                stop.wait(SETTLE_SECONDS)
            else:
                continue
            with self._lock:
                if not stop.is_set():
                    self._reload_if_changed()

    def _reload_if_changed(self) -> None:
        snapshot = self._scan()
        changed = snapshot.changed_since(self._snapshot)
        self._snapshot = snapshot
        if changed:
            self._reload(changed, snapshot)

    def _reload(self, changed: Sequence[str], before: Snapshot) -> None:
        console = self.builder.console
        shown = ", ".join(changed[:NAMES_SHOWN])
        more = f" and {len(changed) - NAMES_SHOWN} more" if len(changed) > NAMES_SHOWN else ""
        console.write(f"Reloading: {shown}{more} changed.")
        started = time.perf_counter()
        try:
            build = self.builder.build(io.StringIO())
        except SlamError as error:
            console.error(error)
            console.write("Still serving the last good build.")
            return
        except Exception as error:  # a bug in slam: say so, and keep serving
            if self.builder.options.debug:
                console.write(traceback.format_exc())
            console.write(f"slam: error: unexpected {type(error).__name__}: {error}")
            console.write("Still serving the last good build.")
            return
        self.build = build
        # the new configuration may watch other files; an edit made during the build
        # keeps the stat from before it, so the next look sees it
        after = self._scan()
        files = {name: before.files.get(name, stat) for name, stat in after.files.items()}
        folders = {name: before.folders.get(name, stat) for name, stat in after.folders.items()}
        self._snapshot = Snapshot.of(after.root, files, folders)
        built = time.perf_counter()
        self.builder.start_function(build)
        done = time.perf_counter()
        console.write(
            f"Reloaded in {done - started:.2f} s (build {built - started:.2f} s,"
            f" the function's start {done - built:.2f} s)."
        )
