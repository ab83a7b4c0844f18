"""The project's extensions of moto, one module per service.

Each module named in :data:`EXTENSIONS` may define:

- ``install() -> None``: register its models and corrections with moto. Called once
  per process before the server starts; must be idempotent.
- ``wrap(app) -> app``: a WSGI middleware in front of moto's server (the gateway).
- ``shutdown() -> None``: stop what it started (worker processes, threads).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

EXTENSIONS: tuple[str, ...] = ("slam.local.cloudformation",)

WsgiApp = Callable[..., Any]


def _modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in EXTENSIONS]


def install() -> None:
    for module in _modules():
        if hasattr(module, "install"):
            module.install()


def wrap(app: WsgiApp) -> WsgiApp:
    for module in _modules():
        if hasattr(module, "wrap"):
            app = module.wrap(app)
    return app


def shutdown() -> None:
    for module in reversed(_modules()):
        if hasattr(module, "shutdown"):
            module.shutdown()
