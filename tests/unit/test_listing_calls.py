"""The compact listing still lets a model call correctly: the example catalog, every client.

For every operation of every example client, arguments are made from the operation's own
declared schemas: valid ones (required only; every parameter), and invalid ones (each required
parameter missing; each parameter of a wrong type; a parameter of another operation). The real
runtime validation (the generated Input model, toolc.runtime.validation) says which it refuses;
a strict validator built from the client's tools/list alone (jsonschema on the inputSchema plus
what the operation guide in the description says) must agree on every case. So whatever the
runtime enforces, the listing states, in the schema or in the guide.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from toolc.generator import build
from toolc.generator.ir import ClientBuild, Operation, Tool
from toolc.generator.listing import legacy_entry, tool_entry
from toolc.generator.param_keys import renamed_tool
from toolc.runtime.validation import InvalidArguments, validate

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ("t1", "p1", "d1", "w1", "h1", "origin", "main", "game-dev", "E", "x")
GUIDE_LINE = re.compile(r"^- ([A-Za-z0-9_.-]+)(?:\(([^)]*)\))?(?::|$)")


def _valid(schema: dict[str, Any]) -> Any:
    """A value the schema accepts (the declared, per-operation schema)."""
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return _valid(schema["anyOf"][0])
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        return [_valid(schema["items"])] if "items" in schema else []
    if kind == "object":
        return {}
    if "pattern" in schema:
        return next(s for s in SAMPLES if re.search(schema["pattern"], s))
    return "x" * max(1, int(schema.get("minLength", 1)))


def _wrong(schema: dict[str, Any]) -> Any:
    """A value of a JSON type the schema does not allow."""
    kind = schema.get("type")
    return "not-a-number" if kind in ("integer", "number", "boolean", "array") else 12345


@dataclass(frozen=True)
class Case:
    label: str
    args: dict[str, Any]


def _cases(tool: Tool, op: Operation) -> list[Case]:
    params = {p.name: p.schema for p in op.params}
    required = {p: _valid(params[p]) for p in op.required}
    cases = [Case("required only", required)]
    cases.append(Case("every parameter", {p: _valid(s) for p, s in params.items()}))
    cases += [
        Case(f"missing {r}", {k: v for k, v in required.items() if k != r}) for r in op.required
    ]
    cases += [
        Case(f"{p} of a wrong type", {**required, p: _wrong(s)})
        for p, s in params.items()
        if "type" in s
    ]
    others = {p.name: p.schema for o in tool.operations for p in o.params} - params.keys()
    for other in sorted(others)[:1]:
        schema = next(p.schema for o in tool.operations for p in o.params if p.name == other)
        cases.append(Case(f"{other} of another operation", {**required, other: _valid(schema)}))
    return cases


def _runtime_accepts(tool: Tool, op: Operation, args: dict[str, Any]) -> bool:
    module = importlib.import_module(f"generated.models.{tool.module}")
    try:
        validate(getattr(module, op.input_model), args, f'tool "{tool.name}"')
    except InvalidArguments:
        return False
    return True


def _guide(description: str) -> dict[str, tuple[set[str] | None, set[str]]]:
    """operation -> (parameters it takes, None for all; required ones), from the guide lines."""
    out: dict[str, tuple[set[str] | None, set[str]]] = {}
    for line in description.splitlines():
        m = GUIDE_LINE.match(line)
        if m is None:
            continue
        names = [n.strip() for n in (m.group(2) or "").split(",") if n.strip()]
        required = {n[:-1] for n in names if n.endswith("*")}
        takes = None if m.group(2) is None or "..." in names else {n.rstrip("*") for n in names}
        out[m.group(1)] = (takes, required)
    return out


def _listing_accepts(entry: dict[str, Any], args: dict[str, Any]) -> bool:
    if any(Draft202012Validator(entry["inputSchema"]).iter_errors(args)):
        return False
    guide = _guide(entry.get("description", ""))
    op = args.get("operation")
    if op not in guide:
        return True
    takes, required = guide[op]
    given = set(args) - {"operation"}
    return required <= given and (takes is None or given <= takes)


@dataclass(frozen=True)
class Entry:
    client: str
    listed: dict[str, Any]
    tool: Tool
    op: Operation
    old_names: dict[str, str]  # legacy alias: new argument name -> the alias' name for it
    strict: bool  # the client's strict_schema

    @property
    def alias(self) -> bool:
        return self.op.name != self.tool.name and "operation" not in json.dumps(
            self.listed["inputSchema"]
        )


def _entries(builds: tuple[ClientBuild, ...], *, strict: bool = False) -> list[Entry]:
    """Every (listed entry, operation) pair; `strict`: as if each client set strict_schema.

    As listed: the build's own entry (a split half lists only its operations, a param_rule
    client its own keys); under `strict`, the entry rebuilt with strict_schema."""
    out: list[Entry] = []
    for b in builds:
        profile = replace(b.profile, strict_schema=True) if strict else b.profile
        tools = {t.name: t for t in b.tools}
        for e in b.exposed:
            tool = tools[e.tool]
            keys = {declared: shown for shown, declared in e.param_keys}
            if e.legacy is not None and e.operation is not None:
                op = next(o for o in tool.operations if o.name == e.operation)
                listed = e.definition
                if strict:
                    listed = legacy_entry(tool, e.name, op, e.legacy, profile, {}, keys)
                old = {new: keys.get(old, old) for old, new in e.legacy.rename}
                old |= {k: v for k, v in keys.items() if k not in old}
                out.append(Entry(profile.name, listed, tool, op, old, profile.strict_schema))
                continue
            # the tool under its visible name, a split half, or a tool alias (its entry, renamed)
            ops = tuple(o for o in tool.operations if not e.operations or o.name in e.operations)
            part = replace(tool, operations=ops)
            listed = e.definition
            if strict:
                listed = tool_entry(renamed_tool(part, keys), e.name, profile, {})
            out += [
                Entry(profile.name, listed, part, op, keys, profile.strict_schema) for op in ops
            ]
    return out


@pytest.fixture(scope="module")
def builds() -> tuple[ClientBuild, ...]:
    result = build(ROOT, check=True)
    assert result.ok and not result.stale
    return result.builds


def _disagreements(entries: list[Entry]) -> tuple[list[str], int, int]:
    """(cases where listing and runtime disagree, cases checked, cases the runtime refused)."""
    out: list[str] = []
    checked = refused = 0
    for e in entries:
        for case in _cases(e.tool, e.op):
            # another operation's parameter: without additionalProperties (strict_schema) the
            # schema cannot refuse it; the flat guide says it for a master tool: checked there
            guided = not e.alias and "oneOf" not in e.listed["inputSchema"]
            if case.label.endswith("another operation") and not e.strict and not guided:
                continue
            listed_args = {e.old_names.get(k, k): v for k, v in case.args.items()}
            if e.tool.kind == "master" and not e.alias:
                listed_args["operation"] = e.op.name
            runtime = _runtime_accepts(e.tool, e.op, case.args)
            listing = _listing_accepts(e.listed, listed_args)
            checked += 1
            refused += not runtime
            if runtime != listing:
                out.append(
                    f"{e.client} {e.listed['name']} {e.op.name} {case.label}: runtime "
                    f"{'accepts' if runtime else 'refuses'}, listing "
                    f"{'accepts' if listing else 'refuses'}"
                )
    return out, checked, refused


def test_every_operation_of_every_client_is_covered(builds: tuple[ClientBuild, ...]) -> None:
    entries = _entries(builds)
    assert {e.client for e in entries} == {b.profile.name for b in builds}
    assert len(builds) >= 5  # claude-code (split, param_rule), cursor, mobile, reviewer, windsurf
    for b in builds:  # every operation of every selected tool, in every client
        ops = {(e.tool.name, e.op.name) for e in entries if e.client == b.profile.name}
        assert ops == {(t.name, o.name) for t in b.tools for o in t.operations}
    # the generated listings are the ones checked here
    for b in builds:
        assert [e.definition for e in b.exposed] == json.loads(
            (ROOT / "generated/clients" / b.profile.name / "tools_list.json").read_text()
        )["tools"]


def test_listing_alone_refuses_what_the_runtime_refuses(builds: tuple[ClientBuild, ...]) -> None:
    """Missing required parameters and wrong types, per operation, in every client as it is."""
    disagreements, checked, refused = _disagreements(_entries(builds))
    assert disagreements == []
    assert checked > 1000 and refused > 500  # the invalid cases are real refusals


def test_strict_schema_also_refuses_other_operations_parameters(
    builds: tuple[ClientBuild, ...],
) -> None:
    """With strict_schema, union branches and legacy aliases refuse unknown arguments too."""
    disagreements, checked, _ = _disagreements(_entries(builds, strict=True))
    assert disagreements == []
    assert checked > 1000
