"""Upstream proxy handlers: an operation served by a tool of another MCP server.

A generated dispatch function of a forwarding operation calls `forward(spec, tool, args, fixed)`.
It is an ordinary async handler to the runtime, so validation, the breaker, the cache, the
concurrency limits, the timeout and tracing apply exactly as to local handlers. The upstream's
`CallToolResult` (content blocks, `structuredContent`, `isError`, `_meta`) is returned unchanged;
a failure to reach the upstream is a `TransientError` (an `isError` result naming the upstream,
counted by the breaker).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from mcp import types
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from ..errors import ToolError, TransientError
from ..excerpt import excerpt
from .connection import BROKEN, Connection, Unavailable

__all__ = ["close_all", "connection", "forward"]

_POOLS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Connection]] = (
    weakref.WeakKeyDictionary()
)


def connection(spec: dict[str, Any]) -> Connection:
    """This event loop's connection to the upstream `spec` describes (one per process)."""
    pool = _POOLS.setdefault(asyncio.get_running_loop(), {})
    key = repr(sorted(spec.items()))
    found = pool.get(key)
    if found is None:
        found = pool[key] = Connection(spec)
    return found


async def close_all() -> None:
    """Close every upstream session of this event loop (their stdio children stop)."""
    pool = _POOLS.pop(asyncio.get_running_loop(), {})
    for conn in pool.values():
        await conn.close()


def arguments(args: BaseModel, fixed: dict[str, Any]) -> dict[str, Any]:
    """What is forwarded: the arguments the caller sent (validated, wire names), then `set`."""
    sent = args.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return {**sent, **fixed}


async def forward(
    spec: dict[str, Any], tool: str, args: BaseModel, fixed: dict[str, Any]
) -> types.CallToolResult:
    conn = connection(spec)
    async with conn.limiter:
        try:
            session = await conn.session()
        except Unavailable as exc:
            raise TransientError(f'upstream "{conn.name}" is unavailable: {exc}') from None
        request = types.CallToolRequest(
            params=types.CallToolRequestParams(name=tool, arguments=arguments(args, fixed))
        )
        try:
            return await session.send_request(request, types.CallToolResult)
        except MCPError as exc:
            if exc.error.code == types.CONNECTION_CLOSED:
                conn.broken(session)
                raise _closed(conn, tool) from None
            raise ToolError(
                f'upstream "{conn.name}" refused the call of its tool "{tool}": '
                f"{excerpt(exc.error.message, 300)}"
            ) from None
        except BROKEN:
            conn.broken(session)
            raise _closed(conn, tool) from None


def _closed(conn: Connection, tool: str) -> TransientError:
    return TransientError(
        f'upstream "{conn.name}" closed the connection during the call of its tool "{tool}" — '
        "the call may or may not have been applied; the next call reconnects"
    )
