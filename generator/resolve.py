"""Stage 4: one client's view of the catalog.

`resolve(catalog, profile)` selects the client's tools and operations (select by tool names, tags
and `tool.operation`, then exclude, then `read_only`; declaration order), applies the client's
renames, builds the exact `tools/list` entries (flat or union dialect, `split: effect` halves,
listed legacy aliases), counts what counts toward `max_tools`, measures the compact payload, and
reports E031 (max_tools) and E033 (max_list_bytes) through `limits`, E032 (name_rule), E027 (two
names the client sees collide), W005 (merged hints misstate operations, see `split`) and W002
(nothing exposed).

The build is returned even when it breaks a limit, so the CLI can still print the client's table;
the driver stops on the diagnostics.

Flat dialect, same parameter name in several operations: when the schemas differ only in
annotations (`description`, `title`, `examples`, `$comment`), the first declaration wins; otherwise
the property becomes `{"anyOf": [<each distinct schema, declaration order>]}`, so the listed
schema accepts exactly what at least one operation accepts, and the operation's Input model
enforces the precise one at call time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .batch.listing import with_batch
from .diagnostics import Diagnostic, Note, error
from .ir import (
    Catalog,
    ClientBuild,
    ClientProfile,
    ExposedTool,
    JsonSchema,
    JsonValue,
    LegacyName,
    Operation,
    Span,
    Tool,
)
from .limits import check_limits, list_payload
from .param_keys import client_keys, renamed_tool, reverse, tool_keys
from .portable import portable
from .schema_refs import with_defs
from .split import check_hints, check_split_names, half_title, halves, hints

__all__ = ["hints", "list_payload", "resolve", "select"]

_ANNOTATION_KEYS = frozenset({"description", "title", "examples", "$comment"})


def resolve(
    catalog: Catalog, profile: ClientProfile
) -> tuple[ClientBuild | None, tuple[Diagnostic, ...]]:
    tools = select(catalog, profile)
    defs = {d.name: d.schema for d in catalog.defs}
    renames = dict(profile.rename)
    exposed: list[ExposedTool] = []
    key_diags: list[Diagnostic] = []
    for tool in tools:
        visible = renames.get(tool.name, tool.name)
        keys, found = client_keys(profile, f'tool "{tool.name}"', tool_keys(tool))
        key_diags.extend(found)
        own = _tool_entries(tool, visible, profile, defs, keys)
        exposed.extend(own)
        # a legacy alias points at the listed tool that has its operation (a split half or all)
        target = {o: e.name for e in own for o in e.operations}
        if profile.legacy == "list":
            exposed.extend(alias_entries(tool, visible, profile.dialect, defs))
            for op in tool.operations:
                for old in op.legacy:
                    where = f'legacy name "{old.name}"'
                    keys, found = client_keys(profile, where, legacy_keys(op, old))
                    key_diags.extend(found)
                    shown = target.get(op.name, visible)
                    exposed.append(
                        ExposedTool(
                            name=old.name,
                            tool=tool.name,
                            operation=op.name,
                            legacy=old,
                            definition=legacy_entry(tool, shown, op, old, defs, keys),
                            param_keys=reverse(keys),
                        )
                    )
    build = ClientBuild(
        profile=profile,
        tools=tools,
        exposed=tuple(exposed),
        count=len(exposed),
        list_bytes=len(list_payload(exposed)),
    )
    diags = [
        *_check_names(catalog, build),
        *check_split_names(catalog, build),
        *check_limits(build),
        *check_hints(tools, profile),
        *key_diags,
    ]
    if not exposed:
        diags.append(
            Diagnostic(
                profile.span,
                "W002",
                f'client "{profile.name}" exposes no tools — check its select and exclude lists.',
            )
        )
    return build, tuple(diags)


def select(catalog: Catalog, profile: ClientProfile) -> tuple[Tool, ...]:
    """The client's view of each tool it sees, declaration order: select (names, tags,
    operations), then exclude, then `read_only`. A master tool keeps only the operations the
    client sees, so its listing, its validation and its answers cover exactly those."""
    out: list[Tool] = []
    for tool in catalog.tools:
        ops = profile.operations(tool)
        if not profile.batch and tool.batch is not None:  # `batch: false` in the client
            tool = replace(tool, batch=None)
        if ops:
            out.append(tool if ops == tool.operations else replace(tool, operations=ops))
    return tuple(out)


def _tool_entries(
    tool: Tool,
    visible: str,
    profile: ClientProfile,
    defs: Mapping[str, JsonSchema],
    keys: Mapping[str, str],
) -> list[ExposedTool]:
    """The tool's own tools/list entries: the tool, or its `split: effect` halves; parameters
    are listed under this client's keys (`param_rule`)."""
    parts = halves(tool, profile)
    param_keys = reverse(keys)
    if not parts:
        entry = tool_entry(renamed_tool(tool, keys), visible, profile.dialect, defs)
        return [
            ExposedTool(
                name=visible,
                tool=tool.name,
                operation=None,
                legacy=None,
                definition=entry,
                param_keys=param_keys,
            )
        ]
    out: list[ExposedTool] = []
    for suffix, ops in parts:
        name = visible + suffix
        part = replace(tool, operations=ops, title=half_title(tool, suffix, ops))
        out.append(
            ExposedTool(
                name=name,
                tool=tool.name,
                operation=None,
                legacy=None,
                definition=tool_entry(renamed_tool(part, keys), name, profile.dialect, defs),
                operations=tuple(op.name for op in ops),
                param_keys=param_keys,
            )
        )
    return out


