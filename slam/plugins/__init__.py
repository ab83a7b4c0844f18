"""The plugin registry: everything registered under the entry-point group ``slam_plugins``.

A plugin owns one top-level section of slam.yaml and may add ``slam init`` options,
CloudFormation resources, runtime options and status lines. slam's own ``wsgi``
and ``dynamodb`` plugins are registered the same way. See docs/plugins.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import SlamError

if TYPE_CHECKING:
    from ..config import Config
    from ..schema import Node

ENTRY_POINT_GROUP = "slam_plugins"


class Plugin:
    """Base class for slam plugins; override the hooks you need.

    ``name`` identifies the plugin; ``config_key`` is the top-level slam.yaml key it
    owns. The plugin is enabled for a project when that key is present in slam.yaml.
    """

    name: ClassVar[str] = ""
    config_key: ClassVar[str] = ""
    order: ClassVar[int] = 100  # position in `slam init --help` and slam.yaml; built-ins first

    def add_init_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add this plugin's options to ``slam init``."""

    def init_section(self, args: argparse.Namespace) -> str:
        """The slam.yaml text ``slam init`` writes for this plugin, with comments.

        Return the section commented out when the user did not ask for the plugin,
        so the generated file still documents it.
        """
        return ""

    def parse_config(self, node: Node, config: Config) -> Any:
        """Validate this plugin's section and return its settings (a frozen dataclass).

        Report problems with ``node.fail(message, hint)``; ``config`` holds the
        already-parsed core settings (stages, function, ...).
        """
        return node.value

    def cloudformation(self, config: Config, settings: Any) -> Mapping[str, Any]:
        """CloudFormation to merge into the stack: ``{"Resources": ..., "Outputs": ...}``."""
        return {}

    def runtime_options(self, config: Config, settings: Any) -> Mapping[str, Any] | None:
        """JSON-serialisable options the Lambda runtime receives for this plugin."""
        return None

    def status_lines(self, config: Config, settings: Any, outputs: Mapping[str, str]) -> list[str]:
        """Extra lines for ``slam status``, given the stack's outputs."""
        return []


@cache
def load_plugins() -> tuple[Plugin, ...]:
    """Every installed plugin, in ``order``; a broken plugin is a clear SlamError."""
    from importlib.metadata import entry_points

    plugins: dict[str, Plugin] = {}
    owners: dict[str, str] = {}
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        plugin = _load(entry_point)
        if plugin.name in plugins:
            continue  # the same plugin installed twice (e.g. editable and regular)
        if plugin.config_key in owners:
            raise SlamError(
                f"plugins '{owners[plugin.config_key]}' and '{plugin.name}' both claim the "
                f"slam.yaml key '{plugin.config_key}'",
                "uninstall one of them",
            )
        plugins[plugin.name] = plugin
        owners[plugin.config_key] = plugin.name
    return tuple(sorted(plugins.values(), key=lambda plugin: (plugin.order, plugin.name)))


def _load(entry_point: Any) -> Plugin:
    where = f"plugin '{entry_point.name}' ({entry_point.value})"
    try:
        plugin = entry_point.load()
    except Exception as exc:
        raise SlamError(
            f"{where} failed to load: {exc}", "reinstall or uninstall that package"
        ) from exc
    if not isinstance(plugin, Plugin) or not plugin.name or not plugin.config_key:
        raise SlamError(
            f"{where} is not a slam Plugin instance with a name and a config_key",
            "see docs/plugins.md",
        )
    return plugin
