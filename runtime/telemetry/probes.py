"""`/healthz`, `/readyz` and `/metrics` on the HTTP server, in front of the MCP guard.

Load balancers and Kubernetes probe with the backend's own address as `Host` and without MCP
headers, so the probes answer before `RequestGuard`'s Host/Origin allowlists and never reach the
SDK: they reveal nothing but "ok", so a DNS-rebinding page gains nothing by reading them.
`/metrics` does reveal tool names and counts: see runtime/telemetry/options.py for who may read it.

- `/healthz`: 200 while the process serves (liveness).
- `/readyz`: 200 once the server has started (the build is loaded before that) and, when shared
  state is configured, `runtime.state.health.redis_ok()` does not say False; 503 before start-up
  completes, while shutting down, or with Redis unreachable. The body says why.
"""

from __future__ import annotations

import hmac
import inspect
import logging
import sys
from collections.abc import Callable
from typing import Any, Final

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..http_guard import Allowlists, is_loopback
from ..trace import Tracer
from .options import TOKEN_ENV, MetricsOptions
from .prometheus import PrometheusSink

log = logging.getLogger("toolc.runtime.telemetry")

HEALTH: Final = "/healthz"
READY: Final = "/readyz"
METRICS: Final = "/metrics"
REDIS_TIMEOUT: Final = 2.0  # seconds a readiness probe waits for Redis


def _redis_check() -> Callable[[], Any] | None:
    """`runtime.state.health.redis_ok` when the shared-state module is installed."""
    try:
        from ..state.health import redis_ok  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    check: Callable[[], Any] = redis_ok
    return check


async def redis_state(check: Callable[[], Any] | None) -> bool | None:
    """True / False (unreachable, or no answer within REDIS_TIMEOUT) / None (not configured)."""
    if check is None:
        return None
    try:
        with anyio.fail_after(REDIS_TIMEOUT):
            if inspect.iscoroutinefunction(check):
                value = await check()
            else:
                value = await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
    except TimeoutError:
        return False
    except Exception as exc:
        log.warning("readiness: the Redis check failed: %s", exc)
        return False
    return None if value is None else bool(value)


class Probes:
    """ASGI middleware: answers the probe paths itself, passes everything else to `app`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        loaded: Callable[[], bool],
        tracer: Tracer,
        sink: PrometheusSink | None,
        allowlists: Allowlists,
        token: str | None = None,
        open_metrics: bool = True,
    ) -> None:
        self.app = app
        self.loaded = loaded
        self.tracer = tracer
        self.sink = sink  # None: no /metrics on this port
        self.allowlists = allowlists
        self.token = token
        self.open_metrics = open_metrics  # without a token: served under the Host allowlist
        self.redis = _redis_check()
        self.started = False
        self.stopping = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self.app(scope, self._watch_receive(receive), self._watch_send(send))
            return
        path = scope.get("path") if kind == "http" else None
        if path == HEALTH:
            await self._answer(scope, send, 200, b"ok\n")
        elif path == READY:
            status, body = await self.readiness()
            await self._answer(scope, send, status, body)
        elif path == METRICS and self.sink is not None:
            await self._metrics(scope, send)
        else:
            await self.app(scope, receive, send)

    def _watch_receive(self, receive: Receive) -> Receive:
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.stopping = True
            return message

        return watched

    def _watch_send(self, send: Send) -> Send:
        async def watched(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.started = True
            await send(message)

        return watched

    async def readiness(self) -> tuple[int, bytes]:
        if self.stopping:
            return 503, b"not ready: shutting down\n"
        if not self.started:
            return 503, b"not ready: starting\n"
        if not self.loaded():
            return 503, b"not ready: no build loaded\n"
        redis = await redis_state(self.redis)
        if redis is False:
            return 503, b"not ready: Redis is unreachable\n"
        return 200, b"ready\n" if redis is None else b"ready (Redis reachable)\n"

    async def _metrics(self, scope: Scope, send: Send) -> None:
        assert self.sink is not None
        headers = dict(scope["headers"])
        if self.token is not None:
            given = headers.get(b"authorization", b"")
            if not hmac.compare_digest(given, b"Bearer " + self.token.encode()):
                extra = [(b"www-authenticate", b'Bearer realm="metrics"')]
                await self._answer(scope, send, 401, b"unauthorized\n", extra)
                return
        elif not self.open_metrics:
            await self._answer(scope, send, 404, b"not found\n")
            return
        else:
            host = headers.get(b"host", b"").decode("latin-1")
            origin = headers.get(b"origin")
            if not self.allowlists.host_ok(host) or not self.allowlists.origin_ok(
                None if origin is None else origin.decode("latin-1")
            ):
                await self._answer(scope, send, 421, b"Host or Origin not allowed\n")
                return
        sink, tracer = self.sink, self.tracer

        def scrape() -> bytes:
            tracer.flush()  # spans still waiting for the writer thread count now
            return sink.render()

        body = await anyio.to_thread.run_sync(scrape)
        await self._answer(scope, send, 200, body, content_type=sink.content_type.encode())

    async def _answer(
        self,
        scope: Scope,
        send: Send,
        status: int,
        body: bytes,
        extra: list[tuple[bytes, bytes]] | None = None,
        content_type: bytes = b"text/plain; charset=utf-8",
    ) -> None:
        method = scope.get("method", "GET")
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            *(extra or []),
        ]
        if method not in ("GET", "HEAD"):
            status, body = 405, b"method not allowed\n"
            headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"allow", b"GET, HEAD"),
            ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


def probes_for(
    app: Any, host: str, options: MetricsOptions, workers: int = 1
) -> Callable[[ASGIApp, Allowlists], ASGIApp]:
    """The wrapper `streamable_http.serve` puts around its guarded app, for `app` (server.App)
    served on `host` by `workers` processes; attaches the Prometheus sink (multiprocess mode
    for several workers) and starts `--metrics-port` when asked. Runs before workers fork."""
    from . import attach_prometheus

    if options.enabled and workers > 1:
        import atexit

        from .prometheus import prepare_multiprocess, remove_multiprocess_dir

        folder = prepare_multiprocess(workers)
        if folder is not None:
            atexit.register(remove_multiprocess_dir, folder)  # the parent's exit only

    sink = attach_prometheus(app.tracer, app.engine.build) if options.enabled else None
    on_mcp_port = sink is not None and options.port is None
    if sink is not None and options.port is not None:
        from .listener import MetricsListener

        listener = MetricsListener(options.host, options.port, sink, app.tracer, options.token)
        listener.start()
        shown = f"[{options.host}]" if ":" in options.host else options.host
        print(f"toolc: metrics on http://{shown}:{listener.port}{METRICS}", file=sys.stderr)
    open_metrics = is_loopback(host)
    if on_mcp_port and options.token is None and not open_metrics:
        log.warning(
            "/metrics is off on %s (not a loopback address): set %s to require a bearer token "
            "for it, or serve it on a port of its own with --metrics-port",
            host,
            TOKEN_ENV,
        )

    def wrap(inner: ASGIApp, allowlists: Allowlists) -> ASGIApp:
        return Probes(
            inner,
            loaded=lambda: bool(app.engine.build.tools),
            tracer=app.tracer,
            sink=sink if on_mcp_port else None,
            allowlists=allowlists,
            token=options.token,
            open_metrics=open_metrics,
        )

    return wrap
