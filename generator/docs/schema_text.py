"""A parameter's JSON Schema in words: its type (with links to named defs) and its constraints.

Renderers get plain data: a type is a tuple of parts, each a string or a `DefLink` that the
Markdown and HTML renderers turn into a link to the def's own section.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..ir import JsonValue
from ..schema_refs import def_name


@dataclass(frozen=True, slots=True)
class DefLink:
    name: str


Part = str | DefLink
TypeText = tuple[Part, ...]

# keyword -> how the constraint reads (value appended)
_BOUNDS = (
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("minimum", "≥"),
    ("exclusiveMinimum", ">"),
    ("maximum", "≤"),
    ("exclusiveMaximum", "<"),
    ("multipleOf", "multiple of"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("minProperties", "min properties"),
    ("maxProperties", "max properties"),
)


def value_text(value: JsonValue) -> str:
    """A JSON value as shown in a table: compact JSON, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def type_of(schema: JsonValue, depth: int = 0) -> TypeText:
    """The schema's type: `string`, `integer | null`, `array of string`, a def link, ..."""
    if not isinstance(schema, dict) or depth > 6:
        return ("any",)
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = def_name(ref)
        return (DefLink(name),) if name else (ref,)
    if "const" in schema:
        return ("constant " + value_text(schema["const"]),)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _join([type_of(o, depth + 1) for o in options], " | ")
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if not kinds:
        if "enum" in schema:
            return ("enum",)
        if "properties" in schema:
            return ("object",)
        return ("any",)
    out: list[TypeText] = []
    for k in kinds:
        if k == "array" and isinstance(schema.get("items"), dict):
            out.append(("array of ", *type_of(schema["items"], depth + 1)))
        elif k == "string" and isinstance(schema.get("format"), str):
            out.append((f"string ({schema['format']})",))
        else:
            out.append((str(k),))
    return _join(out, " | ")


def _join(parts: list[TypeText], sep: str) -> TypeText:
    out: list[Part] = []
    for i, part in enumerate(parts):
        if i:
            out.append(sep)
        out.extend(part)
    return tuple(out)


def constraints(schema: JsonValue) -> tuple[str, ...]:
    """The schema's constraints in words, in a fixed order."""
    if not isinstance(schema, dict):
        return ()
    out: list[str] = []
    if isinstance(schema.get("enum"), list):
        out.append("one of " + ", ".join(value_text(v) for v in schema["enum"]))
    for key, label in _BOUNDS:
        if key in schema:
            out.append(f"{label} {value_text(schema[key])}")
    if isinstance(schema.get("pattern"), str):
        out.append("pattern " + schema["pattern"])
    if schema.get("uniqueItems") is True:
        out.append("unique items")
    items = schema.get("items")
    if isinstance(items, dict) and not isinstance(items.get("$ref"), str):
        inner = constraints(items)
        if inner:
            out.append("each item: " + "; ".join(inner))
    props = schema.get("properties")
    if isinstance(props, dict) and props:
        required = set(schema.get("required") or ())
        names = [n + ("" if n in required else "?") for n in props]
        out.append("properties " + ", ".join(names))
    if schema.get("additionalProperties") is False and isinstance(props, dict):
        out.append("no other properties")
    return tuple(out)


def default_of(schema: JsonValue) -> str | None:
    if isinstance(schema, dict) and "default" in schema:
        return value_text(schema["default"])
    return None


def description_of(schema: JsonValue) -> str:
    if isinstance(schema, dict):
        for key in ("description", "title"):
            text = schema.get(key)
            if isinstance(text, str):
                return text
    return ""


def properties_of(schema: JsonValue) -> list[tuple[str, Any, bool]]:
    """(name, schema, required) of an object schema's properties, declaration order."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return []
    required = set(schema.get("required") or ())
    return [(n, s, n in required) for n, s in schema["properties"].items()]
