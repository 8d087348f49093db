"""The Streamable HTTP ASGI app: the SDK's session manager at `/mcp`, guarded and bounded.

`Server.streamable_http_app` hands one event store to every session, and the transport's stream
ids (request ids) repeat across sessions, so a shared store would mix sessions' streams and let one
session replay another's events. `ScopedSessionManager` gives each new session its own view of one
`EventLog` instead, and caps how many sessions one peer address may hold (the SDK caps only the
total, so one client could take every slot). `RequestGuard` (runtime.http_guard) stands in front:
exact Host/Origin allowlists and well-formed JSON-RPC bodies.
"""

from __future__ import annotations

import contextvars
import logging
import socket
import sys
from dataclasses import dataclass
from typing import Any

import anyio
from anyio.abc import TaskStatus
from mcp.server.auth.middleware.bearer_auth import AuthorizationContext
from mcp.server.connection import Connection
from mcp.server.lowlevel import Server
from mcp.server.runner import serve_connection
from mcp.server.streamable_http import EventStore, StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.shared.jsonrpc_dispatcher import JSONRPCDispatcher
from mcp.shared.transport_context import TransportContext
from mcp.types import DEFAULT_NEGOTIATED_VERSION
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .events import EventLog, SessionEvents
from .http_guard import Allowlists, RequestGuard, send_error
from .http_response import AdaptiveTransport, Streams, adaptive

MCP_PATH = "/mcp"
SERVER_ERROR = -32000  # JSON-RPC "server error" range: a limit, not a bad request
log = logging.getLogger("toolc.runtime.http")

_peer: contextvars.ContextVar[str] = contextvars.ContextVar("toolc_http_peer", default="")


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """Stateful session bounds; None: no limit. Each session costs about 40 KiB."""

    max_sessions: int | None = 1000
    max_per_peer: int | None = 100
    idle_timeout: float | None = 300.0


class PeerLimitReached(Exception):
    """A new session from a peer that already holds its share."""


