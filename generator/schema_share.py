"""Repeated subschemas of one listed schema, written once under `$defs` and referenced.

`share(schema)` finds subschemas (objects in schema positions only: `properties` values, `items`,
`anyOf` branches, ...; never `enum`, `const`, `default` or `examples` data) that occur more than
once, and moves the one that saves the most bytes into `$defs`, replacing every occurrence with
`{"$ref": "#/$defs/<name>"}`; then again, until nothing repeats or saves bytes. The result
validates exactly the same instances (a local `$ref` resolves by JSON pointer under any draft).

Used for `outputSchema`s, where a master tool's operations return the same record again and
again (`task` in five of `bmad_task`'s six results). Input schemas are not shared: a model reads
them, and not every host resolves `$ref` there. Deterministic: candidates are compared by
(bytes saved, JSON text), and a def is named after the property it first sits under.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from .ir import JsonSchema, JsonValue
from .schema_refs import SCHEMA_MAPS

_SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_MAX_ROUNDS = 64  # each round removes at least one repeated subschema; a bound, not a tuning knob
_MIN_BYTES = 24  # smaller repeats cost about as much as the reference that would replace them


def _text(value: JsonValue) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _children(schema: JsonSchema) -> Iterator[tuple[str, JsonSchema]]:
    """(name hint, subschema) for every direct subschema of `schema`."""
    for key in SCHEMA_MAPS:
        mapping = schema.get(key)
        if isinstance(mapping, dict):
            for name in sorted(mapping):
                if isinstance(mapping[name], dict):
                    yield name, mapping[name]
    for key in _SCHEMA_VALUES:
        if isinstance(schema.get(key), dict):
            yield key, schema[key]
    for key in _SCHEMA_LISTS:
        items = schema.get(key)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    yield key, item


def _rebuild(schema: JsonSchema, swap: Callable[[JsonSchema], JsonSchema]) -> JsonSchema:
    """A copy of `schema` with `swap` applied to every direct subschema."""
    out: dict[str, Any] = dict(schema)
    for key in SCHEMA_MAPS:
        mapping = schema.get(key)
        if isinstance(mapping, dict):
            out[key] = {n: swap(v) if isinstance(v, dict) else v for n, v in mapping.items()}
    for key in _SCHEMA_VALUES:
        if isinstance(schema.get(key), dict):
            out[key] = swap(schema[key])
    for key in _SCHEMA_LISTS:
        items = schema.get(key)
        if isinstance(items, list):
            out[key] = [swap(v) if isinstance(v, dict) else v for v in items]
    return out


def _count(schema: JsonSchema, counts: dict[str, int], hints: dict[str, str]) -> None:
    for hint, child in _children(schema):
        if "$ref" in child and len(child) == 1:
            continue
        text = _text(child)
        counts[text] = counts.get(text, 0) + 1
        hints.setdefault(text, hint)
        _count(child, counts, hints)


def _def_name(hint: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", hint).strip("_") or "shape"
    if base in {"items", "anyOf", "oneOf", "allOf", "prefixItems"}:
        base = "item" if base == "items" else "shape"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def share(schema: JsonSchema) -> JsonSchema:
    """`schema` with each repeated subschema written once under `$defs` (see module doc)."""
    out = schema
    for _ in range(_MAX_ROUNDS):
        counts: dict[str, int] = {}
        hints: dict[str, str] = {}
        _count(out, counts, hints)
        defs = dict(out.get("$defs") or {})
        best: tuple[int, str] | None = None
        for text, n in counts.items():
            if n < 2 or len(text) < _MIN_BYTES:
                continue
            ref_bytes = len(_text({"$ref": "#/$defs/" + hints[text]}))
            saved = (n - 1) * len(text) - n * ref_bytes - len(hints[text]) - 4
            if saved > 0 and (best is None or (saved, text) > best):
                best = (saved, text)
        if best is None:
            return out
        text = best[1]
        name = _def_name(hints[text], set(defs))
        ref: JsonSchema = {"$ref": "#/$defs/" + name}

        def swap(sub: JsonSchema, text: str = text, ref: JsonSchema = ref) -> JsonSchema:
            return dict(ref) if _text(sub) == text else _rebuild(sub, swap)

        out = _rebuild(out, swap)
        defs = dict(out.get("$defs") or {})
        defs[name] = json.loads(text)
        out["$defs"] = defs
    return out
