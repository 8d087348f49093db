"""Keywords a listed schema states twice, left out: the schema accepts exactly the same values.

- `minLength` / `maxLength` that an anchored `pattern` already implies: `^t[0-9]{1,18}$` only
  matches strings of 2 to 19 characters, so `minLength: 1` and `maxLength: 20` add nothing. Only
  for a pattern anchored at both ends with no top-level alternation, no multi-line flag and a
  bounded width (Python's `re` parser measures it, the same syntax JSON Schema's ECMA-262 subset
  uses for these patterns); `maxLength` must exceed the widest match, so a trailing newline that
  Python's `$` lets through is still refused by the pattern's width alone.
- A property's `description` that only repeats its name (`limit`: "Limit."): the key says it.

The declared schemas (and the models generated from them) are unchanged; only `tools/list` is.
"""

from __future__ import annotations

import re
from re import _parser as _sre_parse  # type: ignore[attr-defined]  # Python 3.11+
from typing import Any

from .ir import JsonValue
from .schema_refs import DATA_KEYWORDS, SCHEMA_MAPS

_WORDS = re.compile(r"[^a-z0-9]+")


def trim(schema: JsonValue) -> JsonValue:
    """`schema` without the keywords described in the module doc, at every depth."""
    if isinstance(schema, list):
        return [trim(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DATA_KEYWORDS:
            out[key] = value
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _unnamed(name, trim(sub)) for name, sub in value.items()}
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: trim(sub) for name, sub in value.items()}
        else:
            out[key] = trim(value)
    pattern = out.get("pattern")
    if isinstance(pattern, str) and ("minLength" in out or "maxLength" in out):
        width = pattern_width(pattern)
        if width is not None:
            low, high = width
            if isinstance(out.get("minLength"), int) and out["minLength"] <= low:
                del out["minLength"]
            if isinstance(out.get("maxLength"), int) and out["maxLength"] > high:
                del out["maxLength"]
    return out


def pattern_width(pattern: str) -> tuple[int, int] | None:
    """(shortest, longest) string an anchored `pattern` matches; None when it is not anchored
    at both ends, alternates at the top, is multi-line, unbounded or not parseable."""
    if not pattern.startswith("^") or not pattern.endswith("$") or pattern.endswith("\\$"):
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    if parsed.state.flags & (re.MULTILINE | re.VERBOSE):
        return None
    items = list(parsed)
    at, at_end = _sre_parse.AT, _sre_parse.AT_END
    if len(items) < 2 or items[0] != (at, _sre_parse.AT_BEGINNING) or items[-1] != (at, at_end):
        return None
    low, high = parsed.getwidth()
    if high >= _sre_parse.MAXREPEAT or high >= 2**31:
        return None
    return int(low), int(high)


def _unnamed(name: str, schema: JsonValue) -> JsonValue:
    """`schema` without a description that only repeats the property's name."""
    if not isinstance(schema, dict):
        return schema
    text = schema.get("description")
    if isinstance(text, str) and _words(text) == _words(name) and _words(name):
        return {k: v for k, v in schema.items() if k != "description"}
    return schema


def _words(text: str) -> str:
    return " ".join(_WORDS.split(text.lower())).strip()