class ScopedSessionManager(StreamableHTTPSessionManager):
    """The SDK's session manager, with a private event namespace per session and a per-peer cap.

    The SDK reads `event_store` once per new session, to build that session's transport; here each
    read returns a new `SessionEvents` view of the shared log (None: no resumability). A peer is
    the client's IP address as the server sees it (`X-Forwarded-For` only with uvicorn's
    `--forwarded-allow-ips`).
    """

    def __init__(
        self,
        app: Server[Any],
        *,
        events: EventLog | None,
        max_per_peer: int | None = None,
        streams: Streams = lambda _name, _args: True,
        **options: Any,
    ) -> None:
        self.events = events
        self.streams = streams  # which tools/call may stream (runtime.http_response)
        self.max_per_peer = max_per_peer
        self.peer_of: dict[str, str] = {}  # session id -> peer
        self.per_peer: dict[str, int] = {}  # peer -> open sessions
        super().__init__(app, **options)

    @property
    def event_store(self) -> SessionEvents | None:
        return self.events.session() if self.events is not None else None

    @event_store.setter
    def event_store(self, value: EventStore | None) -> None:
        # the base class assigns the `event_store` argument (always None here)
        if value is not None:
            raise TypeError("pass `events=EventLog(...)` instead of an event store")

    async def _handle_stateful_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        peer = str(client[0]) if client else ""
        token = _peer.set(peer)
        try:
            await super()._handle_stateful_request(scope, receive, send)
        except PeerLimitReached:
            log.warning("refused a new session from %s: %d open", peer, self.max_per_peer)
            message = f"Too many open sessions from this address (limit {self.max_per_peer})"
            retry = (b"retry-after", b"60")
            await send_error(send, 429, SERVER_ERROR, message, [retry])
        finally:
            _peer.reset(token)

    def _admit_session(
        self, requestor: AuthorizationContext | None
    ) -> StreamableHTTPServerTransport | None:
        # called under the SDK's session-creation lock: check and count happen together
        peer = _peer.get()
        if self.max_per_peer is not None and self.per_peer.get(peer, 0) >= self.max_per_peer:
            raise PeerLimitReached
        transport = super()._admit_session(requestor)
        if transport is not None:
            transport = adaptive(transport, self.streams)
        if transport is not None and transport.mcp_session_id is not None:
            self.peer_of[transport.mcp_session_id] = peer
            self.per_peer[peer] = self.per_peer.get(peer, 0) + 1
        return transport

    async def _handle_stateless_request(
        self, protocol_version_hint: str | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """The SDK's stateless path (mcp 2.3.0), with a transport that answers per request."""
        transport = AdaptiveTransport(mcp_session_id=None, security_settings=self.security_settings)
        transport.streams = self.streams

        async def run(*, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
            async with transport.connect() as (read_stream, write_stream):
                task_status.started()
                dispatcher: JSONRPCDispatcher[TransportContext] = JSONRPCDispatcher(
                    read_stream,
                    write_stream,
                    inline_methods=frozenset({"initialize"}),
                    transport_builder=lambda _md: TransportContext(
                        kind="streamable-http", can_send_request=False
                    ),
                )
                version = protocol_version_hint or DEFAULT_NEGOTIATED_VERSION
                connection = Connection.from_envelope(version, None, None)
                try:
                    await serve_connection(
                        self.app,
                        dispatcher,
                        connection=connection,
                        lifespan_state=self._lifespan_state,
                    )
                except Exception:
                    log.exception("stateless request crashed")

        assert self._task_group is not None
        try:
            await self._task_group.start(run)
            await transport.handle_request(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                await transport.terminate()

    async def _discard_session(
        self, session_id: str, transport: StreamableHTTPServerTransport
    ) -> None:
        peer = self.peer_of.pop(session_id, None)
        if peer is not None:
            left = self.per_peer.get(peer, 1) - 1
            if left > 0:
                self.per_peer[peer] = left
            else:
                self.per_peer.pop(peer, None)
        await super()._discard_session(session_id, transport)


def asgi_app(
    server: Server[Any],
    *,
    port: int,
    stateless: bool,
    events: EventLog | None = None,
    retry_ms: int | None = None,
    allowlists: Allowlists | None = None,
    limits: SessionLimits = SessionLimits(),
    streams: Streams = lambda _name, _args: True,
) -> RequestGuard:
    """Streamable HTTP at `/mcp`; `events` (stateful only) makes its SSE streams resumable.

    With `events`, every POST stream of a 2025-11-25 session opens with a priming event (its id,
    and `retry: retry_ms`), a handler may close its stream mid-call (`ToolContext.
    close_sse_stream`), and a GET with `Last-Event-ID` replays what the client missed. Requests
    pass `allowlists` (default: the loopback names on `port`) before reaching the SDK.
    """
    if stateless and events is not None:
        raise ValueError("stateless Streamable HTTP has no sessions to resume")
    manager = ScopedSessionManager(
        server,
        events=events,
        max_per_peer=limits.max_per_peer,
        streams=streams,
        stateless=stateless,
        security_settings=None,  # the SDK matches Host/Origin by prefix; RequestGuard does it
        retry_interval=retry_ms if events is not None else None,
        session_idle_timeout=limits.idle_timeout,
        max_sessions=limits.max_sessions,
    )
    app = Starlette(
        routes=[Route(MCP_PATH, endpoint=StreamableHTTPASGIApp(manager))],
        lifespan=lambda _app: manager.run(),
    )
    return RequestGuard(app, allowlists or Allowlists.build(port))


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How the HTTP server is exposed and bounded (the `serve --transport http` options)."""

    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    limits: SessionLimits = SessionLimits()
    head_timeout: float = 10.0
    keep_alive_timeout: int = 5
    forwarded_allow_ips: str | None = None  # None: X-Forwarded-For is ignored


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port. Its protocol is IPPROTO_TCP explicitly: asyncio sets
    TCP_NODELAY only on sockets that say so, and without it every response waited ~40 ms for a
    delayed ACK (a plain `socket.create_server` has protocol 0)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def serve(
    server: Server[Any],
    host: str,
    port: int,
    *,
    stateless: bool,
    events: EventLog | None = None,
    retry_ms: int | None = None,
    options: HttpOptions = HttpOptions(),
    streams: Streams = lambda _name, _args: True,
) -> None:
    """Bind `host:port` (0: any free port), then serve Streamable HTTP there with uvicorn."""
    import uvicorn

    from .http_protocol import MAX_HEAD_BYTES, head_timeout_protocol

    sock = _listen(host, port)
    port = int(sock.getsockname()[1])
    allowlists = Allowlists.build(port, options.allowed_hosts, options.allowed_origins)
    asgi = asgi_app(
        server,
        port=port,
        stateless=stateless,
        events=events,
        retry_ms=retry_ms,
        allowlists=allowlists,
        limits=options.limits,
        streams=streams,
    )
    config = uvicorn.Config(
        asgi,
        host=host,
        port=port,
        log_level="warning",
        http=head_timeout_protocol(options.head_timeout),
        timeout_keep_alive=options.keep_alive_timeout,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        proxy_headers=options.forwarded_allow_ips is not None,
        forwarded_allow_ips=options.forwarded_allow_ips,
    )
    shown = f"[{host}]" if ":" in host else host
    # the one line a person starting the server needs (port 0 picks a free port): where it is
    print(f"toolc: serving http://{shown}:{port}{MCP_PATH}", file=sys.stderr, flush=True)
    uvicorn.Server(config).run(sockets=[sock])
