"""resolve: selection, renames, dialects, counts, limits (IR built by hand)."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from tests.unit.ir_samples import catalog, master, op, param, plain, profile, task_tool
from toolc.generator.diagnostics import render_text
from toolc.generator.ir import NameRule
from toolc.generator.resolve import list_payload, resolve


def _memory() -> object:
    return plain(
        "memory_search",
        op("memory_search", "memory_search", (param("query", required=True),), plain=True),
        tags=("platform",),
    )


def test_selection_by_tools_and_tags_then_exclude_in_declaration_order() -> None:
    cat = catalog(
        master("a", op("a", "x"), tags=("core",)),
        master("b", op("b", "x")),
        master("c", op("c", "x"), tags=("core", "beta")),
    )
    build, diags = resolve(
        cat, profile(select_tools=("b",), select_tags=("core",), exclude_tags=("beta",))
    )
    assert build is not None and not diags
    assert [t.name for t in build.tools] == ["a", "b"]


def test_rename_changes_visible_name_only() -> None:
    cat = catalog(task_tool())
    build, _ = resolve(cat, profile(rename=(("bmad_task", "tasks"),)))
    assert build is not None
    assert [e.name for e in build.exposed] == ["tasks"]
    assert build.exposed[0].tool == "bmad_task"


def test_flat_entry_shape_annotations_and_output_schema() -> None:
    build, _ = resolve(catalog(task_tool()), profile())
    assert build is not None
    entry = build.exposed[0].definition
    schema = entry["inputSchema"]
    assert schema["required"] == ["operation"]
    assert schema["properties"]["operation"] == {"type": "string", "enum": ["add", "get"]}
    assert set(schema["properties"]) == {"operation", "title", "priority", "task_id"}
    assert "additionalProperties" not in schema  # strict_schema is off by default
    # compact guide: "add" says nothing its name and parameters do not, "get" takes one
    assert entry["description"].endswith(
        "Operations (* required):\n- add(title*, priority)\n- get(task_id*)"
    )
    # only "add" declares returns -> no outputSchema for the master tool
    assert "outputSchema" not in entry
    # a write that destroys nothing: only the hint that differs from MCP's defaults
    assert entry["annotations"] == {"destructiveHint": False}
    Draft202012Validator.check_schema(schema)
    strict, _ = resolve(catalog(task_tool()), profile(strict_schema=True))
    assert strict is not None
    assert strict.exposed[0].definition["inputSchema"]["additionalProperties"] is False


def test_flat_merges_conflicting_param_schemas_with_anyof() -> None:
    t = master(
        "m",
        op("m", "a", (param("n", {"type": "integer", "description": "A."}),)),
        op("m", "b", (param("n", {"type": "integer", "description": "B."}),)),
        op("m", "c", (param("n", {"type": "string"}),)),
    )
    build, _ = resolve(catalog(t), profile())
    assert build is not None
    prop = build.exposed[0].definition["inputSchema"]["properties"]["n"]
    # structurally distinct schemas only, the first declaration's annotations kept
    assert prop == {"anyOf": [{"type": "integer", "description": "A."}, {"type": "string"}]}
    t2 = master(
        "m",
        op("m", "a", (param("n", {"type": "integer", "description": "A."}),)),
        op("m", "b", (param("n", {"type": "integer"}),)),
    )
    build2, _ = resolve(catalog(t2), profile())
    assert build2 is not None
    assert build2.exposed[0].definition["inputSchema"]["properties"]["n"] == {
        "type": "integer",
        "description": "A.",
    }


def test_union_dialect_one_branch_per_operation() -> None:
    build, _ = resolve(catalog(task_tool()), profile(dialect="union"))
    assert build is not None
    schema = build.exposed[0].definition["inputSchema"]
    assert schema["type"] == "object"
    branches = schema["oneOf"]
    assert [b["properties"]["operation"] for b in branches] == [{"const": "add"}, {"const": "get"}]
    assert schema["required"] == ["operation"]  # once, at the root: a branch's const decides
    assert branches[0]["required"] == ["title"]
    Draft202012Validator.check_schema(schema)


def test_master_output_schema_combines_returns() -> None:
    r1 = {"type": "object", "properties": {"a": {"type": "string"}}}
    r2 = {"type": "object", "properties": {"b": {"type": "string"}}}
    t = master("m", op("m", "a", returns=r1), op("m", "b", returns=r2), op("m", "c", returns=r1))
    build, _ = resolve(catalog(t), profile())
    assert build is not None
    # the outer "type": "object" holds for every branch, so the branches leave it out
    assert build.exposed[0].definition["outputSchema"] == {
        "type": "object",
        "anyOf": [{"properties": r1["properties"]}, {"properties": r2["properties"]}],
    }


def test_legacy_counts_only_when_listed_and_renames_args() -> None:
    cat = catalog(task_tool(), _memory())  # type: ignore[arg-type]
    accepted, _ = resolve(cat, profile(legacy="accept"))
    listed, _ = resolve(cat, profile(legacy="list"))
    assert accepted is not None and listed is not None
    assert accepted.count == 2
    assert listed.count == 4
    alias = next(e for e in listed.exposed if e.name == "get_task")
    assert alias.operation == "get"
    assert alias.definition["inputSchema"]["required"] == ["id"]
    assert "2027-06-30" in alias.definition["description"]


def test_list_bytes_is_compact_payload() -> None:
    build, _ = resolve(catalog(task_tool()), profile())
    assert build is not None
    assert build.list_bytes == len(list_payload(build.exposed))
    text = json.dumps(
        {"tools": [e.definition for e in build.exposed]},
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
    )
    assert build.list_bytes == len(text.encode())


def test_max_tools_error_message_and_notes() -> None:
    tools = [master(f"t{i}", op(f"t{i}", "x"), line=10 + i) for i in range(4)]
    build, diags = resolve(catalog(*tools), profile("mobile", max_tools=3))
    assert build is not None
    text = render_text(diags)
    assert text.splitlines()[0] == (
        'clients/mobile.yaml:3:12: error[E031]: client "mobile" exposes 4 tools, limit is 3 '
        "— exclude 1 tool or raise max_tools."
    )
    assert '  tools.yaml:10:1: note: tool "t0" counts 1.' in text
    assert len(text.splitlines()) <= 1 + 5 + 2  # the count, five contributors, two fixes


def test_name_rule_length_and_pattern() -> None:
    rule = NameRule(max_length=12, prefix="mcp__{server}__", pattern=r"^[a-z]+$")
    build, diags = resolve(catalog(task_tool()), profile(name_rule=rule))
    assert build is not None
    codes = [d.code for d in diags if d.is_error]
    assert codes == ["E032", "E032"]
    assert '"mcp__demo__bmad_task" (20 characters)' in diags[0].message
    assert "rename: {bmad_task: <shorter name>}" in diags[0].message


def test_max_list_bytes_and_empty_client_warning() -> None:
    _, diags = resolve(catalog(task_tool()), profile(max_list_bytes=100))
    assert [d.code for d in diags if d.is_error] == ["E033"]
    build, diags = resolve(catalog(task_tool()), profile(select_tools=()))
    assert build is not None and build.count == 0
    assert [d.code for d in diags] == ["W002"]


def test_duplicate_visible_names_are_reported() -> None:
    cat = catalog(master("a", op("a", "x")), master("b", op("b", "x")))
    _, diags = resolve(cat, profile(rename=(("b", "a"),)))
    assert [d.code for d in diags] == ["E027"]
