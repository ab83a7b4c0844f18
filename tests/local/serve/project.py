"""A small project for the tests of ``slam serve``: a plain WSGI app with no requirements
(so no package index is needed), a 2 s timeout, two stages and a table."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from .served import SLAM, environment

APP = '''\
"""Each path shows one thing slam serve must do as API Gateway and Lambda do it."""

import json
import logging
import os
import sys
import time

import boto3  # what Lambda's runtime provides

MESSAGE = "hello"
log = logging.getLogger("app")


def respond(start_response, body, content_type="application/json", headers=()):
    start_response("200 OK", [("Content-Type", content_type), *headers])
    return [body]


def index(environ, start_response):
    print("index requested")
    log.warning("a warning from the app")
    root = environ["SCRIPT_NAME"]
    host = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}"
    answer = {
        "message": MESSAGE,
        "stage": os.environ.get("STAGE"),
        "greeting": os.environ.get("GREETING"),
        "link": f"{root}/items/1",
        "url": f"{host}{root}/items/1",
        "pid": os.getpid(),
    }
    return respond(start_response, json.dumps(answer).encode())


def echo(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    return respond(start_response, body, "application/octet-stream")


def cookies(environ, start_response):
    headers = [
        ("Set-Cookie", "session=abc; Path=/; HttpOnly"),
        ("Set-Cookie", "remember=yes; Path=/; Max-Age=60"),
        ("X-Tag", "one"),
        ("X-Tag", "two"),
    ]
    return respond(start_response, b"{}", headers=headers)


def items(environ, start_response):
    table = f"{os.environ['STAGE']}.items"
    key = {"id": {"S": environ["PATH_INFO"].rsplit("/", 1)[1]}}
    dynamodb = boto3.client("dynamodb")
    if environ["REQUEST_METHOD"] == "PUT":
        text = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        dynamodb.put_item(TableName=table, Item={**key, "text": {"S": text}})
    item = dynamodb.get_item(TableName=table, Key=key)["Item"]
    return respond(start_response, item["text"]["S"].encode(), "text/plain")


def boom(environ, start_response):
    raise RuntimeError("the app broke")


def sleep(environ, start_response):
    time.sleep(6)
    return respond(start_response, b"{}")


def big(environ, start_response):
    return respond(start_response, b"x" * (7 * 1024 * 1024), "application/octet-stream")


ROUTES = {
    "/": index,
    "/echo": echo,
    "/cookies": cookies,
    "/boom": boom,
    "/sleep": sleep,
    "/big": big,
}


def app(environ, start_response):
    path = environ["PATH_INFO"]
    route = items if path.startswith("/items/") else ROUTES.get(path)
    if route is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error": "not found"}']
    return route(environ, start_response)
'''

STAGE_OPTIONS = ("--stages", "dev,prod", "--dynamodb-tables", "items")
STAGES = """\
stage_environments:
  dev:
    GREETING: hello dev
  prod:
    GREETING: hello prod
"""


def make_project(folder: Path) -> Path:
    """The project, in ``folder``: its slam.yaml written by ``slam init``, then edited."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [SLAM, "init", "app:app", "--wsgi", "--timeout", "2", *STAGE_OPTIONS],
        cwd=folder,
        check=True,
        capture_output=True,
        env=environment(),
    )
    config = folder / "slam.yaml"
    text = config.read_text()
    config.write_text(text.replace("stage_environments:\n  dev:\n  prod:\n", STAGES, 1))
    (folder / "app.py").write_text(textwrap.dedent(APP))
    return folder


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) in a file, as an editor saves it."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
