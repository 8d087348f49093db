"""The telemetry tests' real pieces: an OTLP/HTTP receiver and a toolc HTTP server subprocess.

`Receiver` is a plain HTTP server on 127.0.0.1 that accepts what an OpenTelemetry collector
accepts at `POST /v1/traces` and `/v1/metrics` (protobuf) and decodes it with opentelemetry-proto.
`Served` starts `toolc serve --transport http --port 0` and reads the URL it prints.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

T = TypeVar("T")


def value_of(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    return getattr(v, kind) if kind else None


class Receiver:
    """OTLP/HTTP on 127.0.0.1:<free port>; keeps decoded spans and metric data points."""

    def __init__(self) -> None:
        self.spans: list[
            dict[str, Any]
        ] = []  # {"name", "kind", "status", "attributes", "resource"}
        self.points: list[dict[str, Any]] = []  # {"metric", "attributes", "value"}
        self.paths: list[str] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"] or 0))
                ok = outer.receive(self.path, self.headers["Content-Type"] or "", body)
                self.send_response(200 if ok else 404)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def receive(self, path: str, content_type: str, body: bytes) -> bool:
        assert content_type == "application/x-protobuf", content_type
        with self.lock:
            self.paths.append(path)
            if path == "/v1/traces":
                self._traces(body)
            elif path == "/v1/metrics":
                self._metrics(body)
            else:
                return False
        return True

    def _traces(self, body: bytes) -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for rs in request.resource_spans:
            resource = {a.key: value_of(a.value) for a in rs.resource.attributes}
            for ss in rs.scope_spans:
                for s in ss.spans:
                    self.spans.append(
                        {
                            "name": s.name,
                            "kind": s.kind,
                            "status": s.status.code,
                            "start": s.start_time_unix_nano,
                            "end": s.end_time_unix_nano,
                            "attributes": {a.key: value_of(a.value) for a in s.attributes},
                            "resource": resource,
                        }
                    )

    def _metrics(self, body: bytes) -> None:
        request = ExportMetricsServiceRequest()
        request.ParseFromString(body)
        for rm in request.resource_metrics:
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    kind = metric.WhichOneof("data")
                    for p in getattr(metric, kind).data_points:
                        value = p.count if kind == "histogram" else p.as_double or p.as_int
                        self.points.append(
                            {
                                "metric": metric.name,
                                "kind": kind,
                                "attributes": {a.key: value_of(a.value) for a in p.attributes},
                                "value": value,
                            }
                        )

    def wait_for(self, found: Callable[[Receiver], T | None], seconds: float = 15.0) -> T:
        deadline = time.monotonic() + seconds
        while True:
            with self.lock:
                value = found(self)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"not received in {seconds:g} s; got paths {self.paths}")
            time.sleep(0.1)


class Served:
    """A running `toolc serve --transport http` subprocess."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path, url: str) -> None:
        self.proc = proc
        self.log = log
        self.url = url  # .../mcp
        self.base = url.removesuffix("/mcp")

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serve_http(
    *extra: str, env: dict[str, str] | None = None, client: str = "test"
) -> Iterator[Served]:
    args = [sys.executable, "-m", "toolc", "serve", "--client", client, "--transport", "http"]
    args += ["--port", "0", "--generated", str(FIXTURE), "--no-trace", *extra]
    with tempfile.TemporaryDirectory(prefix="toolc-telemetry-") as tmp:
        log = Path(tmp) / "stderr.log"
        with log.open("wb") as err:
            proc = subprocess.Popen(args, cwd=ROOT, env=server_env(env), stderr=err)
        try:
            url = _wait_url(proc, log)
            yield Served(proc, log, url)
        finally:
            stop(proc)


def _wait_url(proc: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = re.search(r"serving (http://127\.0\.0\.1:\d+/mcp)", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)
    raise TimeoutError("the HTTP server printed no URL")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
