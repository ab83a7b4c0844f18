"""The plugin contract and registry: everything registered under the entry-point group
``slam_plugins``.

A plugin owns one top-level section of slam.yaml and may add ``slam init`` options,
CloudFormation resources, runtime options and status lines. slam's own ``wsgi``
and ``dynamodb`` plugins are registered the same way. See docs/plugins.md.

The registry is read once per command, by ``slam.cli`` (or by ``slam_tasks`` in a
dodo.py); ``slam.config`` then resolves the plugins a project enables into its
``Config``, as :class:`EnabledPlugin` values that the rest of slam uses.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from ..errors import SlamError
from ..schema import Node
from ..settings import CoreSettings

ENTRY_POINT_GROUP = "slam_plugins"

S = TypeVar("S")


@dataclass(frozen=True)
class InitOption:
    """A ``slam init`` option of a plugin, and the slam.yaml key it sets.

    slam adds it to ``slam init`` (``--flag VALUE``, or a bare ``--flag`` when
    ``switch``), and names the option, not the key, when what it wrote is invalid.
    The plugin reads its value in ``init_section`` from ``args.<flag in snake_case>``.
    """

    flag: str
    key: str
    help: str
    switch: bool = False
    metavar: str | None = None


class Plugin(Generic[S]):
    """Base class for slam plugins, generic in the type of their parsed section.

    ``name`` identifies the plugin; ``config_key`` is the top-level slam.yaml key it
    owns. The plugin is enabled for a project when that key is present in slam.yaml.
    Override the hooks you need; each has a do-nothing default.
    """

    name: ClassVar[str] = ""
    config_key: ClassVar[str] = ""
    order: ClassVar[int] = 100  # position in `slam init --help` and slam.yaml; built-ins first
    init_options: ClassVar[tuple[InitOption, ...]] = ()

    def init_section(self, args: argparse.Namespace) -> str:
        """The slam.yaml text ``slam init`` writes for this plugin, with comments.

        Return the section commented out when the user did not ask for the plugin,
        so the generated file still documents it.
        """
        return ""

    def parse_config(self, node: Node, config: CoreSettings) -> S:
        """Validate this plugin's section and return its settings (a frozen dataclass).

        Report problems with ``node.fail(message, hint)``; ``config`` holds slam's
        own, already parsed settings (stages, function, ...).
        """
        settings: S = node.value
        return settings

    def cloudformation(self, config: CoreSettings, settings: S) -> Mapping[str, Any]:
        """CloudFormation to merge into the stack: ``{"Resources": ..., "Outputs": ...}``."""
        return {}

    def runtime_options(self, config: CoreSettings, settings: S) -> Mapping[str, Any] | None:
        """JSON-serialisable options the Lambda runtime receives for this plugin."""
        return None

    def status_lines(
        self, config: CoreSettings, settings: S, outputs: Mapping[str, str]
    ) -> list[str]:
        """Extra lines for ``slam status``, given the stack's outputs."""
        return []


@dataclass(frozen=True)
class EnabledPlugin(Generic[S]):
    """A plugin whose section slam.yaml holds, with that section parsed: its hooks,
    called with its own settings."""

    plugin: Plugin[S]
    settings: S

    @property
    def name(self) -> str:
        return self.plugin.name

    @property
    def source(self) -> Path:
        """The file defining the plugin's class: the template depends on its code."""
        import inspect

        return Path(inspect.getfile(type(self.plugin))).resolve()

    def cloudformation(self, config: CoreSettings) -> Mapping[str, Any]:
        return self.plugin.cloudformation(config, self.settings)

    def runtime_options(self, config: CoreSettings) -> Mapping[str, Any] | None:
        return self.plugin.runtime_options(config, self.settings)

    def status_lines(self, config: CoreSettings, outputs: Mapping[str, str]) -> list[str]:
        return self.plugin.status_lines(config, self.settings, outputs)


@cache
def load_plugins() -> tuple[Plugin[Any], ...]:
    """Every installed plugin, in ``order``; a broken plugin is a clear SlamError."""
    from importlib.metadata import entry_points

    plugins: dict[str, Plugin[Any]] = {}
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


def _load(entry_point: Any) -> Plugin[Any]:
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
