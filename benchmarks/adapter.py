"""How much the WSGI adapter in slam/runtime costs per request, and how long it takes to import.

Run with ``python benchmarks/adapter.py`` (under a minute). It prints:

1. The median time per call of ``slam.runtime.wsgi.make_handler(app)`` on REST API (v1),
   HTTP API (v2) and ALB events, for four apps: a trivial one, a 10 KB JSON response,
   a 1 MB binary response and a Flask route. Each figure is also given as a ratio to a
   *floor* handler timed in the same run, on the same events: it builds a bare environ
   holding the same request (method, stage prefix, path, query, host, client address,
   headers, the wsgi.* keys) read naively, with no decoding and no checks, calls the app,
   joins the body, closes the app's iterable and returns the body, base64-encoded unless
   the app said the body is text.
   Goals: at most 1.10x the floor on trivial requests, within 5% on the Flask route.
   A last row puts a second floor handler in slam's place, on the Flask route: how far
   from 1.00x two identical handlers land is the resolution of the other figures.
2. The import time of the runtime in a fresh interpreter, laid out as in the Lambda
   package (``slam_runtime/`` beside the app), after the modules Lambda's own Python
   runtime has loaded: every module, then the whole init (settings, app import) in WSGI
   and in function mode. Each with cached bytecode and compiled from source: a package
   that ships no ``.pyc`` is compiled at every cold start, /var/task being read-only.
   Goal: under 5 ms.

Timings are medians of batches (per call) or of runs (imports), the garbage collector
off while a batch runs; ratios are medians of batch-by-batch ratios. This is a script
that prints figures, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import gc
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from binascii import b2a_base64
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

import slam.runtime
from slam.runtime.wsgi import make_handler

Handler = Callable[[dict[str, Any], Any], Any]
App = Callable[[dict[str, Any], Any], Iterable[bytes]]

BATCHES = 41
BATCH_SECONDS = 0.025
IMPORT_RUNS = 15

HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-US,en;q=0.8",
    "Cache-Control": "no-cache",
    "CloudFront-Forwarded-Proto": "https",
    "CloudFront-Is-Desktop-Viewer": "true",
    "CloudFront-Is-Mobile-Viewer": "false",
    "CloudFront-Viewer-Country": "US",
    "Cookie": "session=abc; theme=dark",
    "Host": HOST,
    "User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15",
    "Via": "2.0 d98420743a69852491bbdea73f7680bd.cloudfront.net (CloudFront)",
    "X-Amz-Cf-Id": "pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A==",
    "X-Amzn-Trace-Id": "Root=1-5e7fe714-fee6909429159440eb352c40",
    "X-Forwarded-For": "198.51.100.1, 70.132.20.1",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https",
}


def rest_event(path: str) -> dict[str, Any]:
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": "GET",
        "headers": BROWSER_HEADERS,
        "multiValueHeaders": {name: [value] for name, value in BROWSER_HEADERS.items()},
        "queryStringParameters": {"page": "2"},
        "multiValueQueryStringParameters": {"page": ["2"]},
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": HOST,
            "httpMethod": "GET",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0", "userArn": None},
            "path": f"/prod{path}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "resourcePath": "/{proxy+}",
            "stage": "prod",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def http_v2_event(path: str) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in BROWSER_HEADERS.items()}
    cookies = headers.pop("cookie").split("; ")
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "page=2",
        "cookies": cookies,
        "headers": headers,
        "queryStringParameters": {"page": "2"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": HOST,
            "domainPrefix": "abc123defg",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "Mozilla/5.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "10/Mar/2020:05:16:23 +0000",
            "timeEpoch": 1583817383220,
        },
        "isBase64Encoded": False,
    }


def alb_event(path: str) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in BROWSER_HEADERS.items()}
    headers["host"] = "tasks-alb-1234567890.us-east-1.elb.amazonaws.com"
    return {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tasks/6d0e"
                )
            }
        },
        "httpMethod": "GET",
        "path": path,
        "queryStringParameters": {"page": "2"},
        "headers": headers,
        "body": "",
        "isBase64Encoded": False,
    }


def fixed_app(content_type: str, body: bytes) -> App:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", list(headers))
        return [body]

    return app


def flask_app() -> Flask:
    app = Flask("benchmark")

    @app.route("/items/<int:item_id>")
    def item(item_id: int) -> Any:
        return jsonify(id=item_id, title="Buy milk", done=False)

    return app


JSON_10KB = json.dumps([{"id": n, "title": f"task {n}", "done": n % 2 == 0} for n in range(240)])
APPS: dict[str, tuple[App, str]] = {
    "trivial": (fixed_app("text/plain", b"ok"), "/"),
    "10 KB JSON": (fixed_app("application/json", JSON_10KB.encode()[:10240]), "/"),
    "1 MB binary": (fixed_app("application/octet-stream", bytes(range(256)) * 4096), "/"),
    "Flask route": (flask_app(), "/items/42"),
}
EVENTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "REST v1": rest_event,
    "HTTP v2": http_v2_event,
    "ALB": alb_event,
}


def floor_handler(app: App) -> Handler:
    """The least an adapter can do: no decoding, no checks, no event formats.

    It still hands the app the same request (stage prefix, query string, host, client
    address, cookies), read naively from the event, so that the app does the same work
    under both handlers and the difference is the adapter's own cost.
    """

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request_context = event["requestContext"]
        stage = request_context.get("stage")
        query = event.get("rawQueryString")
        if query is None:
            query = "&".join(f"{k}={v}" for k, v in event["queryStringParameters"].items())
        address = (request_context.get("identity") or request_context.get("http") or {}).get(
            "sourceIp"
        )
        environ = {
            "REQUEST_METHOD": event.get("httpMethod") or "GET",
            "SCRIPT_NAME": f"/{stage}" if "path" in event and stage else "",
            "PATH_INFO": event.get("path") or event.get("rawPath"),
            "QUERY_STRING": query,
            "CONTENT_LENGTH": "0",
            "REMOTE_ADDR": address or event["headers"]["x-forwarded-for"].rpartition(",")[2],
            "SERVER_NAME": event["headers"].get("Host") or event["headers"].get("host"),
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in event["headers"].items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if "cookies" in event:
            environ["HTTP_COOKIE"] = "; ".join(event["cookies"])
        response: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            response[:] = [status, headers]
            return None

        result = app(environ, start_response)
        body = b"".join(result)
        getattr(result, "close", _no_close)()  # PEP 3333: every server must
        headers = dict(response[1])
        text = headers.get("Content-Type", "").startswith(("text/", "application/json"))
        return {
            "statusCode": int(response[0][:3]),
            "headers": headers,
            "body": body.decode() if text else b2a_base64(body, newline=False).decode(),
            "isBase64Encoded": not text,
        }

    return handler


def _no_close() -> None:
    return None


def calls_per_batch(handler: Handler, event: dict[str, Any]) -> int:
    started = time.perf_counter()
    handler(event, None)
    elapsed = time.perf_counter() - started
    return max(3, int(BATCH_SECONDS / max(elapsed, 1e-7)))


def time_batch(handler: Handler, event: dict[str, Any], calls: int) -> float:
    """Mean seconds per call over one batch."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(calls):
            handler(event, None)
        return (time.perf_counter() - started) / calls
    finally:
        gc.enable()


