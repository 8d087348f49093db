"""One valid example call per operation, for the reference pages (and E100 / W100).

An operation's example arguments are its first `examples:` entry when the catalog declares one
(each entry must validate against the operation's parameters: E100), otherwise derived from the
schemas of its required parameters: `examples`, `const`, `default`, the first `enum` value, then a
minimal value of the type that honours the bounds (`minLength`, `minimum`, `multipleOf`,
`minItems`, ...), the `format` (date, date-time, email, uri, uuid, ...) and, for strings with a
`pattern`, the first of a few candidates the pattern accepts, else a string built from the
pattern's parse tree. A derived example that does not
validate is dropped, and the page says so (W100 asks for an `examples:` entry).

`client_call` turns an operation's arguments into the call one listed entry takes: `operation`
for a master tool, a listed legacy name's old argument names without the arguments it fixes, and
the client's own parameter keys (`param_rule`).
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator

from ..ir import ExposedTool, JsonSchema, JsonValue, Operation
from ..schema_refs import def_name, with_defs

PATTERN_CANDIDATES = ("example", "t1", "p1", "d1", "w1", "h1", "a", "1", "A1", "a-1", "x_1")
FORMATS: dict[str, str] = {
    "date": "2026-01-31",
    "date-time": "2026-01-31T12:00:00Z",
    "time": "12:00:00Z",
    "email": "someone@example.com",
    "idn-email": "someone@example.com",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "duration": "P1D",
}
DEPTH = 8  # nesting followed when deriving (recursive defs stop here)


def input_schema(op: Operation, defs: Mapping[str, JsonSchema]) -> JsonSchema:
    """The operation's own arguments as one object schema (declared keys, defs attached)."""
    params = {p.name: p.schema for p in op.params}
    return object_schema(params, op.required, closed=not op.additional_params, defs=defs)


def object_schema(
    params: Mapping[str, JsonValue],
    required: Iterable[str],
    *,
    closed: bool,
    defs: Mapping[str, JsonSchema],
) -> JsonSchema:
    schema: JsonSchema = {
        "type": "object",
        "properties": {name: _clean(s) for name, s in params.items()},
    }
    req = list(required)
    if req:
        schema["required"] = req
    if closed:
        schema["additionalProperties"] = False
    return with_defs(schema, defs)


def _clean(schema: JsonValue) -> JsonValue:
    if isinstance(schema, dict):
        return {k: v for k, v in schema.items() if k != "py_name"}
    return schema


def problems(args: JsonValue, schema: JsonSchema) -> list[str]:
    """Why `args` does not validate against `schema` (one line each; [] when it does)."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    out = []
    for err in sorted(validator.iter_errors(args), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path)
        text = " ".join(err.message.split())[:100]
        out.append(f"{where}: {text}" if where else text)
    return out


def example_args(op: Operation, defs: Mapping[str, JsonSchema]) -> JsonValue | None:
    """The operation's example arguments (declared or derived), or None when none is valid."""
    params = {p.name: p.schema for p in op.params}
    schema = input_schema(op, defs)
    return choose(params, op.required, op.examples, schema, defs)


def choose(
    params: Mapping[str, JsonValue],
    required: Iterable[str],
    examples: Sequence[JsonValue],
    schema: JsonSchema,
    defs: Mapping[str, JsonSchema],
) -> JsonValue | None:
    """The first declared example, else one derived from the required parameters; None when
    that does not validate against `schema`."""
    if examples:
        return examples[0] if not problems(examples[0], schema) else None
    derived = {name: _value(_clean(params.get(name)), defs, 0) for name in required}
    return derived if not problems(derived, schema) else None


def _value(schema: JsonValue, defs: Mapping[str, JsonSchema], depth: int) -> JsonValue:
    if not isinstance(schema, dict) or depth > DEPTH:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = def_name(ref)
        if name is not None and name in defs:
            merged = {**defs[name], **{k: v for k, v in schema.items() if k != "$ref"}}
            return _value(merged, defs, depth + 1)
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _value({**_without(schema, key), **options[0]}, defs, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged = _without(schema, "allOf")
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged = {**merged, **part}
        return _value(merged, defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind is None:
        kind = _implied_type(schema)
    return _typed(kind, schema, defs, depth)


def _without(schema: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != key}


def _implied_type(schema: dict[str, Any]) -> str | None:
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "minItems" in schema:
        return "array"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "multipleOf")):
        return "number"
    return None


