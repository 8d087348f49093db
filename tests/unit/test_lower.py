"""Stage 3, IR: defaults, derived names, handler facts and spans from real YAML; and the
front end's golden error cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_validate import CLIENT, catalog, project
from toolc.generator.diagnostics import render_text
from toolc.generator.ir import Catalog, ClientProfile, Span
from toolc.generator.lower import lower
from toolc.generator.source import load
from toolc.generator.validate import validate

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def build(
    tmp_path: Path, text: str | None = None, handler: str | None = None
) -> tuple[Catalog, tuple[ClientProfile, ...]]:
    """Load, validate and lower; the example client only goes with the example catalog."""
    root, module = project(tmp_path, {} if text else {"clients/mobile.yaml": CLIENT})
    if handler is not None:
        (root / f"{module}.py").write_text(handler, encoding="utf-8")
    (root / "tools.yaml").write_text(
        (text or catalog(module)).replace("MOD", module), encoding="utf-8"
    )
    sources, diags = load(root)
    diags += validate(sources)
    assert render_text(diags) == ""
    result, lowered = lower(sources)
    assert lowered == ()
    assert result is not None
    return result


def test_example_catalog_lowers_with_defaults_and_names(tmp_path: Path) -> None:
    cat, profiles = build(tmp_path)
    assert cat.server.name == "bmad" and cat.server.version == "2.0.0"
    assert cat.server.span == Span("tools.yaml", 2, 9)
    assert [(p.name, p.ttl, p.max_entries) for p in cat.cache_policies] == [("short", 60.0, 1024)]
    assert cat.breaker_policies[0].reset_timeout == 30.0
    assert cat.defaults.breaker == "standard" and cat.defaults.max_concurrency == 32
    assert [t.name for t in cat.tools] == ["bmad_task", "memory_search"]
    assert len(cat.source_hash) == 64

    task = cat.tools[0]
    assert (task.kind, task.module, task.tags, task.max_concurrency) == (
        "master",
        "bmad_task",
        ("core",),
        32,
    )
    assert task.span == Span("tools.yaml", 8, 3)
    add, get = task.operations
    assert [p.name for p in add.params] == ["title", "priority"]
    assert [p.required for p in add.params] == [True, False]
    assert add.params[0].span == Span("tools.yaml", 16, 11)
    assert add.required == ("title",)
    assert (add.input_model, add.output_model, add.py_name) == (
        "BmadTaskAddInput",
        "BmadTaskAddOutput",
        "add",
    )
    assert (add.effect, add.cache, add.breaker, add.timeout) == ("write", None, "standard", 30.0)
    assert add.invalidates == ("get",)
    assert add.handler_function == "add" and add.handler_module.startswith("h_")
    assert add.handler_is_async is True and add.handler_takes_context is False
    assert get.handler_is_async is False and get.handler_takes_context is True
    assert get.output_model is None and get.cache == "short"
    assert [(x.name, x.rename, x.sunset) for x in get.legacy] == [
        ("get_task", (("id", "task_id"),), "2027-06-30")
    ]
    assert get.legacy[0].span == Span("tools.yaml", 27, 18)

    plain = cat.tools[1]
    (op,) = plain.operations
    assert plain.kind == "plain"
    assert (op.name, op.tool, op.input_model, op.py_name, op.handler_function) == (
        "memory_search",
        "memory_search",
        "MemorySearchInput",
        "memory_search",
        "search",
    )
    assert op.effect == "read" and op.idempotent is False

    (mobile,) = profiles
    assert (mobile.name, mobile.path, mobile.max_tools, mobile.max_list_bytes) == (
        "mobile",
        "clients/mobile.yaml",
        30,
        20000,
    )
    assert mobile.select_tools == ("bmad_task", "memory_search") and mobile.select_tags is None
    assert mobile.name_rule.prefix == "mcp__bmad__" and mobile.name_rule.max_length == 64
    assert mobile.rename == (("memory_search", "mem_search"),)
    assert mobile.span == Span("clients/mobile.yaml", 2, 9)
    assert mobile.max_tools_span == Span("clients/mobile.yaml", 3, 12)
    assert mobile.selects(task) and mobile.selects(plain)


CASCADE = """\
version: 1
server: {name: s, version: "1"}
policies:
  breaker: {b: {}}
defaults: {breaker: b, max_concurrency: 8}
tools:
  kv:
    handler: MOD
    timeout: 5
    max_concurrency: 2
    operations:
      add: {timeout: 1.5, breaker: null, max_concurrency: 1, effect: write, params: {title: {}}}
      get: {idempotent: true, params: {task_id: {}}}
  search_it:
    handler: MOD
    params: {query: {}}
    required: [query]
"""


def test_defaults_cascade_and_plain_module_handler(tmp_path: Path) -> None:
    handler = "def add(title): ...\ndef get(task_id): ...\nasync def search_it(query, ctx): ...\n"
    cat, profiles = build(tmp_path, CASCADE, handler)
    assert profiles == ()
    kv, search = cat.tools
    add, get = kv.operations
    assert (add.timeout, add.breaker, add.max_concurrency) == (1.5, None, 1)
    assert (get.timeout, get.breaker, get.max_concurrency, get.idempotent) == (5.0, "b", None, True)
    assert get.effect == "write"  # the schema's default
    assert kv.max_concurrency == 2 and cat.defaults.max_concurrency == 8
    assert cat.defaults.timeout == 30.0
    (op,) = search.operations
    assert (op.timeout, op.handler_function, op.handler_is_async, op.handler_takes_context) == (
        30.0,
        "search_it",
        True,
        True,
    )
    assert search.max_concurrency == 8
    assert cat.breaker_policies[0].failure_threshold == 5


def test_lower_without_catalog_reports_instead_of_raising(tmp_path: Path) -> None:
    sources, _ = load(tmp_path)
    result, diags = lower(sources)
    assert result is None
    assert [d.code for d in diags] == ["E006"]


def test_soft_keywords_are_identifiers_and_hard_keywords_are_not() -> None:
    from toolc.generator.ir import module_ident, to_py_ident

    assert to_py_ident("match") == "match"
    assert module_ident("class") == "class_"
    with pytest.raises(ValueError):
        to_py_ident("class")


def test_invalidates_split_into_same_tool_and_other_tools_in_declaration_order() -> None:
    from toolc.generator.lower import split_invalidates

    ops = {"task": ("add", "get", "list"), "plan": ("get", "list", "create")}
    entries = ["get", {"tool": "plan", "operations": ["list"]}, {"tool": "task"}, "get"]
    assert split_invalidates("task", entries, ops) == (
        ("get", "add", "list"),
        (("plan", ("list",)),),
    )
    entries = [{"tool": "plan"}, "list", {"tool": "task", "operations": ["get"]}]
    assert split_invalidates("plan", entries, ops) == (
        ("get", "list", "create"),
        (("task", ("get",)),),
    )
