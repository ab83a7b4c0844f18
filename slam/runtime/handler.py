"""The Lambda entry point: the function's Handler is ``slam_runtime.handler.handler``.

The build step copies this package into the Lambda zip as ``slam_runtime/`` and writes
``slam_runtime/settings.json`` beside it. At import time, which is Lambda's init phase,
this module reads that file (or the file named by ``SLAM_RUNTIME_SETTINGS``), imports
the user's app once and builds :data:`handler`. Settings read:

- ``function.module`` and ``function.app``: where the app or function lives.
- ``devstage``: the stage of invocations that name no configured stage.
- ``environment`` and ``stage_environments``: variables for every stage and per stage;
  the stages are the keys of ``stage_environments``.
- ``plugins.wsgi``: present for a WSGI app; its ``base_path`` is the optional
  custom-domain base-path mapping.
"""

from __future__ import annotations

import importlib
import json
import os

from . import stage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._typing import Event, Handler

#: Environment variable naming a settings file to read instead of the bundled one.
SETTINGS_VARIABLE = "SLAM_RUNTIME_SETTINGS"


class SettingsError(ValueError):
    """settings.json is missing or malformed."""


class AppImportError(ImportError):
    """The user's app could not be imported."""


def settings_path() -> str:
    """The settings file to read: ``$SLAM_RUNTIME_SETTINGS``, else ``settings.json`` here."""
    return os.environ.get(SETTINGS_VARIABLE) or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "settings.json"
    )


def load_settings(path: str) -> dict[str, Event]:
    """Read the settings file; raise SettingsError naming the file when it is unusable."""
    try:
        with open(path, encoding="utf-8") as file:
            settings = json.load(file)
    except (OSError, ValueError) as error:
        raise SettingsError(f"slam: cannot read runtime settings {path}: {error}") from error
    try:
        function_settings = settings["function"]
        names = function_settings["module"], function_settings["app"], settings["devstage"]
        if not all(isinstance(name, str) and name for name in names):
            raise TypeError
    except (KeyError, TypeError) as error:
        raise SettingsError(
            f"slam: runtime settings {path} need function.module, function.app and devstage"
        ) from error
    return settings  # type: ignore[no-any-return]


def import_app(module: str, attribute: str) -> object:
    """Import ``module`` and return its ``attribute``; AppImportError names both on failure."""
    try:
        return getattr(importlib.import_module(module), attribute)
    except Exception as error:  # anything the user's module raises while importing
        raise AppImportError(f"slam: cannot import app '{module}:{attribute}': {error}") from error


def make_lambda_handler(settings: dict[str, Event], app: object) -> Handler:
    """Build the handler for ``app``: stage environment first, then WSGI or function mode."""
    if not callable(app):
        target = f"{settings['function']['module']}:{settings['function']['app']}"
        raise AppImportError(f"slam: app '{target}' is not callable: {type(app).__name__}")
    stages = stage.StageEnvironment(
        settings["devstage"],
        settings.get("environment") or {},
        settings.get("stage_environments") or {},
    )
    plugins = settings.get("plugins") or {}
    # each mode imports only its own modules: less to load, or compile, at cold start
    if "wsgi" in plugins:
        from . import wsgi

        serve = wsgi.make_handler(app, (plugins["wsgi"] or {}).get("base_path"))
    else:
        from . import function

        serve = function.make_handler(app)

    def lambda_handler(event: Event, context: object) -> object:
        stages.apply(context)
        return serve(event, context)

    return lambda_handler


def _init() -> Handler:
    settings = load_settings(settings_path())
    function_settings = settings["function"]
    app = import_app(function_settings["module"], function_settings["app"])
    return make_lambda_handler(settings, app)


#: The Lambda handler, built once per container.
handler = _init()
