"""One upstream's persistent, initialised `ClientSession`, per server process (worker).

The session is opened lazily by the first call, in a background task that owns the transport
(a stdio child or a Streamable HTTP client) for as long as the session lives, so calls from any
request share it. A call that finds the connection broken (the child died, the server closed the
stream) marks it dead; the next call reconnects. Reconnecting after failed attempts backs off
(0.5 s doubling to 30 s); meanwhile calls fail at once with the last error, never hang. Opening a
session is bounded by the upstream's `connect_timeout`, and calls in flight per upstream by its
`max_concurrency`.

The runtime runs on asyncio (anyio's default backend), whose tasks this module creates directly:
the session must outlive the request that opened it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx2
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, get_default_environment, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from ..excerpt import excerpt
from .env import MissingVariable, resolve, resolve_map
from .stderr import StderrRelay, launch_command

BACKOFF_FIRST = 0.5  # seconds before the second attempt after a failure
BACKOFF_MAX = 30.0
CLIENT_INFO = types.Implementation(name="toolc-upstream", version="1")
BROKEN = (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream, ConnectionError)


class Unavailable(Exception):
    """The upstream cannot be reached now; the message names it and says why."""


class Connection:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.name = str(spec["name"])
        self.limiter = anyio.Semaphore(int(spec.get("max_concurrency") or 8))
        self.connect_timeout = float(spec.get("connect_timeout") or 10.0)
        self._session: ClientSession | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = anyio.Lock()
        self._failures = 0
        self._retry_at = 0.0
        self._last_error = ""
        self.connects = 0  # sessions opened so far (tests and spans read it)

    @property
    def kind(self) -> str:
        return "http" if "url" in self.spec else "stdio"

    async def session(self) -> ClientSession:
        """The live session, opened (or reopened) when there is none."""
        if self._session is not None:
            return self._session
        async with self._lock:
            if self._session is not None:
                return self._session
            wait = self._retry_at - anyio.current_time()
            if wait > 0:
                raise Unavailable(f"{self._last_error}; the next attempt is in {wait:.1f} s")
            try:
                self._session = await self._open()
            except Unavailable as exc:
                self._failed(str(exc))
                raise
            self._failures = 0
            self.connects += 1
            return self._session

    def _failed(self, reason: str) -> None:
        self._failures += 1
        delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (self._failures - 1))
        self._retry_at = anyio.current_time() + delay
        self._last_error = reason

    def broken(self, session: ClientSession) -> None:
        """The call on `session` found the connection broken: drop it; the next call reconnects."""
        if self._session is session:
            self._session = None
            if self._stop is not None:
                self._stop.set()

    async def _open(self) -> ClientSession:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[ClientSession] = loop.create_future()
        stop = asyncio.Event()
        task = loop.create_task(self._run(ready, stop), name=f"upstream {self.name}")
        try:
            with anyio.fail_after(self.connect_timeout):
                session = await asyncio.shield(ready)
        except TimeoutError:
            task.cancel()
            raise Unavailable(
                f"it did not complete the MCP handshake within {self.connect_timeout:g} s"
            ) from None
        except Unavailable:
            raise
        except BaseException:
            task.cancel()
            raise
        self._stop, self._task = stop, task
        return session

    async def _run(self, ready: asyncio.Future[ClientSession], stop: asyncio.Event) -> None:
        """Own the transport and session until `stop` is set or the task is cancelled."""
        session: ClientSession | None = None
        try:
            async with (
                self._transport() as (read, write),
                ClientSession(read, write, client_info=CLIENT_INFO) as session,
            ):
                await session.initialize()
                if not ready.done():
                    ready.set_result(session)
                await stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(Unavailable(describe(exc)))
            if not isinstance(exc, Exception):
                raise
        finally:
            if session is not None and self._session is session:
                self._session = None

    @contextlib.asynccontextmanager
    async def _transport(self) -> AsyncIterator[Any]:
        if "url" in self.spec:
            headers = resolve_map(self.spec.get("headers"))
            timeout = httpx2.Timeout(30.0, connect=self.connect_timeout, read=300.0)
            url = resolve(str(self.spec["url"]))
            async with (
                httpx2.AsyncClient(headers=headers, timeout=timeout) as http,
                streamable_http_client(url, http_client=http) as streams,
            ):
                yield streams[0], streams[1]
            return
        env = get_default_environment() | resolve_map(self.spec.get("env"))
        command = resolve(str(self.spec["command"]))
        found = shutil.which(command, path=env.get("PATH", os.defpath))
        if found is None:
            raise Unavailable(f'its command "{excerpt(command)}" was not found')
        cwd = self.spec.get("cwd")
        program, args = launch_command(
            found, [resolve(str(a)) for a in self.spec.get("args") or ()]
        )
        relay = StderrRelay(self.name)
        params = StdioServerParameters(
            command=program, args=args, env=env, cwd=resolve(str(cwd)) if cwd else None
        )
        try:
            async with stdio_client(params, errlog=relay.writer) as (read, write):
                relay.child_started()
                yield read, write
        finally:
            relay.child_started()

    async def close(self) -> None:
        """End the session and its transport (the stdio child is stopped)."""
        task, self._task = self._task, None
        self._session = None
        if self._stop is not None:
            self._stop.set()
        if task is not None:
            with contextlib.suppress(BaseException):
                await task


def describe(exc: BaseException) -> str:
    """A failure to connect, as a short reason (no traceback, bounded)."""
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return describe(exc.exceptions[0])
    if isinstance(exc, Unavailable):
        return str(exc)
    if isinstance(exc, MissingVariable):
        return (
            f'it needs the environment variable "{exc.name}", which is not set (set it where '
            "the server runs)"
        )
    if isinstance(exc, MCPError):
        return f"it closed the connection or refused the handshake ({excerpt(exc.error.message)})"
    if isinstance(exc, httpx2.HTTPError | OSError):
        return f"it cannot be reached ({excerpt(str(exc) or type(exc).__name__, 160)})"
    if isinstance(exc, asyncio.CancelledError):
        return "the connection attempt was cancelled"
    return f"connecting failed ({type(exc).__name__}: {excerpt(str(exc), 160)})"
