"""The code that runs inside Lambda: standard library only, imported at Lambda init.

The build step copies every module here into the Lambda zip as the package
``slam_runtime`` (so the modules import each other relatively) and writes
``slam_runtime/settings.json`` beside them.

- :mod:`.handler`: the entry point, ``slam_runtime.handler.handler``.
- :mod:`.wsgi`: ``make_handler(app, base_path=None)``, usable on its own for any WSGI app.
- :mod:`.events`: one function per event format, building the WSGI environ.
- :mod:`.responses`: one function per response format.
- :mod:`.function`: function mode, for plain Python functions.
- :mod:`.stage`: the stage of an invocation and its environment variables.

Importing this package imports nothing else, so it stays cheap.
"""
