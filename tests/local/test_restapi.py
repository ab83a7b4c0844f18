"""The gateway's values: a request read from a WSGI environ, a stage's logging settings."""

from __future__ import annotations

import io

from slam.local import restapi
from slam.local.restapi import HttpRequest, Stage


def test_a_request_from_a_plain_wsgi_environ():
    environ = {
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "a=1",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "5",
        "HTTP_X_CUSTOM": "yes",
        "REMOTE_ADDR": "198.51.100.2",
        "wsgi.input": io.BytesIO(b"hello"),
    }
    assert restapi.request_from_environ(environ, "/x") == HttpRequest(
        "POST",
        "/x",
        "a=1",
        (("Content-Type", "text/plain"), ("Content-Length", "5"), ("X-Custom", "yes")),
        b"hello",
        "198.51.100.2",
    )


def test_a_methods_own_logging_settings_come_before_the_stages():
    stage = Stage(
        "dev",
        method_settings={
            "*/*": {"loggingLevel": "ERROR"},
            "~1tasks/GET": {"loggingLevel": "info", "dataTraceEnabled": True},
        },
    )
    assert stage.logging("/tasks", "GET") == ("INFO", True)
    assert stage.logging("/tasks", "POST") == ("ERROR", False)
    assert Stage("dev").logging("/", "GET") == ("OFF", False)