# --- tools/list entries -------------------------------------------------------------------


def object_schema(
    properties: dict[str, JsonValue], required: Iterable[str], *, closed: bool = True
) -> JsonSchema:
    """An object schema; `closed=False` (`additional_params: allow`) leaves other keys allowed."""
    schema: JsonSchema = {"type": "object", "properties": properties}
    req = list(required)
    if req:
        schema["required"] = req
    if closed:
        schema["additionalProperties"] = False
    return schema


def output_schema(ops: tuple[Operation, ...]) -> JsonSchema | None:
    """The entry's outputSchema: only when every operation declares `returns`."""
    if not ops or any(op.returns is None for op in ops):
        return None
    distinct = _distinct(op.returns for op in ops if op.returns is not None)
    if len(distinct) == 1:
        only: JsonSchema = distinct[0]
        return only
    return {"type": "object", "anyOf": distinct}


def _listed(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> JsonValue:
    """A schema as it goes on the wire: self-contained (schema_refs) and portable (portable)."""
    return portable(with_defs(schema, defs))


def tool_entry(tool: Tool, visible: str, dialect: str, defs: Mapping[str, JsonSchema]) -> JsonValue:
    """The tool's tools/list entry; a schema that uses `defs` carries them (schema_refs)."""
    ops = tool.operations
    entry: dict[str, JsonValue] = {"name": visible}
    if tool.title is not None:
        entry["title"] = tool.title
    if tool.kind == "plain":
        op = ops[0]
        description = tool.description or op.description
        schema = object_schema(
            {p.name: p.schema for p in op.params}, op.required, closed=not op.additional_params
        )
    elif dialect == "union":
        description = tool.description
        schema = {"type": "object", "oneOf": [_union_branch(op) for op in ops]}
    else:
        description = _flat_description(tool)
        closed = not any(op.additional_params for op in ops)
        schema = object_schema(_flat_properties(ops), ["operation"], closed=closed)
    if description:
        entry["description"] = description
    entry["inputSchema"] = _listed(schema, defs)
    out = output_schema(ops)
    if out is not None:
        entry["outputSchema"] = _listed(out, defs)
    entry["annotations"] = hints(ops)
    _extras(tool, entry)
    return with_batch(entry, tool, dialect)


def _extras(tool: Tool, entry: dict[str, JsonValue]) -> None:
    """The tool's `icons` and `meta` (as `_meta`), verbatim, on each entry it lists."""
    if tool.icons:
        entry["icons"] = list(tool.icons)
    if tool.meta is not None:
        entry["_meta"] = tool.meta


def legacy_keys(op: Operation, old: LegacyName) -> list[tuple[str, Span, str]]:
    """A listed legacy alias's keys: the parameters it does not fix, under their old names."""
    wire = {new: old_arg for old_arg, new in old.rename}
    fixed = {name for name, _ in old.fixed}
    of = f' (tool "{op.tool}" operation "{op.name}")'
    return [(wire.get(p.name, p.name), p.span, of) for p in op.params if p.name not in fixed]


def legacy_entry(
    tool: Tool,
    visible: str,
    op: Operation,
    old: LegacyName,
    defs: Mapping[str, JsonSchema],
    keys: Mapping[str, str] | None = None,
) -> JsonValue:
    """A listed legacy alias: the parameters it does not fix (`set`), under their old names
    (`rename`), then under this client's keys (`keys`, from `param_rule`)."""
    keys = keys or {}
    wire = {new: keys.get(old_arg, old_arg) for old_arg, new in old.rename}
    fixed = dict(old.fixed)
    target = f'"{visible}"' if tool.kind == "plain" else f'"{visible}" operation "{op.name}"'
    if fixed:
        values = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fixed.items())
        target += f" with {values}"
    description = f"Deprecated: use {target} instead."
    if old.sunset:
        description += f" Removed after {old.sunset}."
    if op.description:
        description += " " + op.description
    entry: dict[str, JsonValue] = {"name": old.name}
    if op.title is not None:
        entry["title"] = op.title
    entry |= {
        "description": description,
        "inputSchema": _listed(
            object_schema(
                {
                    wire.get(p.name, keys.get(p.name, p.name)): p.schema
                    for p in op.params
                    if p.name not in fixed
                },
                (wire.get(r, keys.get(r, r)) for r in op.required if r not in fixed),
                closed=not op.additional_params,
            ),
            defs,
        ),
    }
    out = output_schema((op,))
    if out is not None:
        entry["outputSchema"] = _listed(out, defs)
    entry["annotations"] = hints((op,))
    _extras(tool, entry)
    return entry


