"""The HTTP service: routing, metrics, access logs, graceful shutdown."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Mapping
from urllib.parse import parse_qs, urlsplit

from .config import Config, load_config
from .log import Logger
from .metrics import CONTENT_TYPE, Metrics
from .telemetry import Telemetry, start_telemetry, trace_id_from


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, value: object) -> Reply:
    return Reply(status, json.dumps(value).encode())


@dataclass
class Route:
    method: str
    path: str
    handler: Callable[[dict[str, list[str]]], Reply]
    measured: bool
    """Counted in http_server_request_duration_seconds (probes and scrapes are not)."""


class App:
    """Everything but the socket: easy to test, shared by every request thread."""

    def __init__(self, service_name: str, metrics: Metrics, logger: Logger, telemetry: Telemetry | None = None):
        self.service_name = service_name
        self.metrics = metrics
        self.logger = logger
        self.telemetry = telemetry or Telemetry(enabled=False)
        self.ready = True
        """False once shutdown has begun: /readyz fails so no new traffic arrives."""
        self.routes = [
            # Liveness: the process can answer. Never checks dependencies.
            Route("GET", "/healthz", lambda _q: _json(200, {"status": "ok"}), measured=False),
            # Readiness: add dependency checks (database reachable) here, not in /healthz.
            Route("GET", "/readyz", self._readyz, measured=False),
            Route("GET", "/metrics", self._metrics, measured=False),
            # The example route: replace it with your own API.
            Route("GET", "/api/hello", self._hello, measured=True),
        ]

    def _readyz(self, _query: dict[str, list[str]]) -> Reply:
        return _json(200, {"status": "ready"}) if self.ready else _json(503, {"status": "shutting down"})

    def _metrics(self, _query: dict[str, list[str]]) -> Reply:
        return Reply(200, self.metrics.registry.expose().encode(), CONTENT_TYPE)

    def _hello(self, query: dict[str, list[str]]) -> Reply:
        name = query.get("name", ["world"])[0]
        if not 1 <= len(name) <= 100:
            return _json(400, {"error": "name must be 1 to 100 characters"})
        self.metrics.example_greetings.inc()
        return _json(200, {"message": f"Hello, {name}!", "service": self.service_name})

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Reply:
        started = time.perf_counter()
        url = urlsplit(target)
        same_path = [r for r in self.routes if r.path == url.path]
        route = next((r for r in same_path if r.method == method), None)
        # Unknown paths share one label value to keep metric cardinality bounded.
        route_label = same_path[0].path if same_path else "unmatched"
        measured = route.measured if route else True
        if measured:
            self.metrics.requests_in_flight.add(1)
        try:
            span = self.telemetry.server_span(f"{method} {route_label}", headers) if measured else contextlib.nullcontext()
            with span:
                reply = self._dispatch(route, same_path, url.query, method)
        finally:
            if measured:
                self.metrics.requests_in_flight.add(-1)
        seconds = time.perf_counter() - started
        if measured:
            self.metrics.request_duration.observe(
                seconds,
                http_request_method=method,
                http_route=route_label,
                http_response_status_code=str(reply.status),
            )
            self.logger.info(
                "request",
                method=method,
                route=route_label,
                status=reply.status,
                durationMs=round(seconds * 1000),
                traceId=trace_id_from(headers),
            )
        return reply

    def _dispatch(self, route: Route | None, same_path: list[Route], query: str, method: str) -> Reply:
        try:
            if route:
                return route.handler(parse_qs(query, keep_blank_values=True))
            if same_path:
                reply = _json(405, {"error": "method not allowed"})
                reply.headers["Allow"] = ", ".join(r.method for r in same_path)
                return reply
            return _json(404, {"error": "not found"})
        except Exception as error:  # noqa: BLE001 - one failing request must not kill the server
            self.logger.error("request failed", method=method, error=repr(error))
            return _json(500, {"error": "internal error"})


def make_handler(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = app.service_name
        sys_version = ""
        timeout = 5  # idle keep-alive connections close, so shutdown never waits long

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)  # the example has no request bodies; drain them
            reply = app.handle(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if not app.ready:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # App.handle writes the access log as JSON

    return Handler


def make_server(app: App, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(app))
    server.daemon_threads = False  # server_close() waits for in-flight requests
    return server


def serve(config: Config | None = None) -> int:
    """Runs until SIGTERM or SIGINT, then shuts down gracefully. Returns the exit code."""
    config = config or load_config()
    logger = Logger(config.service_name, config.log_level)
    telemetry = start_telemetry(config.otlp_endpoint, config.service_name, logger)
    app = App(config.service_name, Metrics(), logger, telemetry)
    server = make_server(app, config.port)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        logger.info("shutting down", signal=signal.Signals(signum).name, delayMs=round(config.shutdown_delay * 1000))
        app.ready = False
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    thread.start()
    logger.info("listening", port=server.server_address[1], environment=config.environment)

    while not stop.wait(0.5):
        pass
    # Fail readiness first so Kubernetes takes the pod out of the Service,
    # keep serving meanwhile, then stop accepting and finish in-flight requests.
    time.sleep(config.shutdown_delay)
    server.shutdown()
    server.server_close()
    telemetry.shutdown()
    logger.info("stopped")
    return 0
