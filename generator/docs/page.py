"""One client's reference page as plain data: what its `tools/list` shows, and how old names map.

Built from the resolved `ClientBuild` (its listed entries, in listing order, with the exact
`tools/list` definitions) and the IR (operations, parameters, legacy names, renames, fixed `set`
arguments, sunsets). The Markdown and HTML renderers only print this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..ir import Catalog, ClientBuild, ExposedTool, JsonSchema, JsonValue, Operation, Tool
from ..schema_refs import reachable
from .examples import client_call, example_args
from .schema_text import TypeText, constraints, default_of, description_of, properties_of, type_of


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamRow:
    name: str  # the key this client sends
    type: TypeText
    required: bool
    default: str | None
    constraints: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationDoc:
    name: str | None  # None for a plain tool or a listed legacy name (no `operation` argument)
    anchor: str
    description: str
    effect: str  # "read-only", "writes", "destructive"; plus ", idempotent"
    params: tuple[ParamRow, ...]
    example: JsonValue | None  # the tools/call params: {"name": ..., "arguments": {...}}
    fixed: tuple[tuple[str, str], ...] = ()  # (parameter, JSON value) a legacy name sets


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolDoc:
    name: str  # as listed to this client
    anchor: str
    kind: str  # what the entry is, in words
    title: str | None
    description: str
    annotations: tuple[str, ...]
    operations: tuple[OperationDoc, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DefDoc:
    name: str
    anchor: str
    type: TypeText
    description: str
    constraints: tuple[str, ...]
    properties: tuple[ParamRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyRow:
    name: str
    tool: str  # the listed name that answers it now
    operation: str | None
    renames: tuple[tuple[str, str], ...]  # (old argument, new argument)
    fixed: tuple[tuple[str, str], ...]  # (parameter, JSON value)
    sunset: str | None
    status: str  # "listed", "accepted", "refused"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    client: str
    server: str
    server_title: str | None
    version: str
    facts: tuple[tuple[str, str], ...]  # (label, value) of the client's limits and settings
    footprint: tuple[tuple[str, str], ...]
    tools: tuple[ToolDoc, ...]
    defs: tuple[DefDoc, ...]
    legacy_mode: str
    legacy: tuple[LegacyRow, ...]


def anchor(kind: str, *names: str) -> str:
    """A stable HTML id: the kind, then each name with characters outside [A-Za-z0-9_.-] as -."""
    parts = [
        "".join(c if c.isascii() and (c.isalnum() or c in "_.-") else "-" for c in n) for n in names
    ]
    return "-".join([kind, *parts])


Examples = dict[tuple[str, str], JsonValue]  # (tool, operation) -> example arguments or None


def examples(catalog: Catalog) -> Examples:
    """Each operation's example arguments, computed once for every page of the catalog."""
    defs = {d.name: d.schema for d in catalog.defs}
    return {
        (op.tool, op.name): example_args(op, defs) for t in catalog.tools for op in t.operations
    }


def page(catalog: Catalog, build: ClientBuild, known: Examples | None = None) -> Page:
    profile = build.profile
    args = known if known is not None else examples(catalog)
    tools = {t.name: t for t in build.tools}
    docs = tuple(_tool_doc(e, tools[e.tool], args) for e in build.exposed if e.tool in tools)
    defs = {d.name: d.schema for d in catalog.defs}
    shown_ops = [op for t in build.tools for op in t.operations]
    used = reachable([p.schema for op in shown_ops for p in op.params], defs)
    return Page(
        client=profile.name,
        server=catalog.server.name,
        server_title=catalog.server.title,
        version=catalog.server.version,
        facts=_facts(catalog, build),
        footprint=_footprint(build),
        tools=docs,
        defs=tuple(_def_doc(name, defs[name]) for name in used),
        legacy_mode=profile.legacy,
        legacy=_legacy_rows(build),
    )


def _facts(catalog: Catalog, build: ClientBuild) -> tuple[tuple[str, str], ...]:
    p = build.profile
    rule = p.name_rule
    prefix = rule.prefix.replace("{server}", catalog.server.name)
    facts = [
        ("dialect", p.dialect),
        ("legacy names", p.legacy),
        ("max tools", str(p.max_tools) if p.max_tools is not None else "no limit"),
        (
            "max tools/list bytes",
            str(p.max_list_bytes) if p.max_list_bytes is not None else "no limit",
        ),
        ("tool names", f"prefix {prefix!r}, at most {rule.max_length} characters, {rule.pattern}"),
    ]
    if p.param_rule is not None and p.param_rule.pattern:
        facts.append(("parameter keys", p.param_rule.pattern))
    if getattr(p, "read_only", False):
        facts.append(("read only", "yes: only read operations are listed and answered"))
    split = getattr(p, "split", "none")
    if split != "none":
        facts.append(("split", str(split)))
    return tuple(facts)


def _footprint(build: ClientBuild) -> tuple[tuple[str, str], ...]:
    """What resolve measured for the tools/list (the figures `toolc generate` prints)."""
    return (
        ("tools listed", str(len(build.exposed))),
        ("counted toward max tools", str(build.count)),
        ("tools/list bytes", str(build.list_bytes)),
        ("tools/list tokens (o200k)", str(build.list_tokens)),
    )