def alias_entries(
    tool: Tool, visible: str, dialect: str, defs: Mapping[str, JsonSchema]
) -> list[ExposedTool]:
    """A tool's listed aliases: its own entry under each old name, marked deprecated."""
    out: list[ExposedTool] = []
    for alias in tool.aliases:
        entry = dict(tool_entry(tool, alias.name, dialect, defs))
        note = f'Deprecated: use "{visible}" instead.'
        if alias.sunset:
            note += f" Removed after {alias.sunset}."
        entry["description"] = " ".join(x for x in (note, entry.get("description")) if x)
        out.append(
            ExposedTool(
                name=alias.name, tool=tool.name, operation=None, legacy=alias, definition=entry
            )
        )
    return out


def _union_branch(op: Operation) -> JsonSchema:
    props: dict[str, JsonValue] = {"operation": {"const": op.name}}
    props.update({p.name: p.schema for p in op.params})
    branch: JsonSchema = {}
    if op.description:
        branch["description"] = op.description
    branch["properties"] = props
    branch["required"] = ["operation", *op.required]
    if not op.additional_params:
        branch["additionalProperties"] = False
    return branch


def _flat_properties(ops: tuple[Operation, ...]) -> dict[str, JsonValue]:
    props: dict[str, JsonValue] = {"operation": {"type": "string", "enum": [op.name for op in ops]}}
    seen: dict[str, list[JsonSchema]] = {}
    for op in ops:
        for p in op.params:
            seen.setdefault(p.name, []).append(p.schema)
    for name, schemas in seen.items():
        structural = _distinct(_strip_annotations(s) for s in schemas)
        if len(structural) == 1:
            props[name] = schemas[0]
        else:
            props[name] = {"anyOf": _distinct(schemas)}
    return props


def _flat_description(tool: Tool) -> str:
    lines = [tool.description] if tool.description else []
    lines.append('Set "operation" to one of:')
    for op in tool.operations:
        params = ", ".join(p.name if p.required else p.name + "?" for p in op.params)
        line = f"- {op.name}({params})"
        if op.description:
            line += ": " + op.description
        lines.append(line)
    return "\n".join(lines)


def _strip_annotations(schema: JsonValue) -> JsonValue:
    if isinstance(schema, dict):
        return {k: _strip_annotations(v) for k, v in schema.items() if k not in _ANNOTATION_KEYS}
    if isinstance(schema, list):
        return [_strip_annotations(v) for v in schema]
    return schema


def _distinct(schemas: Iterable[JsonValue]) -> list[JsonValue]:
    seen: set[str] = set()
    out: list[JsonValue] = []
    for s in schemas:
        key = json.dumps(s, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


# --- checks -------------------------------------------------------------------------------


def _entry_span(catalog: Catalog, entry: ExposedTool) -> Span:
    if entry.legacy is not None:
        return entry.legacy.span
    tool = catalog.tool(entry.tool)
    assert tool is not None, entry.tool
    return tool.span


def _check_names(catalog: Catalog, build: ClientBuild) -> list[Diagnostic]:
    profile = build.profile
    rule = profile.name_rule
    span = rule.span or profile.span
    prefix = rule.prefix.replace("{server}", catalog.server.name)
    pattern = re.compile(rule.pattern)
    file = profile.path
    diags: list[Diagnostic] = []
    first: dict[str, ExposedTool] = {}
    for entry in build.exposed:
        full = prefix + entry.name
        if entry.legacy is not None:
            fix = (
                f'old callers cannot change a legacy name: set "legacy: accept" (callable, not '
                f'listed) or "legacy: refuse" in {file}'
            )
        else:
            fix = f'add "rename: {{{entry.tool}: <shorter name>}}" in {file}'
        note = Note(_entry_span(catalog, entry), f'"{entry.name}" is declared here.')
        if len(full) > rule.max_length:
            diags.append(
                error(
                    span,
                    "E032",
                    f'client "{profile.name}" sees the tool name "{full}" ({len(full)} '
                    f"characters), its name_rule allows {rule.max_length}",
                    fix,
                    note,
                )
            )
        if not pattern.search(entry.name):
            diags.append(
                error(
                    span,
                    "E032",
                    f'client "{profile.name}" sees the tool name "{entry.name}", which does '
                    f"not match its name_rule pattern {rule.pattern!r}",
                    fix,
                    note,
                )
            )
        if entry.name in first:
            other = first[entry.name]
            diags.append(
                error(
                    profile.span,
                    "E027",
                    f'client "{profile.name}" would list two tools named "{entry.name}" '
                    f'("{other.tool}" and "{entry.tool}")',
                    f"rename one of them in {file}",
                    Note(_entry_span(catalog, other), f'"{entry.name}" is first declared here.'),
                    note,
                )
            )
        else:
            first[entry.name] = entry
    return diags
