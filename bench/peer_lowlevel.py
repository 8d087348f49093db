"""Benchmark peer: a hand-written low-level `mcp` server with the bench build's tools.

    python bench/peer_lowlevel.py BENCH_PROJECT [--client claude-code] [--http PORT [--stateless]]

stdio by default; `--http PORT` serves Streamable HTTP on 127.0.0.1:PORT with the SDK's defaults
(`Server.streamable_http_app()`: stateful, SSE for every POST, no event store) under uvicorn.

Tools come verbatim from the bench build's `tools_list.json`, so the surface is byte-for-byte
the one toolc serves. Arguments are validated with jsonschema (validators compiled once, at
start-up); handlers are the same bench handlers toolc calls (bench_handlers.py). Like the toolc
runtime, it drops the SDK's default OpenTelemetry middleware, so the two differ only in what
each does per call. Written as a careful engineer would: it gives the SDK the
`get_tool_input_schema` hook (without it the SDK runs the whole `tools/list` handler on every
2026-07-28 `tools/call`), and answers arguments that fail validation with an `isError` result
(MCP 2025-11-25, SEP-1303), an unknown tool with -32602.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import jsonschema
from mcp import types
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

_dumps = json.JSONEncoder(ensure_ascii=False).encode


class Peer:
    def __init__(self, project: Path, client: str) -> None:
        sys.path.insert(0, str(project))
        import bench_handlers  # the bench project's copy of bench/handlers_bench.py

        self.route = bench_handlers.route
        listing = json.loads(
            (project / "generated/clients" / client / "tools_list.json").read_text()
        )
        self.tools = [types.Tool.model_validate(t) for t in listing["tools"]]
        self.schemas = {t["name"]: t["inputSchema"] for t in listing["tools"]}
        self.validators = {
            name: jsonschema.Draft202012Validator(schema) for name, schema in self.schemas.items()
        }

    def input_schema(self, name: str) -> Any:
        return self.schemas.get(name)

    async def list_tools(self, ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=self.tools)

    async def call_tool(
        self, ctx: Any, params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        return await self.call(params.name, params.arguments or {})

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        validator = self.validators.get(name)
        if validator is None:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {name}")
        errors = [e.message for e in validator.iter_errors(arguments)]
        if errors:
            return _error("; ".join(errors))
        target = self.route(name, arguments)
        if target is None:
            return _error(f"Unknown operation of {name}")
        handler, kwargs = target
        try:
            value = await handler(**kwargs)
        except Exception:
            return types.CallToolResult(
                content=[types.TextContent(type="text", text="internal error")], is_error=True
            )
        if isinstance(value, dict):
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=_dumps(value))],
                structured_content=value,
            )
        return types.CallToolResult(content=[types.TextContent(type="text", text=str(value))])

    def server(self) -> Server[Any]:
        server: Server[Any] = Server(
            "bmad",
            version="2.0.0",
            on_list_tools=self.list_tools,
            on_call_tool=self.call_tool,
            get_tool_input_schema=self.input_schema,
        )
        server.middleware = []
        return server


async def serve(peer: Peer) -> None:
    server = peer.server()
    async with stdio_server() as (read, write):
        sys.stdout = sys.stderr
        await server.run(read, write, server.create_initialization_options(NotificationOptions()))


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=message)], is_error=True
    )


def serve_http(peer: Peer, port: int, stateless: bool) -> None:
    import uvicorn

    app = peer.server().streamable_http_app(stateless_http=stateless)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    client = sys.argv[sys.argv.index("--client") + 1] if "--client" in sys.argv else "claude-code"
    if "--http" in sys.argv:
        port = int(sys.argv[sys.argv.index("--http") + 1])
        serve_http(Peer(project, client), port, "--stateless" in sys.argv)
        return
    anyio.run(serve, Peer(project, client))


if __name__ == "__main__":
    main()