def _annotations(definition: Mapping[str, Any]) -> tuple[str, ...]:
    hints = definition.get("annotations") or {}
    out = []
    if hints.get("readOnlyHint") is True:
        out.append("read-only")
    elif hints.get("destructiveHint") is True:
        out.append("destructive")
    else:
        out.append("writes, not destructive")
    if hints.get("idempotentHint") is True:
        out.append("idempotent")
    if hints.get("openWorldHint") is False:
        out.append("closed world")
    elif hints.get("openWorldHint") is True:
        out.append("open world")
    return tuple(out)


def _kind(entry: ExposedTool, tool: Tool) -> str:
    if entry.legacy is not None and entry.operation is not None:
        op = f' operation "{entry.operation}"' if tool.kind == "master" else ""
        return f'legacy name of "{tool.name}"{op}'
    if entry.legacy is not None:
        return f'old name of "{tool.name}"'
    if entry.operations:
        return f'part of "{tool.name}": {", ".join(entry.operations)}'
    return "master tool" if tool.kind == "master" else "tool"


def _operations(entry: ExposedTool, tool: Tool) -> tuple[Operation, ...]:
    if entry.operation is not None:
        return tuple(op for op in tool.operations if op.name == entry.operation)
    if entry.operations:
        return tuple(op for op in tool.operations if op.name in entry.operations)
    return tool.operations


def _tool_doc(entry: ExposedTool, tool: Tool, args: Examples) -> ToolDoc:
    definition: Mapping[str, Any] = entry.definition if isinstance(entry.definition, dict) else {}
    ops = tuple(
        _op_doc(entry, tool, op, args.get((op.tool, op.name))) for op in _operations(entry, tool)
    )
    return ToolDoc(
        name=entry.name,
        anchor=anchor("tool", entry.name),
        kind=_kind(entry, tool),
        title=definition.get("title"),
        description=str(definition.get("description") or ""),
        annotations=_annotations(definition),
        operations=ops,
    )


def _op_doc(entry: ExposedTool, tool: Tool, op: Operation, args: JsonValue) -> OperationDoc:
    master = tool.kind == "master"
    legacy = entry.legacy if entry.operation is not None else None
    to_client = {declared: shown for shown, declared in entry.param_keys}
    old = {new: o for o, new in legacy.rename} if legacy is not None else {}
    fixed = dict(legacy.fixed) if legacy is not None else {}
    rows = []
    for p in op.params:
        if p.name in fixed:
            continue
        key = old.get(p.name, p.name)
        rows.append(
            ParamRow(
                name=to_client.get(key, key),
                type=type_of(p.schema),
                required=p.required,
                default=default_of(p.schema),
                constraints=constraints(p.schema),
                description=description_of(p.schema),
            )
        )
    example = client_call(entry, op, args, master=master) if isinstance(args, dict) else None
    effect = {"read": "read-only", "write": "writes", "destructive": "destructive"}[op.effect]
    if op.idempotent:
        effect += ", idempotent"
    named = master and legacy is None
    return OperationDoc(
        name=op.name if named else None,
        anchor=anchor("op", entry.name, op.name),
        description=op.description or "",
        effect=effect,
        params=tuple(rows),
        example=example,
        fixed=tuple((k, _json(v)) for k, v in fixed.items()),
    )


def _json(value: JsonValue) -> str:
    from .schema_text import value_text

    return value_text(value)


def _def_doc(name: str, schema: JsonSchema) -> DefDoc:
    rows = tuple(
        ParamRow(
            name=n,
            type=type_of(s),
            required=req,
            default=default_of(s),
            constraints=constraints(s),
            description=description_of(s),
        )
        for n, s, req in properties_of(schema)
    )
    own = tuple(c for c in constraints(schema) if not c.startswith("properties "))
    return DefDoc(
        name=name,
        anchor=anchor("def", name),
        type=type_of(schema),
        description=description_of(schema),
        constraints=own,
        properties=rows,
    )


def _legacy_rows(build: ClientBuild) -> tuple[LegacyRow, ...]:
    profile = build.profile
    holder: dict[tuple[str, str], str] = {}  # (tool, operation) -> listed name that answers it
    visible: dict[str, str] = {}
    for e in build.exposed:
        if e.legacy is None:
            visible.setdefault(e.tool, e.name)
            tool = next(t for t in build.tools if t.name == e.tool)
            for op in _operations(e, tool):
                holder.setdefault((e.tool, op.name), e.name)
    flat = {"list": "listed", "accept": "accepted", "refuse": "refused"}[profile.legacy]
    rows: list[LegacyRow] = []
    for tool in build.tools:
        name = visible.get(tool.name, tool.name)
        for alias in tool.aliases:
            rows.append(
                LegacyRow(
                    name=alias.name,
                    tool=name,
                    operation=None,
                    renames=(),
                    fixed=(),
                    sunset=alias.sunset,
                    status="listed" if profile.legacy == "list" else "accepted",
                )
            )
        for op in tool.operations:
            for old in op.legacy:
                rows.append(
                    LegacyRow(
                        name=old.name,
                        tool=holder.get((tool.name, op.name), name),
                        operation=op.name if tool.kind == "master" else None,
                        renames=old.rename,
                        fixed=tuple((k, _json(v)) for k, v in old.fixed),
                        sunset=old.sunset,
                        status=flat,
                    )
                )
    return tuple(rows)
