"""What the compact listing leaves out accepts exactly the same values: implied lengths, names
repeated as descriptions, `operation` required once in a union, results another result's schema
already accepts; `output_schema: false` (IR built by hand)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.unit.ir_samples import catalog, master, op, param, profile, task_tool
from toolc.generator.listing import output_schema, tool_entry
from toolc.generator.resolve import resolve
from toolc.generator.schema_trim import pattern_width, trim

S = {"type": "string"}
ID = {"type": "string", "pattern": "^t[0-9]{1,18}$", "minLength": 1, "maxLength": 20}


def test_lengths_an_anchored_pattern_implies_are_left_out() -> None:
    assert pattern_width("^t[0-9]{1,18}$") == (2, 19)
    assert trim(ID) == {"type": "string", "pattern": "^t[0-9]{1,18}$"}
    # kept: a bound the pattern does not imply, or a pattern that is not anchored at both ends
    tight = {**ID, "minLength": 5, "maxLength": 19}
    assert trim(tight) == tight
    for pattern in ("t[0-9]{1,18}$", "^t[0-9]+$", "^a|b$", "(?m)^a$", "^a\\$"):
        kept = {"type": "string", "pattern": pattern, "minLength": 1, "maxLength": 20}
        assert trim(kept) == kept, pattern
    # the same strings pass and fail, under the trimmed and the declared schema
    for text in ("", "t", "t1", "t" + "1" * 18, "t" + "1" * 19, "x1", "t1\n"):
        assert Draft202012Validator(trim(ID)).is_valid(text) is Draft202012Validator(ID).is_valid(
            text
        ), text


def test_a_description_that_repeats_the_name_is_left_out() -> None:
    schema = {
        "type": "object",
        "properties": {
            "limit": {"type": "integer", "description": "Limit."},
            "task_id": {"type": "string", "description": "Task ID"},
            "query": {"type": "string", "description": "Words to look for."},
        },
    }
    props = trim(schema)["properties"]  # type: ignore[index]
    assert props["limit"] == {"type": "integer"}
    assert props["task_id"] == {"type": "string"}
    assert props["query"]["description"] == "Words to look for."
    # data is data: an enum or default value is never trimmed
    data = {"enum": [{"description": "x", "pattern": "^a$", "maxLength": 9}]}
    assert trim(data) == data


def test_union_requires_operation_once_at_the_root() -> None:
    union, _ = resolve(catalog(task_tool()), profile(dialect="union"))
    assert union is not None
    schema = union.exposed[0].definition["inputSchema"]
    assert schema["required"] == ["operation"]
    assert all("operation" not in b.get("required", []) for b in schema["oneOf"])
    check = Draft202012Validator(schema)
    assert not check.is_valid({"task_id": "t1"})  # no operation: refused as before
    assert not check.is_valid({"operation": "get"})  # the branch's own requirement
    assert check.is_valid({"operation": "get", "task_id": "t1"})


def test_a_result_another_result_already_accepts_is_not_repeated() -> None:
    record = {"type": "object", "properties": {"id": S}, "required": ["id"]}
    both: dict[str, Any] = {
        "type": "object",
        "properties": {"task": record, "task_id": S},
        "required": ["task_id", "task"],
    }
    task = {"type": "object", "properties": {"task": record}, "required": ["task"]}
    gone = {"type": "object", "properties": {"deleted": {"type": "boolean"}}}
    t = master(
        "m",
        op("m", "add", returns=both),
        op("m", "get", returns=task),
        op("m", "del", returns=gone),
    )
    out = output_schema(t.operations)
    assert out is not None
    assert out["anyOf"] == [
        {"properties": {"task": record}, "required": ["task"]},
        {"properties": {"deleted": {"type": "boolean"}}},
    ]
    check, full = Draft202012Validator(out), [Draft202012Validator(s) for s in (both, task, gone)]
    for result in ({"task": {"id": "1"}, "task_id": "1"}, {"task": {}}, {"deleted": 1}, {}):
        assert check.is_valid(result) is any(v.is_valid(result) for v in full), result


def test_output_schema_false_lists_no_output_schema() -> None:
    returns = {"type": "object", "properties": {"id": S}, "required": ["id"]}
    t = master("m", op("m", "add", (param("title", S, True),), returns=returns))
    assert tool_entry(t, "m", profile(), {})["outputSchema"] == returns
    assert "outputSchema" not in tool_entry(t, "m", profile(output_schema=False), {})
