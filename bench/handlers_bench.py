"""Trivial async handlers for the benchmark: one per operation, each returning the smallest value
that satisfies the operation's `returns` schema, so the figures measure servers, not handlers.

bench/project.py copies this file into the bench project as `bench_handlers.py`, next to
`bench_handlers.json` ({"returns": {function: schema | null}, "routes": {tool: {op: function}}}).
Importing it defines one module-level `async def <function>(**kwargs)` per entry; all three
servers (toolc, the low-level peer, the FastMCP peer) call these same functions.

BENCH_DELAY_MS (read at import) adds an artificial `asyncio.sleep` to every call.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

DELAY = float(os.environ.get("BENCH_DELAY_MS") or 0) / 1000.0
SPEC_FILE = Path(__file__).with_name("bench_handlers.json")

Handler = Callable[..., Awaitable[Any]]


def minimal(schema: Any) -> Any:
    """The smallest value valid for `schema` (the JSON Schema subset the catalog uses)."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return minimal(schema[key][0])
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(part)
        return minimal(merged)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else kind[0]
    if kind is None:
        kind = "object" if "properties" in schema else "null"
    if kind == "null":
        return None
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = max(0, low + (1 if "exclusiveMinimum" in schema else 0))
        return int(value) if kind == "integer" else float(value)
    if kind == "string":
        return "x" * int(schema.get("minLength", 0))
    if kind == "array":
        return [minimal(schema.get("items", {})) for _ in range(int(schema.get("minItems", 0)))]
    if kind == "object":
        props = schema.get("properties", {})
        return {name: minimal(props.get(name, {})) for name in schema.get("required", [])}
    return None


def make_handler(name: str, value: Any) -> Handler:
    if DELAY:

        async def handler(**kwargs: Any) -> Any:
            await asyncio.sleep(DELAY)
            return value

    else:

        async def handler(**kwargs: Any) -> Any:
            return value

    handler.__name__ = handler.__qualname__ = name
    return handler


def _load() -> tuple[dict[str, Handler], dict[str, dict[str, str]]]:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    handlers = {}
    for name, schema in spec["returns"].items():
        # no `returns`: a plain text result, like a handler that returns a string
        handlers[name] = make_handler(name, minimal(schema) if schema else "ok")
    return handlers, spec["routes"]


HANDLERS, ROUTES = _load()
globals().update(HANDLERS)


def route(tool: str, arguments: dict[str, Any]) -> tuple[Handler, dict[str, Any]] | None:
    """(handler, keyword arguments) for a call of `tool`, or None for an unknown tool/operation.

    Used by the peers: a master tool's `operation` argument picks the handler and is not passed on.
    """
    ops = ROUTES.get(tool)
    if ops is None:
        return None
    if "" in ops:  # a plain tool
        return HANDLERS[ops[""]], arguments
    kwargs = dict(arguments)
    fn = ops.get(kwargs.pop("operation", None) or "")
    return (HANDLERS[fn], kwargs) if fn else None
