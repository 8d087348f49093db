"""`ToolContext`: what a handler that declares a `ctx` parameter receives.

From an `async def` handler, await `report_progress` / `log` / `close_sse_stream`. From a `def`
handler (it runs in a worker thread) call the `_sync` variants, which hop onto the event loop.
`cancelled` turns True when the call timed out or was cancelled.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal, get_args

import anyio.from_thread
from mcp.server.session import ServerSession
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.shared.message import CloseSSEStreamCallback

from .principal import Principal

LogLevel = Literal["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)  # least to most severe
LOG_LEVEL_KEY = "toolc.log_level"  # in the connection's `state`: the client's logging/setLevel


def min_log_level(session: Any) -> str | None:
    """The level the client asked for with `logging/setLevel` on this connection, if any."""
    state = getattr(getattr(session, "_connection", None), "state", None)
    return state.get(LOG_LEVEL_KEY) if isinstance(state, dict) else None


def set_min_log_level(session: Any, level: str) -> None:
    """Remember `logging/setLevel` for the session's connection (handshake era only)."""
    state = getattr(getattr(session, "_connection", None), "state", None)
    if isinstance(state, dict):
        state[LOG_LEVEL_KEY] = level


class ToolContext:
    __slots__ = (
        "_close_sse_stream",
        "cancelled",
        "operation",
        "principal",
        "protocol_version",
        "request_id",
        "session",
        "tool",
    )

    def __init__(
        self,
        session: ServerSession,
        request_id: Any,
        tool: str,
        operation: str,
        protocol_version: str,
        close_sse_stream: CloseSSEStreamCallback | None = None,
        principal: Principal | None = None,
    ) -> None:
        self.session = session
        self.request_id = request_id
        self.tool = tool
        self.operation = operation
        self.protocol_version = protocol_version
        self._close_sse_stream = close_sse_stream
        # who is calling (HTTP with authentication): a static token's name or a JWT's `sub`,
        # with its scopes; None over stdio and unauthenticated HTTP (one local user)
        self.principal = principal
        # True once the caller stopped waiting (timeout or cancellation). A `def` handler that
        # waits in a blocking call can poll it; pure-Python code is stopped anyway (HandlerStopped)
        self.cancelled = False

    @property
    def can_close_sse_stream(self) -> bool:
        """Whether `close_sse_stream` does anything on this call's transport."""
        return self._close_sse_stream is not None

    async def close_sse_stream(self) -> None:
        """End this call's SSE stream now; the call goes on, and the client reconnects to resume.

        What the call sends from now on (progress, logs, its result) is kept by the server's event
        store, and the client receives it when it reconnects with `Last-Event-ID` (after the retry
        interval the server announced), so a long call need not hold a connection open ("polling").
        Does nothing where streams cannot be resumed: stdio, stateless HTTP, a server without an
        event store, and requests of any protocol version but 2025-11-25 (older clients cannot
        resume; mcp 2.3.0 has no resumable streams at 2026-07-28).
        """
        if self._close_sse_stream is not None:
            await self._close_sse_stream()

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """notifications/progress for this call (nothing when the caller sent no token)."""
        await self.session.report_progress(progress, total, message)

    async def log(self, level: LogLevel, data: Any, logger: str | None = None) -> None:
        """notifications/message to the client, tied to this call.

        On 2026-07-28 connections it is delivered only when the request opted in to that level;
        on handshake-era connections, only at or above the client's `logging/setLevel`.
        """
        floor = min_log_level(self.session)
        if floor in LOG_LEVELS and LOG_LEVELS.index(level) < LOG_LEVELS.index(floor):
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            await self.session.send_log_message(
                level, data, logger or self.tool, related_request_id=self.request_id
            )

    def report_progress_sync(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """`report_progress` from a sync handler's worker thread."""
        anyio.from_thread.run(self.report_progress, progress, total, message)

    def log_sync(self, level: LogLevel, data: Any, logger: str | None = None) -> None:
        """`log` from a sync handler's worker thread."""
        anyio.from_thread.run(self.log, level, data, logger)

    def close_sse_stream_sync(self) -> None:
        """`close_sse_stream` from a sync handler's worker thread."""
        anyio.from_thread.run(self.close_sse_stream)
