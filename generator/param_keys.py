"""Per-client parameter-key rules (`param_rule`): the keys a client sees, and E034.

Some clients refuse a whole session when one listed property key breaks their rule (Anthropic's
API: `^[a-zA-Z0-9_.-]{1,64}$`). For such a client, every top-level key of every listed
`inputSchema` (master, plain and listed legacy tools, `operation` included) is checked against
`param_rule.pattern` and `max_length`. `rename` maps a key to the one this client sees: `auto`
derives one for each key that breaks the rule, a mapping names them. The runtime maps the
client's key back to the declared one before validation (`ExposedTool.param_keys`).

Auto derivation: each run of characters outside `[A-Za-z0-9_.-]` becomes `_` and `_` at either
end is dropped (`filter[id]` -> `filter_id`); when that still breaks the pattern, `.` and `-`
become `_` too; then the key is cut to `max_length`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .diagnostics import Diagnostic, Note, error
from .ir import ClientProfile, ParamRule, Span, Tool


def _fits(rule: ParamRule, key: str) -> bool:
    if rule.max_length is not None and len(key) > rule.max_length:
        return False
    return rule.pattern is None or re.search(rule.pattern, key) is not None


def _derive(rule: ParamRule, key: str) -> str:
    candidate = re.sub(r"[^A-Za-z0-9_.-]+", "_", key).strip("_") or "param"
    if not _fits(rule, candidate[: rule.max_length]):
        candidate = re.sub(r"[^A-Za-z0-9_]+", "_", key).strip("_") or "param"
    return candidate[: rule.max_length] if rule.max_length else candidate


def client_keys(
    profile: ClientProfile,
    where: str,
    keys: Iterable[tuple[str, Span, str]],
) -> tuple[dict[str, str], list[Diagnostic]]:
    """(declared key -> client key, for the keys that change; E034s) for one listed entry.

    `where` names the entry in messages ('tool "x"', 'legacy name "y"'); `keys` are its listed
    keys with the span of the parameter each comes from and the operation that declares it
    (' operation "add"', or "" for a plain tool and for `operation` itself).
    """
    rule = profile.param_rule
    if rule is None:
        return {}, []
    explicit = dict(rule.rename)
    span = rule.span or profile.span
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    diags: list[Diagnostic] = []
    for key, key_span, op in keys:
        shown = explicit.get(key, key)
        if shown == key and rule.auto and not _fits(rule, key):
            shown = _derive(rule, key)
        note = Note(key_span, f'"{key}" is declared here.')
        if not _fits(rule, shown):
            fix = (
                f'map it to a conforming key under "param_rule.rename" in {profile.path}'
                if rule.auto or key in explicit
                else f'set "param_rule.rename: auto" or map it under "param_rule.rename" in '
                f"{profile.path}"
            )
            diags.append(
                error(
                    span,
                    "E034",
                    f'client "{profile.name}" sees the parameter key "{shown}" of {where}{op}, '
                    f"which breaks its param_rule ({_rule_text(rule)})",
                    fix,
                    note,
                )
            )
        elif shown in seen and seen[shown] != key:
            diags.append(
                error(
                    span,
                    "E034",
                    f'client "{profile.name}" would see two parameter keys "{shown}" of '
                    f'{where}{op} ("{seen[shown]}" and "{key}")',
                    f'map one of them to another key under "param_rule.rename" in {profile.path}',
                    note,
                )
            )
        seen.setdefault(shown, key)
        if shown != key:
            mapping[key] = shown
    return mapping, diags


def _rule_text(rule: ParamRule) -> str:
    parts = []
    if rule.pattern is not None:
        parts.append(f"pattern {rule.pattern!r}")
    if rule.max_length is not None:
        parts.append(f"max_length {rule.max_length}")
    return ", ".join(parts)


def tool_keys(tool: Tool) -> list[tuple[str, Span, str]]:
    """The top-level keys a tool's listed inputSchema has, each once, in declaration order."""
    out: dict[str, tuple[str, Span, str]] = {}
    if tool.kind == "master":
        out["operation"] = ("operation", tool.span, "")
    for op in tool.operations:
        label = f' operation "{op.name}"' if tool.kind == "master" else ""
        for p in op.params:
            out.setdefault(p.name, (p.name, p.span, label))
    return list(out.values())


def renamed_tool(tool: Tool, mapping: Mapping[str, str]) -> Tool:
    """`tool` with its parameters under the client's keys (for listing only)."""
    if not mapping:
        return tool
    ops = tuple(
        replace(op, params=tuple(replace(p, name=mapping.get(p.name, p.name)) for p in op.params))
        for op in tool.operations
    )
    return replace(tool, operations=ops)


def reverse(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(client key, declared key) pairs for the runtime, in declaration order."""
    return tuple((shown, key) for key, shown in mapping.items())
