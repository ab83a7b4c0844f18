"""slam's distribution name: a plugin depending on it installs this slam, from scratch.

The name ``slam`` on PyPI belongs to another, older project: a plugin depending on
``slam`` would pull that one into a fresh environment, replacing this ``slam`` package
and command.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slam import __version__

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugins" / "slam_schedule"


def project_table(path: Path) -> str:
    """The [project] table of a pyproject.toml (tomllib is not in Python 3.10)."""
    text = path.read_text()
    return text.split("\n[project]\n", 1)[1].split("\n[", 1)[0]


def distribution_name() -> str:
    match = re.search(r'^name = "([^"]+)"', project_table(ROOT / "pyproject.toml"), re.M)
    assert match
    return match[1]


def test_the_example_plugin_depends_on_slams_distribution_name():
    match = re.search(r"^dependencies = \[(.*?)\]", project_table(PLUGIN / "pyproject.toml"), re.M)
    assert match
    assert re.findall(r'"([A-Za-z0-9._-]+)', match[1]) == [distribution_name()]
    assert distribution_name() == "slam-deploy"


def run(*argv: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(arg) for arg in argv], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.network  # installs slam's dependencies from the index
def test_slam_version_works_in_a_fresh_environment_with_the_plugin(tmp_path: Path):
    # copies: pip builds a local folder in place, leaving build/ and *.egg-info there
    source = tmp_path / "slam"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "slam", source / "slam", ignore=shutil.ignore_patterns("__pycache__"))
    plugin = shutil.copytree(PLUGIN, tmp_path / "plugin")
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, source, cwd=tmp_path)
    run(sys.executable, "-m", "venv", "env", cwd=tmp_path)
    bin_folder = tmp_path / "env" / "bin"

    # the plugin alone: pip finds the slam it depends on (its wheel, here) by name
    run(bin_folder / "pip", "install", "-q", "--find-links", wheels, plugin, cwd=tmp_path)

    assert run(bin_folder / "slam", "--version", cwd=tmp_path) == f"slam {__version__}\n"
    assert "--schedule EXPRESSION" in run(bin_folder / "slam", "init", "--help", cwd=tmp_path)
    installed = run(bin_folder / "pip", "list", "--format", "freeze", cwd=tmp_path)
    names = {line.split("==")[0].lower() for line in installed.splitlines()}
    assert {"slam-deploy", "slam-schedule"} <= names
    assert "slam" not in names
