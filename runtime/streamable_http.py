"""The Streamable HTTP ASGI app: the SDK's session manager at `/mcp`, resumable when asked.

`Server.streamable_http_app` hands one event store to every session, and the transport's stream
ids (request ids) repeat across sessions, so a shared store would mix sessions' streams and let one
session replay another's events. `ScopedSessionManager` gives each new session its own view of one
`EventLog` instead; the rest is the SDK's manager unchanged.
"""

from __future__ import annotations

from typing import Any

from mcp.server.lowlevel import Server
from mcp.server.streamable_http import EventStore
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.routing import Route

from .events import EventLog, SessionEvents

MCP_PATH = "/mcp"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ScopedSessionManager(StreamableHTTPSessionManager):
    """The SDK's session manager, with a private event namespace per session.

    The SDK reads `event_store` once per new session, to build that session's transport; here each
    read returns a new `SessionEvents` view of the shared log (None: no resumability).
    """

    def __init__(self, app: Server[Any], *, events: EventLog | None, **options: Any) -> None:
        self.events = events
        super().__init__(app, **options)

    @property
    def event_store(self) -> SessionEvents | None:
        return self.events.session() if self.events is not None else None

    @event_store.setter
    def event_store(self, value: EventStore | None) -> None:
        # the base class assigns the `event_store` argument (always None here)
        if value is not None:
            raise TypeError("pass `events=EventLog(...)` instead of an event store")


def security(host: str) -> TransportSecuritySettings | None:
    """DNS-rebinding protection when bound to loopback, as `Server.streamable_http_app` does."""
    if host not in LOOPBACK:
        return None
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
        allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
    )


def asgi_app(
    server: Server[Any],
    *,
    host: str,
    stateless: bool,
    events: EventLog | None = None,
    retry_ms: int | None = None,
) -> Starlette:
    """Streamable HTTP at `/mcp`; `events` (stateful only) makes its SSE streams resumable.

    With `events`, every POST stream of a 2025-11-25 session opens with a priming event (its id,
    and `retry: retry_ms`), a handler may close its stream mid-call (`ToolContext.
    close_sse_stream`), and a GET with `Last-Event-ID` replays what the client missed.
    """
    if stateless and events is not None:
        raise ValueError("stateless Streamable HTTP has no sessions to resume")
    manager = ScopedSessionManager(
        server,
        events=events,
        stateless=stateless,
        security_settings=security(host),
        retry_interval=retry_ms if events is not None else None,
    )
    return Starlette(
        routes=[Route(MCP_PATH, endpoint=StreamableHTTPASGIApp(manager))],
        lifespan=lambda _app: manager.run(),
    )
