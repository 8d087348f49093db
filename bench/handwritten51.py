"""The listing bench's catalog (bench/catalog51.py) as a careful engineer writes it by hand.

A low-level `mcp` server's tool list, written once from the catalog's spec and never from toolc's
output: per tool its name, its description, an input schema with the `operation` enum and the
typed parameters (their constraints and descriptions as specified), and the annotations a host
acts on: `readOnlyHint: true` for a tool that only reads, `destructiveHint: false` for one that
writes but destroys nothing (MCP's default is destructive), nothing else. An operation whose
purpose its name does not make plain (searching, checking progress) gets its sentence in the
tool's description; every operation takes every parameter, so nothing else needs saying.
No `additionalProperties` and no `outputSchema`: the operations return free-form records.
"""

from __future__ import annotations

import json
from typing import Any

from catalog51 import EFFECT, TOOLS, ToolSpec, op_description

PLAIN = ("add", "get", "update", "remove", "list", "start", "cancel", "submit", "approve", "reject")


def _annotations(spec: ToolSpec) -> dict[str, bool]:
    effects = {EFFECT[op] for op in spec.operations}
    if effects == {"read"}:
        return {"readOnlyHint": True}
    if "destructive" not in effects:
        return {"destructiveHint": False}
    return {}


def _entry(spec: ToolSpec) -> dict[str, Any]:
    notes = [f"{op}: {op_description(spec, op)}" for op in spec.operations if op not in PLAIN]
    description = " ".join([spec.description, *notes])
    properties: dict[str, Any] = {"operation": {"type": "string", "enum": list(spec.operations)}}
    properties.update(spec.params)
    entry: dict[str, Any] = {
        "name": spec.name,
        "description": description,
        "inputSchema": {"type": "object", "properties": properties, "required": ["operation"]},
    }
    hints = _annotations(spec)
    if hints:
        entry["annotations"] = hints
    return entry


def listing() -> dict[str, Any]:
    """The `tools/list` result, `{"tools": [...]}`."""
    return {"tools": [_entry(spec) for spec in TOOLS]}


if __name__ == "__main__":
    print(json.dumps(listing(), indent=1))
