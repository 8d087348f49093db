"""`--metrics-port`: `/metrics` on a listener of its own (a daemon thread, stdlib HTTP server).

Bound to 127.0.0.1 by default; there it answers only the loopback Host names (no DNS rebinding).
Bound elsewhere (`--metrics-host`), it is meant for an internal network and answers any Host.
`TOOLC_METRICS_TOKEN`, when set, is required here too.
"""

from __future__ import annotations

import hmac
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..http_guard import Allowlists, is_loopback
from ..trace import Tracer
from .prometheus import PrometheusSink

log = logging.getLogger("toolc.runtime.telemetry")


class MetricsListener:
    def __init__(
        self, host: str, port: int, sink: PrometheusSink, tracer: Tracer, token: str | None
    ) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "toolc-metrics"
            sys_version = ""

            def do_GET(self) -> None:
                outer.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.sink = sink
        self.tracer = tracer
        self.token = token
        try:
            self.httpd = ThreadingHTTPServer((host.strip("[]"), port), Handler)
        except OSError as exc:
            raise OSError(f"--metrics-port {port} on {host}: {exc.strerror or exc}") from None
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.allowlists = Allowlists.build(self.port) if is_loopback(host) else None
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name="toolc-metrics", daemon=True
        )

    def start(self) -> MetricsListener:
        self.thread.start()
        return self

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        status, body, headers = self._response(request)
        request.send_response(status)
        ctype = self.sink.content_type if status == 200 else "text/plain; charset=utf-8"
        for name, value in [("Content-Type", ctype), *headers]:
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.end_headers()
        request.wfile.write(body)

    def _response(
        self, request: BaseHTTPRequestHandler
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        if request.path.split("?", 1)[0] != "/metrics":
            return 404, b"not found\n", []
        if self.allowlists is not None and not self.allowlists.host_ok(request.headers["Host"]):
            return 421, b"Host not allowed\n", []
        if self.token is not None:
            given = (request.headers["Authorization"] or "").encode("latin-1", "replace")
            if not hmac.compare_digest(given, b"Bearer " + self.token.encode()):
                return 401, b"unauthorized\n", [("WWW-Authenticate", 'Bearer realm="metrics"')]
        try:
            self.tracer.flush()
            return 200, self.sink.render(), []
        except Exception:
            log.exception("rendering /metrics failed")
            return 500, b"internal error\n", []

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
