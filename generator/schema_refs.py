"""`$ref`s to the catalog's `defs`: finding them, following them, attaching what a schema needs.

A schema in `params`, `returns` or `defs` names a shared schema as `{"$ref": "#/$defs/NAME"}`.
`#` is the root of the schema a client receives (a tool's `inputSchema` or `outputSchema`), so
every emitted root that reaches a def carries it under `$defs`, together with `$schema` naming
draft 2020-12, the dialect those keywords belong to. Roots without refs stay as declared: MCP
already defaults to 2020-12, and every byte of `tools/list` costs context tokens.

Only the keywords that hold subschemas are walked; `enum`, `const`, `default` and `examples`
hold data, so a `{"$ref": ...}` inside them is a value, not a reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .ir import JsonSchema, JsonValue
from .source import KeyPath

DEFS_PREFIX = "#/$defs/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})
# Keywords whose value maps names to subschemas (a walk descends into each value).
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")  # walk order
# Keywords that would make a nested "#" mean something else, or declare defs out of reach.
SCOPE_KEYWORDS = ("$defs", "definitions", "$id")


def def_name(ref: str) -> str | None:
    """NAME for "#/$defs/NAME" (one segment, no JSON-pointer escapes); otherwise None."""
    if not ref.startswith(DEFS_PREFIX):
        return None
    name = ref[len(DEFS_PREFIX) :]
    return name if name and "/" not in name and "~" not in name else None


def walk(schema: JsonValue, path: KeyPath = ()) -> Iterator[tuple[KeyPath, dict[str, Any]]]:
    """Every schema object inside `schema` (itself first), with its path, data keywords skipped."""
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            if key in DATA_KEYWORDS:
                continue
            yield from walk(value, (*path, key))
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from walk(item, (*path, i))


def refs(schema: JsonValue) -> Iterator[tuple[KeyPath, str]]:
    """(path of the `$ref` value, the reference) for every `$ref` in `schema`."""
    for path, node in walk(schema):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield (*path, "$ref"), ref


def reachable(roots: Iterable[JsonValue], defs: Mapping[str, JsonSchema]) -> list[str]:
    """Names of the defs `roots` reach, directly or through other defs, in `defs` order."""
    seen: set[str] = set()
    todo = [name for root in roots for _, ref in refs(root) if (name := def_name(ref))]
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        todo.extend(n for _, ref in refs(defs[name]) if (n := def_name(ref)))
    return [name for name in defs if name in seen]


def with_defs(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> JsonSchema:
    """`schema` as an emitted root: plus `$schema` and the `$defs` it reaches, when it has refs."""
    names = reachable([schema], defs)
    if not names:
        return schema
    return {"$schema": DIALECT, **schema, "$defs": {name: defs[name] for name in names}}
