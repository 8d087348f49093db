"""Stage 4: one client's view of the catalog.

`resolve(catalog, profile)` selects the client's tools and operations (select by tool names, tags
and `tool.operation`, then exclude, then `read_only`; declaration order), applies the client's
renames, builds the exact `tools/list` entries (flat or union dialect, `split: effect` halves,
listed legacy aliases), counts what counts toward `max_tools`, measures the compact payload (bytes
and estimated tokens), and reports E031 (max_tools), E033 (max_list_bytes) and E035
(max_list_tokens) through `limits`, E032 (name_rule), E027 (two names the client sees collide),
W005 (merged hints misstate operations, see `split`) and W002 (nothing exposed).

The build is returned even when it breaks a limit, so the CLI can still print the client's table;
the driver stops on the diagnostics.

The entries themselves (flat and union dialects, operation guides, compact annotations) are built
by `listing`; the payload's token estimate comes from `tokens`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from .diagnostics import Diagnostic, Note, error
from .ir import Catalog, ClientBuild, ClientProfile, ExposedTool, JsonSchema, Span, Tool
from .limits import check_limits, list_payload
from .listing import alias_entries, legacy_entry, legacy_keys, tool_entry
from .param_keys import client_keys, renamed_tool, reverse, tool_keys
from .split import check_hints, check_split_names, half_title, halves
from .tokens import count_tokens

__all__ = ["list_payload", "resolve", "select"]


def resolve(
    catalog: Catalog,
    profile: ClientProfile,
    *,
    tokens: Callable[[str], int] = count_tokens,
) -> tuple[ClientBuild | None, tuple[Diagnostic, ...]]:
    """`tokens` estimates a text's tokens (tokens.count_tokens; the driver passes a cached one)."""
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
            exposed.extend(alias_entries(tool, visible, profile, defs))
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
                            definition=legacy_entry(tool, shown, op, old, profile, defs, keys),
                            param_keys=reverse(keys),
                        )
                    )
    payload = list_payload(exposed)
    build = ClientBuild(
        profile=profile,
        tools=tools,
        exposed=tuple(exposed),
        count=len(exposed),
        list_bytes=len(payload),
        list_tokens=tokens(payload.decode("utf-8")),
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
        entry = tool_entry(renamed_tool(tool, keys), visible, profile, defs)
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
                definition=tool_entry(renamed_tool(part, keys), name, profile, defs),
                operations=tuple(op.name for op in ops),
                param_keys=param_keys,
            )
        )
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
