"""Every place the local AWS reaches into moto says which moto it was checked against:
the version the ``local`` extra pins, and the one installed."""

from __future__ import annotations

import re
from pathlib import Path

import moto

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "slam" / "local"


def pinned_moto() -> str:
    """The moto version of pyproject.toml's ``local = [...]`` extra."""
    text = (ROOT / "pyproject.toml").read_text()
    found = re.search(r'^local = \["moto\[server\]==([^"]+)"\]$', text, re.MULTILINE)
    assert found is not None, "the local extra pins no moto"
    return found.group(1)


def test_the_installed_moto_is_the_pinned_one():
    assert moto.__version__ == pinned_moto()


def test_every_module_importing_moto_names_the_version_it_was_checked_against():
    reaching = [
        path
        for path in sorted(LOCAL.rglob("*.py"))
        if re.search(r"^\s*(from moto[\s.]|import moto\b)", path.read_text(), re.MULTILINE)
    ]
    assert len(reaching) >= 8  # server, awslambda, apigateway, logs, s3 and three of cfn
    unchecked = [
        str(path.relative_to(ROOT))
        for path in reaching
        if f"checked against moto {pinned_moto()}" not in " ".join(path.read_text().split())
    ]
    assert unchecked == []
