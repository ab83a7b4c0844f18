"""WSGI apps for the runtime tests: a raw echo app, a Flask app and the Django project.

Each app answers with JSON describing what it saw, so a test can assert both the
request the app received and the whole response dict Lambda gets back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import Flask, jsonify, make_response, request, url_for

from slam.runtime.wsgi import make_handler

ECHOED_KEYS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "REMOTE_ADDR",
    "REMOTE_USER",
)


def echo_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """Answer with the CGI keys, every HTTP_* key, the scheme and the request body."""
    seen = {key: environ[key] for key in ECHOED_KEYS if key in environ}
    seen.update({key: value for key, value in environ.items() if key.startswith("HTTP_")})
    seen["wsgi.url_scheme"] = environ["wsgi.url_scheme"]
    seen["body"] = environ["wsgi.input"].read().decode("latin-1")
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen, sort_keys=True).encode()]


def environ_for(
    event: dict[str, Any], *, base_path: str | None = None, context: Any = None
) -> dict[str, Any]:
    """Run ``event`` through ``make_handler`` and return the environ the app received."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    make_handler(app, base_path)(event, context)
    return seen


def cgi_keys(environ: dict[str, Any]) -> dict[str, Any]:
    """The CGI and HTTP_* keys of an environ: everything but the wsgi.* and slam.* objects."""
    return {key: value for key, value in environ.items() if key.isupper()}


def flask_app() -> Flask:
    """A Flask app whose routes report what Flask made of the request."""
    app = Flask("runtime_flask")

    @app.route("/items/<name>", methods=["GET", "POST"])
    def item(name: str) -> Any:
        return jsonify(
            name=name,
            path=request.path,
            script_root=request.script_root,
            link=url_for("item", name="next"),
            external=url_for("item", name="next", _external=True),
            args=request.args.to_dict(flat=False),
            cookies=request.cookies,
            body=request.get_data(as_text=True),
            remote_addr=request.remote_addr,
            remote_user=request.remote_user,
        )

    @app.route("/cookies")
    def cookies() -> Any:
        response = make_response("two cookies")
        response.set_cookie("session", "abc", httponly=True)
        response.set_cookie("theme", "dark")
        return response

    @app.route("/logo.png")
    def logo() -> Any:
        return app.response_class(PNG, mimetype="image/png")

    @app.route("/boom")
    def boom() -> Any:
        raise RuntimeError("secret detail from the app")

    return app


#: The first bytes of a PNG file: a body that is not text.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
