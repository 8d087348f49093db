"""The BATCH table of a client's build.py: which called names answer operation "batch".

`{name: {"tool": declared tool, "max_items": N, "writes": "ordered" | "refuse",
"operations": [...]}}`, keyed by the declared tool name (a renamed tool's visible name and its
aliases resolve to it at run time) and by each `split: effect` half that batches, whose
operations are only its own. Emitted only when some tool batches, so other builds stay
byte-identical.
"""

from __future__ import annotations

from typing import Any

from ..ir import ClientBuild, PyIdent, to_py_ident
from . import batch_operations

__all__ = ["batch_table"]


def batch_table(build: ClientBuild) -> list[tuple[PyIdent, str, Any]]:
    table: dict[str, Any] = {}
    tools = {t.name: t for t in build.tools}

    def add(name: str, tool_name: str, operations: tuple[str, ...] | None) -> None:
        tool = tools[tool_name]
        ops = tool.operations
        if operations is not None:
            ops = tuple(op for op in ops if op.name in operations)
        names = [op.name for op in batch_operations(tool, ops)]
        if names and tool.batch is not None:
            table[name] = {
                "tool": tool.name,
                "max_items": tool.batch.max_items,
                "writes": tool.batch.writes,
                "operations": names,
            }

    for tool in build.tools:
        add(tool.name, tool.name, None)
    for entry in build.exposed:
        if entry.operations and entry.legacy is None:
            add(entry.name, entry.tool, entry.operations)
    return [(to_py_ident("BATCH"), "dict[str, dict[str, Any]]", table)] if table else []
