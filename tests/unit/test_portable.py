"""portable(): `type` arrays become `anyOf` of single types; nothing else changes meaning."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from toolc.generator.portable import portable

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "note": {"type": ["string", "null"], "maxLength": 3},
        "type": {"type": ["integer"]},  # a property named like the keyword
        "tags": {"type": "array", "items": {"type": ["string", "number"]}},
        "kept": {"anyOf": [{"type": "string"}], "type": ["string", "null"]},
        "data": {"enum": [{"type": ["a", "b"]}], "default": {"type": ["x"]}},
    },
    "$defs": {"d": {"type": ["boolean", "null"]}},
}


def test_type_arrays_become_anyof_everywhere_but_in_data() -> None:
    out: Any = portable(SCHEMA)
    props = out["properties"]
    assert props["note"] == {"maxLength": 3, "anyOf": [{"type": "string"}, {"type": "null"}]}
    assert props["type"] == {"type": "integer"}
    assert props["tags"]["items"] == {"anyOf": [{"type": "string"}, {"type": "number"}]}
    assert props["kept"] == SCHEMA["properties"]["kept"]  # has anyOf already: left alone
    assert props["data"] == SCHEMA["properties"]["data"]  # enum/default are values
    assert out["$defs"]["d"] == {"anyOf": [{"type": "boolean"}, {"type": "null"}]}


@pytest.mark.parametrize(
    "value",
    [
        {"note": None},
        {"note": "abc"},
        {"note": "abcd"},
        {"note": 5},
        {"type": 1},
        {"type": 1.5},
        {"tags": ["a", 1]},
        {"tags": [True]},
    ],
)
def test_same_verdict_as_the_declared_schema(value: dict[str, Any]) -> None:
    def ok(schema: Any) -> bool:
        return jsonschema.Draft202012Validator(schema).is_valid(value)

    assert ok(portable(SCHEMA)) == ok(SCHEMA)
