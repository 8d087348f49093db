"""The listing bench's catalog (bench/catalog51.py) as FastMCP 4.1.6 lists the same functions.

What a FastMCP user writes for each master tool: one function with the tool's description as its
docstring, `operation: Literal[...]` and each parameter typed and optional
(`Annotated[T | None, Field(description=..., constraints)] = None`), registered with the same
annotations as the hand-written listing. FastMCP builds the input schema (and, from the return
annotation, an output schema) itself. `listing()` returns its `tools/list` result as served;
None when fastmcp is not installed (make bench installs it into .tools/bench-venv).
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Literal

from catalog51 import TOOLS, ToolSpec
from handwritten51 import _annotations

_TYPES: dict[str, Any] = {"string": str, "integer": int, "boolean": bool}
_CONSTRAINTS = {"maxLength": "max_length", "pattern": "pattern", "minimum": "ge", "maximum": "le"}


def _annotation(schema: dict[str, Any]) -> Any:
    from pydantic import Field

    if "enum" in schema:
        base: Any = Literal[tuple(schema["enum"])]
    elif schema["type"] == "array":
        base = list[_annotation(schema["items"])]  # type: ignore[misc]
    else:
        base = _TYPES[schema["type"]]
    constraints = {_CONSTRAINTS[k]: v for k, v in schema.items() if k in _CONSTRAINTS}
    return Annotated[base, Field(**constraints)] if constraints else base


def _function(spec: ToolSpec) -> Any:
    from pydantic import Field

    params = [
        inspect.Parameter(
            "operation",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Literal[tuple(spec.operations)],
        )
    ]
    for name, schema in spec.params.items():
        field = Field(description=schema.get("description"))
        annotation = Annotated[_annotation(schema) | None, field]
        params.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=None
            )
        )

    async def fn(**kwargs: Any) -> dict[str, Any]:
        return {}

    fn.__name__ = fn.__qualname__ = spec.name
    fn.__doc__ = spec.description
    fn.__signature__ = inspect.Signature(params, return_annotation=dict[str, Any])  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": dict[str, Any]}
    return fn


async def _list() -> list[dict[str, Any]]:
    from fastmcp import Client, FastMCP

    mcp = FastMCP("bench51", version="1.0.0")
    for spec in TOOLS:
        mcp.tool(_function(spec), name=spec.name, annotations=_annotations(spec) or None)
    async with Client(mcp) as client:
        tools = await client.list_tools()
    return [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools]


def listing() -> dict[str, Any] | None:
    try:
        import fastmcp  # noqa: F401
    except ImportError:
        return None
    # its own thread and event loop: make bench calls this from inside its running loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        return {"tools": pool.submit(asyncio.run, _list()).result(timeout=120)}
