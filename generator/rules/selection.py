"""Client rules on operation selection: `select.operations` / `exclude.operations` resolve."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from ..lower import operation_ref
from .context import Context, hint


def operation_selections_resolve(ctx: Context) -> Iterator[Diagnostic]:
    """Each `tool.operation` names an operation of a declared master tool."""
    if ctx.catalog is None:
        return
    masters = {t.name: tuple(o.name for o in t.operations) for t in ctx.tools if t.master}
    plain = {t.name for t in ctx.tools if not t.master}
    known = [f"{tool}.{op}" for tool, ops in masters.items() for op in ops]
    for doc in ctx.clients:
        for part in ("select", "exclude"):
            for i, text in enumerate((doc.data.get(part) or {}).get("operations") or ()):
                if operation_ref(text, masters) is not None:
                    continue
                if text in plain:
                    fix = f'"{text}" is a plain tool: name it under {part}.tools'
                else:
                    fix = hint(text, known, "write it as tool.operation of a master tool")
                yield error(
                    doc.source_map.span((part, "operations", i)),
                    "E022",
                    f'{part}.operations names "{text}", which is no operation of a master '
                    f'tool in "{ctx.catalog.path}"',
                    fix,
                )
