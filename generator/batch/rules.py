"""Semantic rules of `batch` (registered in `generator/rules`): E105, E106, E107, W105."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, error
from . import BATCH, RESERVED_PARAMS

if TYPE_CHECKING:
    from ..lower import ToolEntry
    from ..rules.context import Context

__all__ = ["batch_fits"]


def _effective(ctx: Context, tool: ToolEntry) -> Any:
    """The tool's batch setting after `defaults.batch`; None or False when it does not batch."""
    own = tool.data.get("batch")
    if own is not None:
        return own
    assert ctx.catalog is not None
    defaults = ctx.catalog.data.get("defaults") or {}
    return defaults.get("batch") if tool.master else None


def batch_fits(ctx: Context) -> Iterator[Diagnostic]:
    """A batching tool is a master tool, has no operation "batch" and no parameter a flat
    listing puts beside `calls` / `stop_on_error`; `writes: refuse` needs a read to batch."""
    for tool in ctx.tools:
        setting = _effective(ctx, tool)
        if setting is None or setting is False:
            continue
        if not tool.master:
            yield error(
                ctx.key_at((*tool.path, "batch")),
                "E105",
                f'plain tool "{tool.name}" sets "batch", but only a master tool can batch its '
                "operations",
                'remove "batch" or give the tool "operations"',
            )
            continue
        for op in tool.operations:
            if op.name == BATCH:
                yield error(
                    ctx.key_at(op.path),
                    "E106",
                    f'tool "{tool.name}" batches its operations and also declares an operation '
                    f'"{BATCH}"',
                    f'rename the operation or set "batch: false" on tool "{tool.name}"',
                )
            for param in op.params:
                if param in RESERVED_PARAMS:
                    yield error(
                        ctx.key_at((*op.path, "params", param)),
                        "E107",
                        f'parameter "{param}" of operation "{op.name}" of tool "{tool.name}" '
                        "clashes with the batch operation's argument of that name",
                        f'rename the parameter or set "batch: false" on tool "{tool.name}"',
                    )
        refuse = isinstance(setting, dict) and setting.get("writes") == "refuse"
        if refuse and not any(op.data.get("effect", "write") == "read" for op in tool.operations):
            where = (*tool.path, "batch") if "batch" in tool.data else ("defaults", "batch")
            yield Diagnostic(
                ctx.key_at(where),
                "W105",
                f'tool "{tool.name}" batches only reads ("writes: refuse") and has no read '
                'operation, so it gets no batch operation — set "batch: false" on it or allow '
                'ordered writes ("writes: ordered").',
            )
