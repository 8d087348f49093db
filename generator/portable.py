"""Listed schemas in the most portable spelling: a `type` array becomes `anyOf` of single types.

`{"type": ["string", "null"]}` is legal JSON Schema, but clients that map tool schemas onto a
single-`type` dialect (the OpenAPI subset of some model providers' function declarations) reject
the tool or drop the constraint; the MCP Inspector's `--strict` mode warns about it. The
equivalent `{"anyOf": [{"type": "string"}, {"type": "null"}]}` means the same to every validator,
so the compiler emits that in `tools/list`. Sibling keywords stay where they are (`maxLength`
applies to strings only either way). Models are generated from the declared schemas, unchanged.
"""

from __future__ import annotations

from typing import Any

from .ir import JsonValue
from .schema_refs import DATA_KEYWORDS, SCHEMA_MAPS


def portable(schema: JsonValue) -> JsonValue:
    """`schema` with every `type` array rewritten as `anyOf` (when it has no `anyOf` already)."""
    if isinstance(schema, list):
        return [portable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DATA_KEYWORDS:
            out[key] = value
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: portable(sub) for name, sub in value.items()}
        else:
            out[key] = portable(value)
    types = out.get("type")
    if isinstance(types, list) and "anyOf" not in out:
        if len(types) == 1:
            out["type"] = types[0]
        else:
            del out["type"]
            out["anyOf"] = [{"type": t} for t in types]
    return out