def compare(slam: Handler, floor: Handler, event: dict[str, Any]) -> tuple[float, float, float]:
    """Median seconds per call of ``slam`` and of ``floor``, and the median ratio.

    Batches alternate between the two, each going first in turn, and the ratio is
    taken batch by batch, so a slower moment of the machine weighs on both sides.
    """
    assert slam(event, None)["statusCode"] == floor(event, None)["statusCode"] == 200
    calls = calls_per_batch(floor, event)
    slam_times, floor_times = [], []
    for batch in range(BATCHES):
        # alternate which goes first: the second batch of a pair runs in a warmer machine
        if batch % 2:
            slam_times.append(time_batch(slam, event, calls))
            floor_times.append(time_batch(floor, event, calls))
        else:
            floor_times.append(time_batch(floor, event, calls))
            slam_times.append(time_batch(slam, event, calls))
    ratios = [mine / least for mine, least in zip(slam_times, floor_times, strict=True)]
    return statistics.median(slam_times), statistics.median(floor_times), statistics.median(ratios)


def print_adapter_table() -> dict[tuple[str, str], float]:
    print("Median time per call: slam's adapter / the floor handler = median ratio of batches")
    print(f"{'app':<13}" + "".join(f"{kind:>30}" for kind in EVENTS))
    ratios = {}
    rows = {name: (make_handler, app, path) for name, (app, path) in APPS.items()}
    # the measurement's own spread: a second floor handler in slam's place
    rows["floor, Flask"] = (floor_handler, *APPS["Flask route"])
    for row, (handler_for, app, path) in rows.items():
        cells = []
        for kind, build in EVENTS.items():
            slam, floor, ratio = compare(handler_for(app), floor_handler(app), build(path))
            ratios[row, kind] = ratio
            cells.append(f"{_duration(slam)} / {_duration(floor)} = {ratio:4.2f}x")
        print(f"{row:<13}" + "".join(f"{cell:>30}" for cell in cells))
    return ratios


