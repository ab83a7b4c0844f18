"""Shared fixtures for every test layer."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from slam.cli import main
from slam.config import Config, load_config
from slam.plugins import load_plugins


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """An empty project folder, made the current directory for the test."""
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(previous)


@pytest.fixture
def make_config(tmp_path: Path) -> Iterator[Callable[..., Config]]:
    """make_config(*init_args, edit=fn): a project by `slam init`, slam.yaml edited, loaded."""
    counter = iter(range(1000))
    previous = Path.cwd()

    def make(*argv: str, edit: Callable[[str], str] | None = None) -> Config:
        folder = tmp_path / f"project{next(counter)}"
        folder.mkdir()
        os.chdir(folder)
        assert main(["init", *argv, "--bucket", "slam-test-bucket"]) == 0
        path = folder / "slam.yaml"
        if edit:
            path.write_text(edit(path.read_text()))
        return load_config(path, load_plugins())

    yield make
    os.chdir(previous)


InstallPlugin = Callable[[str, str, str], None]


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InstallPlugin]:
    """install_plugin(entry_point_name, module_name, module_source) -> registered for the test."""
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def install(entry_point: str, module: str, source: str) -> None:
        (site / f"{module}.py").write_text(source)
        dist_info = site / f"{module}-1.0.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n"
        )
        (dist_info / "entry_points.txt").write_text(
            f"[slam_plugins]\n{entry_point} = {module}:plugin\n"
        )
        load_plugins.cache_clear()

    yield install
    load_plugins.cache_clear()


class Gate:
    """``AWS::CloudFormation::WaitCondition`` in the local AWS, held shut by a test.

    As on AWS, a stack operation that creates or updates one waits: here until the
    test calls :meth:`open` (the condition's signal). ``reached`` is set once an
    operation waits at it, so that the test knows the stack is busy and stays busy.
    """

    type_name = "AWS::CloudFormation::WaitCondition"

    def __init__(self) -> None:
        import threading

        self.reached = threading.Event()
        self.opened = threading.Event()

    def open(self) -> None:
        self.opened.set()

    def provider(self) -> Any:
        """The local CloudFormation's provider for the type, passing when the gate opens."""
        from slam.local.cloudformation.providers import Provider, Provisioned

        gate = self

        class WaitCondition(Provider):  # type: ignore[misc]
            type_name = Gate.type_name

            def create(self, request: Any) -> Any:
                gate.reached.set()
                if not gate.opened.wait(60):
                    raise AssertionError("the test never opened the gate")
                return Provisioned(f"{request.stack.id}/{request.logical_id}")

            def update(self, request: Any) -> Any:
                return self.create(request)

            def delete(self, request: Any) -> None:
                """A wait condition is only a state of the stack."""

        return WaitCondition()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """A wait condition the local AWS of this process holds until the test opens it."""
    from slam.local.cloudformation.providers import PROVIDERS

    held = Gate()
    monkeypatch.setitem(PROVIDERS, Gate.type_name, held.provider())
    yield held
    held.open()  # never leave an operation hanging
