"""An original tool's JSON Schemas in the config language's form.

`inputSchema` becomes `params` (its properties), `required` and `additional_params`;
`outputSchema` becomes `returns`. Both may carry `$defs` (or `definitions`): these move to the
catalog's top-level `defs` (a def whose name another tool took gets the tool's name in
front), and every `#/$defs/X` / `#/definitions/X` reference is rewritten to match. Any
other local reference (`#/properties/a`, as zod-to-json-schema writes) is replaced by a copy
of what it points at. Nested `$defs`, `definitions` and `$id`, which the config language
refuses, are dropped once resolved; what cannot be kept is reported.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

_DEF_NAME = re.compile(r"[^A-Za-z0-9_-]+")
_NESTED_DROP = ("$defs", "definitions", "$id", "$schema")
INPUT_KEYS = frozenset(
    {
        "type",
        "properties",
        "required",
        "$defs",
        "definitions",
        "additionalProperties",
        "$schema",
        "title",
        "description",
    }
)
MAX_DEPTH = 32


@dataclass(slots=True)
class Defs:
    """The catalog's `defs`, filled tool by tool, in order."""

    schemas: dict[str, Any] = field(default_factory=dict)

    def add(self, tool: str, name: str, body: Any) -> str:
        base = _DEF_NAME.sub("_", name).strip("_-") or "def"
        if not base[0].isalpha():
            base = "d_" + base
        candidates = [base, _DEF_NAME.sub("_", f"{tool}_{base}").strip("_-")]
        for cand in candidates:
            if cand not in self.schemas:
                self.schemas[cand] = body
                return cand
        k = 2
        while f"{candidates[1]}_{k}" in self.schemas:
            k += 1
        self.schemas[f"{candidates[1]}_{k}"] = body
        return f"{candidates[1]}_{k}"


def _pointer(root: Any, ref: str) -> Any:
    node = root
    for part in ref[2:].split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


class _Rewriter:
    def __init__(self, tool: str, root: dict[str, Any], names: dict[str, str], notes: list[str]):
        self.tool, self.root, self.names, self.notes = tool, root, names, notes

    def ref(self, ref: str, depth: int) -> Any:
        for prefix in ("#/$defs/", "#/definitions/"):
            if ref.startswith(prefix) and ref[len(prefix) :] in self.names:
                return {"$ref": f"#/$defs/{self.names[ref[len(prefix) :]]}"}
        target = _pointer(self.root, ref) if ref.startswith("#") else None
        if target is None or depth >= MAX_DEPTH:
            self.notes.append(
                f'reference "{ref[:60]}" cannot be resolved — it accepts anything now'
            )
            return {}
        return self.walk(copy.deepcopy(target), depth + 1)

    def walk(self, node: Any, depth: int = 0) -> Any:
        if isinstance(node, list):
            return [self.walk(v, depth) for v in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            resolved = self.ref(node["$ref"], depth)
            rest = {k: self.walk(v, depth) for k, v in node.items() if k != "$ref"}
            if not rest:
                return resolved
            if "$ref" in resolved:
                return {**resolved, **rest}
            return {"allOf": [resolved], **rest}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _NESTED_DROP and depth > 0:
                continue
            if key in (
                "properties",
                "patternProperties",
                "$defs",
                "definitions",
                "dependentSchemas",
            ) and isinstance(value, dict):
                out[key] = {k: self.walk(_schema(v), depth) for k, v in value.items()}
            else:
                out[key] = self.walk(value, depth)
        return out


def _schema(value: Any) -> Any:
    """A boolean schema as an object (`true` -> `{}`, `false` -> `{"not": {}}`)."""
    if value is True:
        return {}
    if value is False:
        return {"not": {}}
    return value


def _lift_defs(tool: str, schema: dict[str, Any], defs: Defs, notes: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    found: dict[str, Any] = {}
    for key in ("definitions", "$defs"):
        if isinstance(schema.get(key), dict):
            found.update(schema[key])
    pending = {name: defs.add(tool, name, {"$pending": name}) for name in found}
    names.update(pending)
    rewriter = _Rewriter(tool, schema, names, notes)
    for name, body in found.items():
        defs.schemas[names[name]] = rewriter.walk(_schema(body), 1)
    return names


@dataclass(frozen=True, slots=True)
class Shapes:
    params: dict[str, Any]
    required: list[str]
    allow_extra: bool
    returns: dict[str, Any] | None
    notes: tuple[str, ...]


def convert(tool: str, input_schema: Any, output_schema: Any, defs: Defs) -> Shapes:
    notes: list[str] = []
    source = input_schema if isinstance(input_schema, dict) else {}
    names = _lift_defs(tool, source, defs, notes)
    walker = _Rewriter(tool, source, names, notes)
    props = source.get("properties")
    items = props.items() if isinstance(props, dict) else ()
    params = {name: walker.walk(_schema(s), 1) for name, s in items}
    required = [r for r in source.get("required") or [] if isinstance(r, str) and r in params]
    dropped = sorted(k for k in source if k not in INPUT_KEYS)
    if dropped:
        notes.append(f"inputSchema keywords {', '.join(dropped)} have no place in params — dropped")
    extra = source.get("additionalProperties")
    returns = None
    if isinstance(output_schema, dict):
        out_names = _lift_defs(tool, output_schema, defs, notes)
        top = {k: v for k, v in output_schema.items() if k not in _NESTED_DROP}
        returns = _Rewriter(tool, output_schema, out_names, notes).walk(top, 1)
    return Shapes(params, required, extra not in (None, False), returns, tuple(notes))