def _duration(seconds: float) -> str:
    return f"{seconds * 1e6:7.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:7.2f} ms"


def lambda_layout(directory: Path, wsgi: bool) -> Path:
    """slam_runtime/ with settings.json and a trivial app beside it, as in the zip."""
    package = directory / "slam_runtime"
    package.mkdir(parents=True)
    for source in Path(slam.runtime.__file__).parent.glob("*.py"):
        shutil.copy(source, package / source.name)
    settings = {
        "function": {"module": "app", "app": "app"},
        "devstage": "dev",
        "environment": {},
        "stage_environments": {"dev": {}},
        "plugins": {"wsgi": {"base_path": None}} if wsgi else {},
    }
    (package / "settings.json").write_text(json.dumps(settings))
    (directory / "app.py").write_text("def app(environ, start_response):\n    return []\n")
    return directory


EVERY_MODULE = (
    "slam_runtime.events, slam_runtime.function, slam_runtime.responses, slam_runtime.stage,"
    " slam_runtime.wsgi"
)
IMPORT_PROBE = """
# what Lambda's Python runtime (awslambdaric's bootstrap) has imported before the handler
import importlib, json, logging, os, sys, time, traceback
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
import {modules}
print(time.perf_counter() - started)
"""


def import_seconds(root: Path, modules: str, cached: bool) -> float:
    """Median seconds to import ``modules`` in fresh interpreters.

    Cached: slam_runtime's bytecode is written by a first run and read by the others.
    Not cached (``-B``, measure this first): every run compiles slam_runtime's sources,
    as Lambda does for a package that ships no ``.pyc``; the standard library keeps its
    own bytecode, as on Lambda.
    """
    flags = [] if cached else ["-B"]
    command = [sys.executable, "-I", *flags, "-c", IMPORT_PROBE.format(modules=modules), str(root)]
    if cached:
        subprocess.run(command, check=True, capture_output=True)
    runs = [
        float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        for _ in range(IMPORT_RUNS)
    ]
    return statistics.median(runs)


def print_import_table() -> float:
    print("\nImport time in a fresh interpreter (median of", IMPORT_RUNS, "runs)")
    print(f"{'what':<58}{'cached .pyc':>14}{'from source':>14}")
    with tempfile.TemporaryDirectory() as temporary:
        rows = {
            "every module of slam_runtime but the entry point": (EVERY_MODULE, True),
            "Lambda init, WSGI mode (handler, settings, trivial app)": (
                "slam_runtime.handler",
                True,
            ),
            "Lambda init, function mode": ("slam_runtime.handler", False),
        }
        package_time = 0.0
        for number, (label, (modules, wsgi)) in enumerate(rows.items()):
            root = lambda_layout(Path(temporary) / str(number), wsgi)
            source = import_seconds(root, modules, cached=False)
            cached = import_seconds(root, modules, cached=True)
            package_time = package_time or cached
            print(f"{label:<58}{_duration(cached):>14}{_duration(source):>14}")
    return package_time


def main() -> None:
    ratios = print_adapter_table()
    package_time = print_import_table()
    trivial = max(ratios["trivial", kind] for kind in EVENTS)
    flask = max(ratios["Flask route", kind] for kind in EVENTS)
    spread = max(abs(ratios["floor, Flask", kind] - 1) for kind in EVENTS)
    print(
        f"\nGoals: trivial <= 1.10x (worst {trivial:.2f}x), Flask <= 1.05x (worst {flask:.2f}x),"
        f" every module imported < 5 ms with cached bytecode ({package_time * 1e3:.2f} ms)."
        f"\nA floor against a floor differs by up to {spread:.0%}: ratios within that of each"
        " other cannot be told apart on this machine."
    )


if __name__ == "__main__":
    main()
