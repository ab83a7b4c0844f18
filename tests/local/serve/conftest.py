"""Projects for the tests of ``slam serve``: written by ``slam init``, then edited."""

from __future__ import annotations

from collections.abc import Callable

from slam.config import Config

Edit = Callable[[str], str]
MakeConfig = Callable[..., Config]


def replace(old: str, new: str) -> Edit:
    """An edit of slam.yaml replacing ``old`` (which must be there) with ``new``."""

    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit
