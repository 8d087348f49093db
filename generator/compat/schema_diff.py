"""What a schema change does to callers: input schemas narrowing (calls that used to validate no
longer do) and output schemas changing under consumers. Yields `(rule_id, path, message)`.

Widening is never reported: a new optional property, a new enum value, a looser bound, a type
added to an input. `$ref: "#/$defs/NAME"` is followed into the root schema's `$defs`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

Found = tuple[str, tuple[str, ...], str]
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_DEPTH = 16  # recursive defs are compared this deep


def _deref(schema: Any, root: dict[str, Any]) -> Any:
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < _DEPTH:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            return schema
        target = (root.get("$defs") or {}).get(ref.removeprefix("#/$defs/"))
        if not isinstance(target, dict):
            return schema
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def _types(schema: dict[str, Any]) -> set[str] | None:
    if "const" in schema:
        return None
    kind = schema.get("type")
    branches = schema.get("anyOf")
    if kind is None and isinstance(branches, list) and branches:
        kinds = [_types(b) if isinstance(b, dict) else None for b in branches]
        if any(k is None for k in kinds):
            return None
        return set().union(*(k for k in kinds if k is not None))
    if kind is None:
        return None
    found = {kind} if isinstance(kind, str) else {str(k) for k in kind}
    if "number" in found:
        found.add("integer")
    return found


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _values(schema: dict[str, Any]) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _show(values: list[Any]) -> str:
    return ", ".join(json.dumps(v) for v in values[:5]) + (", …" if len(values) > 5 else "")


def _label(path: tuple[str, ...]) -> str:
    return f'"{".".join(path)}"' if path else "the arguments"


def input_changes(
    before: Any,
    after: Any,
    roots: tuple[dict[str, Any], dict[str, Any]],
    path: tuple[str, ...] = (),
    depth: int = 0,
) -> Iterator[Found]:
    """Ways `after` refuses or reinterprets an input that `before` accepted."""
    b, a = _deref(before, roots[0]), _deref(after, roots[1])
    if not isinstance(b, dict) or not isinstance(a, dict) or depth > _DEPTH:
        return
    if _key(b) == _key(a) and roots[0].get("$defs") == roots[1].get("$defs"):
        return
    what = _label(path)
    tb, ta = _types(b), _types(a)
    if ta is not None and (tb is None or not tb <= ta):
        lost = sorted(tb - ta) if tb is not None else ["any type"]
        yield "PARAM_TYPE_CHANGED", path, f"{what} no longer accepts {', '.join(lost)}"
    vb, va = _values(b), _values(a)
    if va is not None:
        keep = {_key(v) for v in va}
        lost_values = [v for v in vb if _key(v) not in keep] if vb is not None else None
        if lost_values is None:
            yield "ENUM_VALUE_REMOVED", path, f"{what} is now limited to {_show(va)}"
        elif lost_values:
            yield "ENUM_VALUE_REMOVED", path, f"{what} no longer accepts {_show(lost_values)}"
    for key in _LOWER:
        if isinstance(a.get(key), int | float) and (
            not isinstance(b.get(key), int | float) or a[key] > b[key]
        ):
            yield "BOUND_TIGHTENED", path, f"{what} {key} is now {a[key]} (was {b.get(key)})"
    for key in _UPPER:
        if isinstance(a.get(key), int | float) and (
            not isinstance(b.get(key), int | float) or a[key] < b[key]
        ):
            yield "BOUND_TIGHTENED", path, f"{what} {key} is now {a[key]} (was {b.get(key)})"
    for key in ("pattern", "format", "multipleOf"):
        if key in a and a.get(key) != b.get(key):
            yield "BOUND_TIGHTENED", path, f"{what} {key} is now {json.dumps(a[key])[:60]}"
    if "default" in b and _key(b.get("default")) != _key(a.get("default")):
        now = json.dumps(a["default"])[:60] if "default" in a else "none"
        yield (
            "DEFAULT_CHANGED",
            path,
            (f"{what} default is now {now} (was {json.dumps(b['default'])[:60]})"),
        )
    for key in ("anyOf", "oneOf", "allOf"):
        if key in a and _key(b.get(key)) != _key(a.get(key)):
            keep = {_key(v) for v in a[key]}
            if key == "allOf" or not all(_key(v) in keep for v in b.get(key) or [None]):
                yield "PARAM_TYPE_CHANGED", path, f"{what} {key} no longer accepts what it did"
    yield from _object_input(b, a, roots, path, depth)
    if isinstance(b.get("items"), dict) and isinstance(a.get("items"), dict):
        yield from input_changes(b["items"], a["items"], roots, (*path, "[]"), depth + 1)


def _object_input(
    b: dict[str, Any],
    a: dict[str, Any],
    roots: tuple[dict[str, Any], dict[str, Any]],
    path: tuple[str, ...],
    depth: int,
) -> Iterator[Found]:
    pb, pa = b.get("properties") or {}, a.get("properties") or {}
    closed = a.get("additionalProperties") is False
    for name, schema in pb.items():
        if name in pa:
            yield from input_changes(schema, pa[name], roots, (*path, name), depth + 1)
        elif closed:
            yield (
                "PARAM_REMOVED",
                (*path, name),
                f'"{".".join((*path, name))}" is no longer accepted',
            )
    required_before = set(b.get("required") or ())
    for name in a.get("required") or ():
        if name not in required_before:
            yield (
                "PARAM_REQUIRED_ADDED",
                (*path, name),
                (f'"{".".join((*path, name))}" is now required'),
            )
    if closed and b.get("additionalProperties") is not False and "properties" in a:
        yield "PARAM_REMOVED", path, f"{_label(path)} no longer accepts other properties"


def output_changes(
    before: Any,
    after: Any,
    roots: tuple[dict[str, Any], dict[str, Any]],
    path: tuple[str, ...] = (),
    depth: int = 0,
) -> Iterator[Found]:
    """Ways a result that matches `after` surprises a consumer written against `before`."""
    b, a = _deref(before, roots[0]), _deref(after, roots[1])
    if not isinstance(b, dict) or not isinstance(a, dict) or depth > _DEPTH or _key(b) == _key(a):
        return
    what = _label(path) if path else "the result"
    tb, ta = _types(b), _types(a)
    if tb is not None and (ta is None or not ta <= tb):
        new = sorted(ta - tb) if ta is not None else ["any type"]
        yield "OUTPUT_TYPE_CHANGED", path, f"{what} may now be {', '.join(new)}"
    pb, pa = b.get("properties") or {}, a.get("properties") or {}
    required_after = set(a.get("required") or ())
    for name, schema in pb.items():
        field = ".".join((*path, name))
        if name not in pa:
            yield "OUTPUT_FIELD_REMOVED", (*path, name), f'result field "{field}" is gone'
            continue
        if name in (b.get("required") or ()) and name not in required_after:
            yield (
                "OUTPUT_FIELD_REMOVED",
                (*path, name),
                (f'result field "{field}" is no longer always present'),
            )
        yield from output_changes(schema, pa[name], roots, (*path, name), depth + 1)
    if isinstance(b.get("items"), dict) and isinstance(a.get("items"), dict):
        yield from output_changes(b["items"], a["items"], roots, (*path, "[]"), depth + 1)
