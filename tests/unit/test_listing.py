"""listing, schema_share, tokens: what a compact tools/list entry says (IR built by hand)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from jsonschema import Draft202012Validator

from tests.unit.ir_samples import catalog, master, op, param, profile, task_tool
from toolc.generator.guide import operation_guide, says_more
from toolc.generator.ir import LegacyName, Span
from toolc.generator.listing import hints, legacy_entry, tool_entry
from toolc.generator.resolve import resolve
from toolc.generator.schema_share import share
from toolc.generator.tokens import TokenCache, count_tokens, digest

S = {"type": "string"}


def _same(ops: int = 3, *, required: tuple[str, ...] = ()) -> Any:
    """A master tool whose operations all take the same parameters (the referee's shape)."""
    names = ("query", "mode", "limit")
    return master(
        "m",
        *(op("m", f"op{i}", tuple(param(n, S, n in required) for n in names)) for i in range(ops)),
    )


def test_hints_state_only_what_differs_from_mcp_defaults() -> None:
    read = op("m", "get", effect="read", idempotent=True)
    write = op("m", "add", effect="write", idempotent=False)
    idem = op("m", "set", effect="write", idempotent=True)
    gone = op("m", "delete", effect="destructive")
    assert hints((read,)) == {"readOnlyHint": True}
    assert hints((read, write)) == {"destructiveHint": False}
    assert hints((idem,)) == {"destructiveHint": False, "idempotentHint": True}
    assert hints((write, gone)) == {}  # destructive, not idempotent: every hint is the default


def test_compact_guide_lists_whole_set_operations_by_name_only() -> None:
    assert operation_guide(_same(), "compact") == ""  # nothing the enum does not say
    guide = operation_guide(_same(required=("query",)), "compact")
    assert guide == (
        "Operations (* required; ... the others):\n"
        "- op0(query*, ...)\n- op1(query*, ...)\n- op2(query*, ...)"
    )
    full = operation_guide(_same(), "full")
    assert "- op0(query, mode, limit)" in full
    assert operation_guide(_same(), "names") == ""


def test_compact_guide_states_differing_parameters_and_telling_descriptions() -> None:
    t = master(
        "bmad_task",
        op("bmad_task", "get", (param("task_id", S, True),), description="One task by id."),
        op("bmad_task", "purge", (), description="Delete every done task for good."),
        op("bmad_task", "list", (param("task_id", S), param("tag", S))),
    )
    assert operation_guide(t, "compact") == (
        "Operations (* required):\n"
        "- get(task_id*)\n"  # "One task by id." says nothing the line does not
        "- purge(): Delete every done task for good."
    )  # "list" takes every parameter, none required: the schema says it all, no line
    plural = replace(t.operations[2], description="List the tasks.")
    assert says_more(plural, t) is False  # "tasks" is the tool's "task"
    possessive = replace(t.operations[2], description="Check a task's progress.")
    assert says_more(possessive, t) is True  # "check", "progress": more than the names


def test_strict_schema_closes_flat_and_union_schemas() -> None:
    flat, _ = resolve(catalog(task_tool()), profile(strict_schema=True))
    union, _ = resolve(catalog(task_tool()), profile(dialect="union", strict_schema=True))
    assert flat is not None and union is not None
    assert flat.exposed[0].definition["inputSchema"]["additionalProperties"] is False
    schema = union.exposed[0].definition["inputSchema"]
    assert schema["unevaluatedProperties"] is False
    check = Draft202012Validator(schema)
    assert check.is_valid({"operation": "get", "task_id": "t1"})
    assert not check.is_valid({"operation": "get", "task_id": "t1", "title": "x"})
    loose, _ = resolve(catalog(task_tool()), profile(dialect="union"))
    assert loose is not None
    assert Draft202012Validator(loose.exposed[0].definition["inputSchema"]).is_valid(
        {"operation": "get", "task_id": "t1", "title": "x"}
    )


def test_legacy_alias_output_schema_only_when_describe_full() -> None:
    returns = {"type": "object", "properties": {"id": S}, "required": ["id"]}
    t = master("m", op("m", "add", (param("title", S, True),), returns=returns))
    old = LegacyName(name="m_add", span=Span("tools.yaml", 1, 1))
    compact = legacy_entry(t, "m", t.operations[0], old, profile(), {})
    full = legacy_entry(t, "m", t.operations[0], old, profile(describe="full"), {})
    assert "outputSchema" not in compact
    assert compact["description"] == 'Deprecated: use "m" operation "add" instead (same result).'
    assert full["outputSchema"] == returns
    assert tool_entry(t, "m", profile(), {})["outputSchema"] == returns


def test_share_writes_repeated_records_once_and_validates_the_same() -> None:
    record = {
        "type": "object",
        "required": ["task_id", "title"],
        "properties": {"task_id": S, "title": S, "tags": {"type": "array", "items": S}},
    }
    schema = {
        "type": "object",
        "anyOf": [
            {"properties": {"task": record}, "required": ["task"]},
            {"properties": {"tasks": {"type": "array", "items": record}}, "required": ["tasks"]},
            {"properties": {"enum_data": {"enum": [record, 1]}}, "required": ["enum_data"]},
        ],
    }
    shared = share(schema)
    assert shared["$defs"] == {"task": record}
    text = json.dumps(shared)
    # the def once, the enum's data untouched (a value, not a schema)
    assert text.count('"#/$defs/task"') == 2 and text.count('"task_id"') == 4
    assert len(json.dumps(shared, separators=(",", ":"))) < len(
        json.dumps(schema, separators=(",", ":"))
    )
    good = {"task": {"task_id": "t1", "title": "x"}}
    bad = {"tasks": [{"task_id": "t1"}]}
    for instance, valid in ((good, True), (bad, False), ({"tasks": []}, True)):
        assert Draft202012Validator(shared).is_valid(instance) is valid
        assert Draft202012Validator(schema).is_valid(instance) is valid
    assert share(shared) == shared  # nothing repeats any more
    assert share({"type": "object", "properties": {"a": S, "b": S}}) == {
        "type": "object",
        "properties": {"a": S, "b": S},
    }  # too small to be worth a reference


def test_tokens_are_counted_locally_and_reused_by_digest() -> None:
    text = '{"tools":[{"name":"bmad_task","description":"Create, read and search tasks."}]}'
    n = count_tokens(text)
    assert 10 < n < len(text)
    cache = TokenCache({digest(text): 7})  # a count the tokenizer would not give: reuse shows
    assert cache(text) == 7 and cache("other text") == count_tokens("other text")
    assert cache.used == {digest(text): 7, digest("other text"): count_tokens("other text")}


def test_additional_params_allow_stays_open_under_strict_schema() -> None:
    """An operation that accepts undeclared arguments is listed open, even to a strict client;
    a union's other branches then close one by one (a root unevaluatedProperties would not)."""
    t = task_tool()
    first = replace(t.operations[0], additional_params=True)
    t = replace(t, operations=(first, *t.operations[1:]))
    flat, _ = resolve(catalog(t), profile(strict_schema=True))
    union, _ = resolve(catalog(t), profile(dialect="union", strict_schema=True))
    assert flat is not None and union is not None
    assert "additionalProperties" not in flat.exposed[0].definition["inputSchema"]
    schema = union.exposed[0].definition["inputSchema"]
    assert "unevaluatedProperties" not in schema
    check = Draft202012Validator(schema)
    assert check.is_valid({"operation": first.name, "title": "x", "extra": 1})
    assert not check.is_valid({"operation": "get", "task_id": "t1", "title": "x"})
