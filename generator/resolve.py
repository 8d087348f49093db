"""Stage 4: one client's view of the catalog.

`resolve(catalog, profile)` selects the client's tools (select by tool names and tags, then
exclude; declaration order), applies the client's renames, builds the exact `tools/list` entries
(flat or union dialect, listed legacy aliases), counts what counts toward `max_tools`, measures the
compact payload (bytes and estimated tokens), and reports E031 (max_tools), E032 (name_rule),
E033 (max_list_bytes), E035 (max_list_tokens), E027 (two
entries the client sees share a name) and W002 (nothing exposed).

The build is returned even when it breaks a limit, so the CLI can still print the client's table;
the driver stops on the diagnostics.

The entries themselves (flat and union dialects, operation guides, annotations) are built by
`listing`; the payload's token estimate comes from `tokens`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from .diagnostics import Diagnostic, Note, error
from .ir import Catalog, ClientBuild, ClientProfile, ExposedTool, Span, Tool
from .listing import alias_entries, legacy_entry, legacy_keys, tool_entry
from .param_keys import client_keys, renamed_tool, reverse, tool_keys
from .tokens import count_tokens


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
        exposed.append(
            ExposedTool(
                name=visible,
                tool=tool.name,
                operation=None,
                legacy=None,
                definition=tool_entry(renamed_tool(tool, keys), visible, profile, defs),
                param_keys=reverse(keys),
            )
        )
        if profile.legacy == "list":
            exposed.extend(alias_entries(tool, visible, profile, defs))
            for op in tool.operations:
                for old in op.legacy:
                    where = f'legacy name "{old.name}"'
                    keys, found = client_keys(profile, where, legacy_keys(op, old))
                    key_diags.extend(found)
                    exposed.append(
                        ExposedTool(
                            name=old.name,
                            tool=tool.name,
                            operation=op.name,
                            legacy=old,
                            definition=legacy_entry(tool, visible, op, old, profile, defs, keys),
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
    diags = [*_check_names(catalog, build), *_check_limits(build), *key_diags]
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
    """Selected tools in declaration order: select (names or tags), then exclude."""
    out = [tool for tool in catalog.tools if profile.selects(tool)]
    return tuple(out)


def list_payload(exposed: Iterable[ExposedTool]) -> bytes:
    """The compact tools/list result, as `max_list_bytes` measures it."""
    doc = {"tools": [e.definition for e in exposed]}
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.encode("utf-8")


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
            fix = f'shorten the legacy name or set "legacy: accept" in {file}'
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _describe(entry: ExposedTool, build: ClientBuild) -> str:
    if entry.legacy is not None and entry.operation is None:
        return f'counted: "{entry.name}" (listed alias of tool "{entry.tool}").'
    if entry.legacy is not None:
        return (
            f'counted: "{entry.name}" (listed legacy alias of "{entry.tool}" "{entry.operation}").'
        )
    tool = next(t for t in build.tools if t.name == entry.tool)
    if tool.kind == "plain":
        return f'counted: "{entry.name}" (plain tool).'
    return f'counted: "{entry.name}" (master tool, {_plural(len(tool.operations), "operation")}).'


def _check_limits(build: ClientBuild) -> list[Diagnostic]:
    profile = build.profile
    diags: list[Diagnostic] = []
    spans = {t.name: t.span for t in build.tools}
    if profile.max_tools is not None and build.count > profile.max_tools:
        over = build.count - profile.max_tools
        notes = [
            Note(e.legacy.span if e.legacy else spans[e.tool], _describe(e, build))
            for e in build.exposed
        ]
        diags.append(
            error(
                profile.max_tools_span or profile.span,
                "E031",
                f'client "{profile.name}" exposes {build.count} tools, '
                f"limit is {profile.max_tools}",
                f"exclude {_plural(over, 'tool')} or raise max_tools",
                *notes,
            )
        )
    budget = profile.max_list_bytes
    if budget is not None and build.list_bytes > budget:
        sizes = sorted(
            ((len(list_payload((e,))) - len(b'{"tools":[]}'), e) for e in build.exposed),
            key=lambda pair: (-pair[0], pair[1].name),
        )
        notes = [
            Note(e.legacy.span if e.legacy else spans[e.tool], f'"{e.name}" takes {n} bytes.')
            for n, e in sizes[:5]
        ]
        diags.append(
            error(
                profile.max_list_bytes_span or profile.span,
                "E033",
                f'client "{profile.name}" gets a tools/list of {build.list_bytes} bytes, '
                f"max_list_bytes is {budget}",
                "exclude tools, shorten descriptions or raise max_list_bytes",
                *notes,
            )
        )
    token_budget = profile.max_list_tokens
    if token_budget is not None and build.list_tokens > token_budget:
        diags.append(
            error(
                profile.max_list_tokens_span or profile.span,
                "E035",
                f'client "{profile.name}" gets a tools/list of about {build.list_tokens} tokens, '
                f"max_list_tokens is {token_budget}",
                'exclude tools, use "describe: names", shorten descriptions '
                "or raise max_list_tokens",
            )
        )
    return diags