def _typed(kind: Any, schema: dict[str, Any], defs: Mapping[str, JsonSchema], depth: int) -> Any:
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(kind, schema)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "array":
        item = schema.get("items")
        count = int(schema.get("minItems", 0) or 0)
        if count == 0:
            return []
        values = [_value(item, defs, depth + 1) for _ in range(count)]
        if schema.get("uniqueItems") and isinstance(values[0], str):
            values = [f"{v}{i}" if i else v for i, v in enumerate(values)]
        return values
    if kind == "object":
        props = schema.get("properties") or {}
        required = schema.get("required") or []
        return {
            name: _value(props.get(name, {}), defs, depth + 1)
            for name in required
            if isinstance(name, str)
        }
    return "example"


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMATS:
        return FORMATS[fmt]
    low = int(schema.get("minLength", 0) or 0)
    high = schema.get("maxLength")
    pattern = schema.get("pattern")
    candidates = list(PATTERN_CANDIDATES)
    if isinstance(pattern, str):
        found = sample(pattern)
        if found is not None:
            candidates.append(found)
    for text in candidates:
        value = text + "x" * max(0, low - len(text))
        if isinstance(high, int) and len(value) > high:
            value = value[:high]
        if len(value) < low:
            continue
        if isinstance(pattern, str) and not _matches(pattern, value):
            continue
        return value
    return "example"


def sample(pattern: str) -> str | None:
    """A short string `pattern` matches, built from its parse tree (literals, classes, repeats at
    their minimum, the first branch), or None when the pattern uses something else."""
    try:
        parser: Any = importlib.import_module("re._parser")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = parser.parse(pattern)
        text = _emit(list(tree), 0)
    except (re.error, ValueError, TypeError, RecursionError, ImportError):
        return None
    return text if text is not None and _matches(pattern, text) else None


_CATEGORY = {"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}


def _emit(items: list[Any], depth: int) -> str | None:
    if depth > 20:
        return None
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "AT":
            continue
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            char = _class(arg)
            if char is None:
                return None
            out.append(char)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            part = _emit(list(sub), depth + 1)
            if part is None:
                return None
            out.append(part * max(int(low), 0))
        elif name == "SUBPATTERN":
            part = _emit(list(arg[-1]), depth + 1)
            if part is None:
                return None
            out.append(part)
        elif name == "BRANCH":
            part = _emit(list(arg[1][0]), depth + 1)
            if part is None:
                return None
            out.append(part)
        else:
            return None
    return "".join(out)


def _class(items: list[Any]) -> str | None:
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            return None
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            low, high = arg
            return next((c for c in "1aA" if low <= ord(c) <= high), chr(low))
        if name == "CATEGORY":
            return _CATEGORY.get(str(arg))
    return None


def _matches(pattern: str, value: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.search(pattern, value) is not None
    except re.error:
        return False


def _number(kind: str, schema: dict[str, Any]) -> int | float:
    low = schema.get("minimum")
    excl = schema.get("exclusiveMinimum")
    high = schema.get("maximum")
    value: float = 1
    if isinstance(low, int | float):
        value = low
    elif isinstance(excl, int | float):
        value = excl + 1 if kind == "integer" else excl + 0.5
    elif isinstance(high, int | float) and high < value:
        value = high
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0 and value % step:
        value = (value // step + 1) * step
    if kind == "integer" or float(value).is_integer():
        return int(value)
    return value


def client_call(
    entry: ExposedTool, op: Operation, args: Mapping[str, Any], *, master: bool
) -> dict[str, Any]:
    """The `tools/call` params this client sends for `args` of `op` through `entry`."""
    to_client = {declared: shown for shown, declared in entry.param_keys}
    out: dict[str, Any] = {}
    legacy = entry.legacy if entry.operation is not None else None
    if legacy is None and master:
        out[to_client.get("operation", "operation")] = op.name
    fixed = dict(legacy.fixed) if legacy is not None else {}
    old_names = {new: old for old, new in legacy.rename} if legacy is not None else {}
    for name, value in args.items():
        if name in fixed:
            continue
        key = old_names.get(name, name)
        out[to_client.get(key, key)] = value
    return {"name": entry.name, "arguments": out}
