"""The batch operation in a client's tools/list entry, and its contract for `tools.lock`.

`with_batch(entry, tool, dialect)` takes a master tool's finished entry and returns it with the
batch operation added; the entry's own branches are reused, so `param_rule` keys, `$defs` and
portable spellings carry over unchanged.

- union: a `oneOf` branch `{operation: "batch", calls, stop_on_error}` whose items are a `oneOf`
  of `{operation: <const>, arguments: <that operation's parameters>}`;
- flat: "batch" joins the `operation` enum, `calls` and `stop_on_error` join the properties
  (an item is `{operation: <enum>, arguments: object}`), and the description's guide says what
  an item holds;
- `outputSchema` (listed only when every operation declares `returns`) becomes an `anyOf` of
  the operations' results and the batch result, so a client that checks structured results
  against it accepts both.

Hints need no change: the tool's annotations already hold for every operation a batch can run.
"""

from __future__ import annotations

import copy
from typing import Any

from ..ir import JsonSchema, JsonValue, Tool
from ..split import hints
from . import BATCH, CALLS, STOP_ON_ERROR, batch_operations

__all__ = ["batch_contract", "batch_output_schema", "with_batch"]

_ARGUMENTS = "The operation's parameters, as in a single call."
_STOP = "Stop at the first failing item; later ones do not run."


def batch_output_schema() -> JsonSchema:
    """The batch result (`structuredContent`): one entry per item, in order, and a summary."""
    item: JsonSchema = {
        "type": "object",
        "properties": {
            "ok": {"type": "boolean"},
            "result": {"type": "object"},
            "content": {"type": "array"},
            "error": {"type": "string"},
        },
        "required": ["ok"],
    }
    indices: JsonSchema = {"type": "array", "items": {"type": "integer"}}
    return {
        "type": "object",
        "properties": {
            "results": {"type": "array", "items": item},
            "summary": {
                "type": "object",
                "properties": {"ran": {"type": "integer"}, "failed": indices, "not_run": indices},
                "required": ["ran", "failed", "not_run"],
            },
        },
        "required": ["results", "summary"],
    }


def _calls(items: JsonSchema, max_items: int) -> JsonSchema:
    return {
        "type": "array",
        "description": "Items run as single calls would; all are validated before any runs.",
        "items": items,
        "minItems": 1,
        "maxItems": max_items,
    }


def _stop() -> JsonSchema:
    return {"type": "boolean", "default": False, "description": _STOP}


def _union_item(branch: dict[str, Any]) -> JsonSchema:
    """A union branch `{operation: const, p...}` as an item `{operation, arguments: {p...}}`."""
    props = dict(branch.get("properties") or {})
    operation = props.pop("operation")
    arguments: JsonSchema = {"type": "object", "properties": props}
    required = [r for r in branch.get("required") or () if r != "operation"]
    if required:
        arguments["required"] = required
    if "additionalProperties" in branch:
        arguments["additionalProperties"] = branch["additionalProperties"]
    item: JsonSchema = {
        "type": "object",
        "properties": {"operation": operation, "arguments": arguments},
        "required": ["operation", "arguments"] if required else ["operation"],
        "additionalProperties": False,
    }
    return item


def _const(branch: JsonValue) -> Any:
    if isinstance(branch, dict):
        op = (branch.get("properties") or {}).get("operation")
        if isinstance(op, dict):
            return op.get("const")
    return None


def with_batch(entry: JsonValue, tool: Tool, dialect: str) -> JsonValue:
    """`entry` (a tools/list entry of `tool` or of one of its split halves, whose operations
    `tool.operations` holds) with the batch operation added; unchanged when it does not batch."""
    ops = batch_operations(tool)
    if not ops or tool.batch is None or not isinstance(entry, dict):
        return entry
    names = [op.name for op in ops]
    max_items = tool.batch.max_items
    out = copy.deepcopy(entry)
    schema = out["inputSchema"]
    if dialect == "union":
        items = [_union_item(b) for b in schema["oneOf"] if _const(b) in names]
        schema["oneOf"].append(
            {
                "description": f"Up to {max_items} operations in one call; one result per item.",
                "properties": {
                    "operation": {"const": BATCH},
                    CALLS: _calls({"oneOf": items}, max_items),
                    STOP_ON_ERROR: _stop(),
                },
                "required": ["operation", CALLS],
                "additionalProperties": False,
            }
        )
    else:
        props = schema["properties"]
        props["operation"]["enum"] = [*props["operation"]["enum"], BATCH]
        item: JsonSchema = {
            "type": "object",
            "properties": {
                "operation": {"type": "string", "enum": names},
                "arguments": {"type": "object", "description": _ARGUMENTS},
            },
            "required": ["operation"],
            "additionalProperties": False,
        }
        props[CALLS] = _calls(item, max_items)
        props[STOP_ON_ERROR] = _stop()
        out["description"] = (
            str(out.get("description", ""))
            + f"\n- batch(calls, stop_on_error?): up to {max_items} operations in one call, each"
            ' item {"operation", "arguments": {its parameters}}; one result per item, in order.'
        )
    if "outputSchema" in out:
        out["outputSchema"] = _with_batch_output(out["outputSchema"])
    return out


def _with_batch_output(schema: JsonSchema) -> JsonSchema:
    """An entry's outputSchema that also accepts the batch result (`$schema`/`$defs` stay at the
    root, where the operations' `$ref`s point)."""
    root = {k: v for k, v in schema.items() if k in ("$schema", "$defs")}
    rest = {k: v for k, v in schema.items() if k not in root}
    if set(rest) == {"type", "anyOf"} and rest["type"] == "object":
        branches = list(rest["anyOf"])
    else:
        branches = [rest]
    return {**root, "type": "object", "anyOf": [*branches, batch_output_schema()]}


def batch_contract(tool: Tool) -> dict[str, Any] | None:
    """The batch operation's entry in a client's contract (`tools.lock`), or None: the items it
    accepts (each operation's own input is in the contract already), its result and hints."""
    ops = batch_operations(tool)
    if not ops or tool.batch is None:
        return None
    item: JsonSchema = {
        "type": "object",
        "properties": {
            "operation": {"enum": [op.name for op in ops]},
            "arguments": {"type": "object"},
        },
        "required": ["operation"],
        "additionalProperties": False,
    }
    return {
        "input": {
            "type": "object",
            "properties": {
                CALLS: _calls(item, tool.batch.max_items),
                STOP_ON_ERROR: _stop(),
            },
            "required": [CALLS],
            "additionalProperties": False,
        },
        "output": batch_output_schema(),
        "annotations": hints(ops),
    }
