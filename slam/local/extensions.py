"""The project's extensions of moto, one module per service.

Each module named in :data:`EXTENSIONS` may define:

- ``install() -> None``: register its models and corrections with moto. Called once
  per server start, before the server listens; must be idempotent.
- ``wrap(app) -> app``: a WSGI middleware in front of moto's server (the gateway).
- ``started(url) -> None``: a server listens at ``url`` (what workers call back).
- ``stopped(url) -> None``: the server at ``url`` no longer listens.
- ``shutdown() -> None``: stop what it started (worker processes, threads). Called
  when any server stops: what it stopped starts again on demand.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

EXTENSIONS: tuple[str, ...] = (
    "slam.local.cloudformation",
    "slam.local.awslambda",
    "slam.local.apigateway",
    "slam.local.logs",
    "slam.local.s3",
)

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


def started(url: str) -> None:
    for module in _modules():
        if hasattr(module, "started"):
            module.started(url)


def stopped(url: str) -> None:
    for module in _modules():
        if hasattr(module, "stopped"):
            module.stopped(url)


def shutdown() -> None:
    for module in reversed(_modules()):
        if hasattr(module, "shutdown"):
            module.shutdown()
