"""The MCP server: the low-level SDK `Server` around an `Engine`, over stdio or Streamable HTTP.

Both protocol eras are served by one `Server` (the client's first request picks one). Results are
always models; no exception reaches the SDK (it would leak `str(exc)` in the handshake era).
"""

from __future__ import annotations

import logging
import sys
import warnings
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

import anyio
from mcp import types
from mcp.server import CacheHint
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.session import ServerSession
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ToolsListChanged
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp.types.version import MODERN_PROTOCOL_VERSIONS

from .build import Build, load_build
from .call import Engine
from .context import set_min_log_level
from .excerpt import excerpt
from .results import error_result
from .trace import Tracer

if TYPE_CHECKING:
    from .events import EventLog
    from .streamable_http import HttpOptions

log = logging.getLogger("toolc.runtime")

LIST_TTL_MS = 60_000


class App:
    """The served state: the current engine (swapped whole on reload) and who to notify."""

    def __init__(self, build: Build, tracer: Tracer, *, reload: bool = False) -> None:
        self.engine = Engine(build, tracer)
        self.tracer = tracer
        self.reload = reload
        self.bus = InMemorySubscriptionBus()
        # handshake-era connections that listed tools -> their latest session
        self.sessions: weakref.WeakKeyDictionary[Any, ServerSession] = weakref.WeakKeyDictionary()
        self.server = self._make_server(build)

    def _make_server(self, build: Build) -> Server[Any]:
        info = build.server
        with warnings.catch_warnings():
            # logging/setLevel is deprecated at 2026-07-28, but handshake-era clients still send
            # it (and without the capability, handler logs cannot be filtered by the client).
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            server: Server[Any] = Server(
                str(info.get("name") or "toolc"),
                version=str(info.get("version") or ""),
                title=info.get("title"),
                instructions=info.get("instructions"),
                cache_hints={"tools/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public")},
                lifespan=self._lifespan,
                get_tool_input_schema=self._input_schema,
                on_list_tools=self._list_tools,
                on_call_tool=self._call_tool,
                on_set_logging_level=self._set_logging_level,
                on_subscriptions_listen=ListenHandler(self.bus),
            )
        server.middleware = []  # the default OpenTelemetry middleware costs time on every request
        return server

    def init_options(self) -> Any:
        return self.server.create_initialization_options(NotificationOptions(tools_changed=True))

    def _input_schema(self, name: str) -> Any:
        return self.engine.input_schema(name)

    async def _list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:
            with suppress(TypeError):
                self.sessions[getattr(ctx.session, "_connection", ctx.session)] = ctx.session
        return self.engine.list_result()

    async def _set_logging_level(
        self, ctx: ServerRequestContext[Any], params: types.SetLevelRequestParams
    ) -> types.EmptyResult:
        set_min_log_level(ctx.session, params.level)
        return types.EmptyResult()

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        engine = self.engine  # a reload mid-call does not move this call
        try:
            return await engine.call(ctx, params.name, params.arguments)
        except MCPError:
            raise
        except Exception:
            name = excerpt(params.name)
            log.exception("tools/call %r failed", name)
            return error_result(f'tool "{name}" failed with an internal error')

    def streams(self, name: str, arguments: Any) -> bool:
        """Whether a tools/call of `name` may send progress or logs before its result (its
        handler takes `ctx`): Streamable HTTP answers it with SSE, anything else with JSON."""
        return self.engine.streams(name, arguments)

    async def swap(self, build: Build) -> None:
        """Serve `build` from now on and tell clients of both eras that the list changed."""
        old = self.engine
        self.engine = Engine(build, self.tracer)
        log.info("reloaded build for client %s (%d tools)", build.client, len(build.tools))
        del old
        await self.bus.publish(ToolsListChanged())
        for session in list(self.sessions.values()):
            try:
                await session.send_tool_list_changed()
            except Exception as exc:  # a closed connection must not stop the others
                log.debug("tools/list_changed not delivered: %s", exc)

    @asynccontextmanager
    async def _lifespan(self, _server: Server[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            async with anyio.create_task_group() as tg:
                if self.reload:
                    from .reload import watch

                    tg.start_soon(watch, self)
                try:
                    yield {}
                finally:
                    tg.cancel_scope.cancel()
        finally:
            self.tracer.close()  # spans are written by its own thread (runtime/trace.py)


def create_app(
    client: str,
    generated: str | None = None,
    *,
    trace: str | None = None,
    reload: bool = False,
) -> App:
    return App(load_build(client, generated), Tracer(trace), reload=reload)


def run_stdio(
    app: App, *, max_message_bytes: int | None = None, drain_seconds: float | None = None
) -> None:
    """Serve stdio until end of input, then exit even if handler threads are still blocked."""
    from .stdio import exit_if_threads_linger

    anyio.run(serve_stdio, app, max_message_bytes, drain_seconds, True)
    exit_if_threads_linger()


async def serve_stdio(
    app: App,
    max_message_bytes: int | None = None,
    drain_seconds: float | None = None,
    watchdog: bool = False,
) -> None:
    # The transport claims fd 1 (and points it at stderr while serving); only then may
    # sys.stdout go to stderr, so a stray print() can never reach the protocol stream, not even
    # when a buffer is flushed at exit.
    if sys.platform == "win32":  # no asyncio pipe transports on the default Windows loop
        from mcp.server.stdio import stdio_server

        async with stdio_server() as (read, write):
            sys.stdout = sys.stderr
            await app.server.run(read, write, app.init_options())
        return
    from . import stdio

    transport = stdio.stdio_transport(
        max_message_bytes or stdio.MAX_MESSAGE_BYTES,
        stdio.DRAIN_SECONDS if drain_seconds is None else drain_seconds,
        stdio.EXIT_GRACE if watchdog else None,
    )
    async with transport as (read, write):
        sys.stdout = sys.stderr
        await app.server.run(read, write, app.init_options())


def serve_http(
    app: App,
    host: str,
    port: int,
    *,
    stateless: bool,
    events: EventLog | None = None,
    retry_ms: int | None = None,
    options: HttpOptions | None = None,
) -> None:
    """Serve Streamable HTTP; `events` makes a stateful server's SSE streams resumable."""
    from . import streamable_http

    streamable_http.serve(
        app.server,
        host,
        port,
        stateless=stateless,
        events=events,
        retry_ms=retry_ms,
        options=options or streamable_http.HttpOptions(),
        streams=app.streams,
    )
