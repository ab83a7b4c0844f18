"""Shared fixtures for every test layer."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
