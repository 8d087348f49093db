"""Rules of the compatibility gate's config: tool `aliases` and `allow_breaking` entries."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, Note, error
from ..lower import safe_module_ident
from ..source import KeyPath
from .context import Context, hint


def aliases_fit(ctx: Context) -> Iterator[Diagnostic]:
    """E012: an alias shadows a tool, a legacy name or another alias; E030: it breaks the MCP
    tool-name rule; E027: a client renames a tool to an alias."""
    from . import _name_problem  # the shared MCP name check

    tools: dict[str, KeyPath] = {}
    for tool in ctx.tools:
        tools.setdefault(tool.name, tool.path)
        tools.setdefault(safe_module_ident(tool.name) or tool.name, tool.path)
    taken: dict[str, KeyPath] = {e.name: e.name_path for _, op in ctx.ops() for e in op.legacy}
    aliases: set[str] = set()
    for tool in ctx.tools:
        for entry in tool.aliases:
            span = ctx.at(entry.name_path)
            aliases.add(entry.name)
            problem = _name_problem(span, entry.name, "alias")
            if problem is not None:
                yield problem
            if entry.name in tools:
                yield error(
                    span,
                    "E012",
                    f'alias "{entry.name}" of tool "{tool.name}" shadows a tool',
                    "choose another alias or drop it",
                    Note(ctx.key_at(tools[entry.name]), "tool defined here."),
                )
            elif entry.name in taken:
                yield error(
                    span,
                    "E012",
                    f'alias "{entry.name}" of tool "{tool.name}" is already a legacy name or alias',
                    "keep one of them",
                    Note(ctx.at(taken[entry.name]), "first definition."),
                )
            else:
                taken[entry.name] = entry.name_path
    for doc in ctx.clients:
        for name, new in (doc.data.get("rename") or {}).items():
            if new in aliases:
                yield error(
                    doc.source_map.span(("rename", name)),
                    "E027",
                    f'rename gives tool "{name}" the name "{new}", which is an alias of a tool',
                    "choose an unused name",
                )


def allowed_breaks_known(ctx: Context) -> Iterator[Diagnostic]:
    """E003: an `allow_breaking` entry names a rule ID the registry does not have."""
    from ..compat.rules import BY_ID

    if ctx.catalog is None:
        return
    for i, entry in enumerate(ctx.catalog.data.get("allow_breaking") or ()):
        rule = entry.get("rule")
        if isinstance(rule, str) and rule not in BY_ID:
            yield error(
                ctx.at(("allow_breaking", i, "rule")),
                "E003",
                f'allow_breaking names rule "{rule}", which is not a breaking-change rule',
                hint(rule, BY_ID, "use a rule ID from the README's rules table"),
            )
