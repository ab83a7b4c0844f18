"""Projects for the tests of ``slam serve``: written by ``slam init``, then edited."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from slam.cli import main
from slam.config import Config, load_config
from slam.plugins import load_plugins

Edit = Callable[[str], str]
MakeConfig = Callable[..., Config]


def replace(old: str, new: str) -> Edit:
    """An edit of slam.yaml replacing ``old`` (which must be there) with ``new``."""

    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


@pytest.fixture
def make_config(tmp_path: Path) -> Iterator[MakeConfig]:
    """make_config(*init_args, edit=fn): a project by `slam init`, slam.yaml edited, loaded."""
    counter = iter(range(1000))
    previous = Path.cwd()

    def make(*argv: str, edit: Edit | None = None) -> Config:
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
