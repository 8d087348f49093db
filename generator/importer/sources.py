"""Where the tools come from: a live server (stdio or Streamable HTTP) or a saved `tools/list`.

A live server is asked with the real `mcp` client: initialize, then `tools/list` page by page
(at most `MAX_PAGES`, under one overall timeout). Progress goes to stderr. A saved file holds
`{"tools": [...]}`, a JSON-RPC response around it, or a bare array of tools.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_PAGES = 100
TIMEOUT = 120.0  # seconds for connecting and listing; `npx -y` may download first


class SourceError(Exception):
    """The tools cannot be read: a clear, user-facing message."""


@dataclass(frozen=True, slots=True)
class Catalog:
    """The original server's tools (raw `tools/list` entries) and what it said about itself."""

    tools: tuple[dict[str, Any], ...]
    server_name: str | None = None
    server_version: str | None = None
    instructions: str | None = None


def from_json(path: Path) -> Catalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f'cannot read "{path}" ({exc.strerror}) — check the path') from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            f'"{path}" is not JSON ({str(exc)[:80]}) — pass a saved tools/list result'
        ) from None
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    tools = data.get("tools") if isinstance(data, dict) else data
    if not isinstance(tools, list):
        raise SourceError(
            f'"{path}" holds neither {{"tools": [...]}} nor an array of tools — '
            "pass a saved tools/list result"
        )
    return Catalog(tuple(_checked(tools, str(path))))


def _checked(tools: list[Any], where: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str) or not tool["name"]:
            raise SourceError(
                f'tool #{i + 1} of {where} has no name — every tool needs a "name" string'
            )
        schema = tool.get("inputSchema", {"type": "object"})
        if not isinstance(schema, dict):
            raise SourceError(
                f'tool "{tool["name"][:60]}" of {where} has an inputSchema that is no object '
                "— fix the input"
            )
        out.append(tool)
    return out


def _progress(message: str) -> None:
    sys.stderr.write(f"toolc import: {message}\n")
    sys.stderr.flush()


async def _list(session: Any, say: Callable[[str], None]) -> list[dict[str, Any]]:
    import mcp.types as types

    tools: list[dict[str, Any]] = []
    cursor: str | None = None
    for page in range(MAX_PAGES):
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        result = await session.list_tools(params=params)
        tools.extend(
            t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in result.tools
        )
        say(f"tools/list page {page + 1}: {len(tools)} tools")
        cursor = result.next_cursor
        if not cursor:
            return tools
    raise SourceError(f"the server kept paginating after {MAX_PAGES} pages — it may loop")


async def _session_catalog(read: Any, write: Any, say: Callable[[str], None]) -> Catalog:
    from mcp import ClientSession

    async with ClientSession(read, write) as session:
        init = await session.initialize()
        info = init.server_info
        say(f'connected to "{info.name}" {info.version}')
        tools = await _list(session, say)
    return Catalog(tuple(_checked(tools, "the server")), info.name, info.version, init.instructions)


def _run(main: Callable[[], Any], what: str) -> Catalog:
    import anyio

    async def bounded() -> Catalog:
        with anyio.fail_after(TIMEOUT):
            result: Catalog = await main()
            return result

    try:
        return anyio.run(bounded)
    except SourceError:
        raise
    except TimeoutError:
        raise SourceError(
            f"{what} did not list its tools within {TIMEOUT:.0f} s — check that it starts"
        ) from None
    except Exception as exc:  # a foreign server's failure, told plainly
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise SourceError(f"{what} failed ({detail}) — check that it runs on its own") from None


def from_command(command: str, env_names: tuple[str, ...] = ()) -> Catalog:
    """Start `command` (split like a shell would) and list its tools over stdio."""
    from mcp.client.stdio import StdioServerParameters, stdio_client

    argv = shlex.split(command)
    if not argv:
        raise SourceError("--command is empty — give the command that starts the server")
    env = {name: os.environ[name] for name in ("PATH", "HOME", *env_names) if name in os.environ}
    params = StdioServerParameters(command=argv[0], args=argv[1:], env=env)
    _progress(f"starting {argv[0]} with {len(argv) - 1} arguments")

    async def main() -> Catalog:
        async with stdio_client(params, errlog=sys.stderr) as (read, write):
            return await _session_catalog(read, write, _progress)

    return _run(main, f'the server "{argv[0][:60]}"')


def from_url(url: str, headers: dict[str, str]) -> Catalog:
    """List the tools of a Streamable HTTP server."""
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    if not url.startswith(("http://", "https://")):
        raise SourceError(f'--url "{url[:60]}" is no http(s) URL — give the server\'s MCP endpoint')
    _progress(f"connecting to {url[:100]}")

    async def main() -> Catalog:
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30.0) as client,
            streamable_http_client(url, http_client=client) as streams,
        ):
            return await _session_catalog(streams[0], streams[1], _progress)

    return _run(main, f'the server at "{url[:60]}"')
