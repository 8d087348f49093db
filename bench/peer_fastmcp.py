"""Benchmark peer: an idiomatic FastMCP 4.1.6 server with the bench build's tools (stdio).

    python bench/peer_fastmcp.py BENCH_PROJECT [--client claude-code] [--http PORT]

Each tool is what a FastMCP user writes: an `async def` with a typed signature (`Annotated[...,
Field(...)]` per parameter, `Literal` for enums and `operation`), registered with `mcp.tool(...)`
with the tool's name, title, description, annotations and `returns` as `output_schema`. The
signatures are derived from the bench build's `tools_list.json` (so the tools are the same ones
toolc serves); FastMCP builds its own input schema from them and validates with pydantic. The
function bodies call the same bench handlers toolc calls.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from fastmcp import FastMCP
from pydantic import Field

_TYPES: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool}
_CONSTRAINTS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "ge",
    "maximum": "le",
    "minItems": "min_length",
    "maxItems": "max_length",
}


def py_type(schema: dict[str, Any]) -> Any:
    """The annotation a FastMCP user would write for a JSON Schema property."""
    if "anyOf" in schema:
        return Union[tuple(py_type(branch) for branch in schema["anyOf"])]  # noqa: UP007
    if "enum" in schema:
        base: Any = Literal[tuple(schema["enum"])]
    elif schema.get("type") == "array":
        base = list[py_type(schema.get("items", {}))]  # type: ignore[misc]
    elif schema.get("type") == "object":
        base = dict[str, Any]
    else:
        base = _TYPES.get(schema.get("type", ""), Any)
    constraints = {_CONSTRAINTS[k]: v for k, v in schema.items() if k in _CONSTRAINTS}
    return Annotated[base, Field(**constraints)] if constraints else base


def make_tool(tool: dict[str, Any], route: Any) -> Any:
    schema = tool["inputSchema"]
    name = tool["name"]
    required = set(schema.get("required", []))
    params = []
    for prop, sub in schema.get("properties", {}).items():
        field = Field(description=sub.get("description"))
        if prop in required:
            annotation, default = Annotated[py_type(sub), field], inspect.Parameter.empty
        else:
            annotation, default = Annotated[py_type(sub) | None, field], sub.get("default")
        params.append(
            inspect.Parameter(
                prop, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
            )
        )

    async def tool_fn(**kwargs: Any) -> dict[str, Any]:
        target = route(name, kwargs)
        if target is None:
            raise ValueError(f"unknown operation of {name}")
        handler, args = target
        result: dict[str, Any] = await handler(**args)
        return result

    tool_fn.__name__ = tool_fn.__qualname__ = name.replace(".", "_")
    tool_fn.__signature__ = inspect.Signature(params, return_annotation=dict[str, Any])  # type: ignore[attr-defined]
    tool_fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": dict[str, Any]}
    return tool_fn


def build(project: Path, client: str) -> FastMCP:
    sys.path.insert(0, str(project))
    import bench_handlers  # the bench project's copy of bench/handlers_bench.py

    listing = json.loads((project / "generated/clients" / client / "tools_list.json").read_text())
    mcp = FastMCP("bmad", version="2.0.0")
    for tool in listing["tools"]:
        mcp.tool(
            make_tool(tool, bench_handlers.route),
            name=tool["name"],
            title=tool.get("title"),
            description=tool.get("description"),
            annotations=tool.get("annotations"),
            output_schema=tool.get("outputSchema"),
        )
    return mcp


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    client = sys.argv[sys.argv.index("--client") + 1] if "--client" in sys.argv else "claude-code"
    if "--http" in sys.argv:  # FastMCP's Streamable HTTP transport at its defaults
        port = int(sys.argv[sys.argv.index("--http") + 1])
        build(project, client).run(
            transport="http", host="127.0.0.1", port=port, show_banner=False, log_level="warning"
        )
        return
    build(project, client).run(transport="stdio", show_banner=False)


if __name__ == "__main__":
    main()
