"""Batch calls: operation "batch" of a master tool runs a list of its operations in one call.

Semantics (README: "Batch calls"):
- every item is checked before any runs (`plan`); one bad item refuses the whole batch with an
  `isError` result naming its index and field (SEP-1303);
- each item then runs through `Engine.call` by the same name, exactly as the single call
  `{"operation": op, **arguments}` would: validation, breaker, cache, limits, timeout,
  invalidation and a span with the item's operation;
- consecutive reads run concurrently, at most the tool's `max_concurrency` at once; a write
  waits for every earlier item and runs alone, so items take effect in order;
- `stop_on_error`: after the first failing item no further item starts (reads already running
  finish); the skipped ones are reported as not run;
- the result's `structuredContent` is `{"results": [...], "summary": {"ran", "failed",
  "not_run"}}`: one entry per item, in order, `{"ok": true, "result": <the single call's
  structuredContent>}` (or `"content": [...]` for a result without one) or `{"ok": false,
  "error": <the single call's error text>}`. A batch that ran is never `isError` itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import anyio
from mcp import types

from ..results import error_result
from ..validation import InvalidArguments
from .plan import BATCH, Item, Plan, plan

if TYPE_CHECKING:
    from ..build import Build
    from ..call import Engine

__all__ = ["BATCH", "batch_spec", "run_batch"]

WRITES: Final = frozenset({"write", "destructive"})
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def batch_spec(build: Build, name: str, arguments: Mapping[str, Any] | None) -> Any:
    """The BATCH table entry when `name` + `arguments` is a batch call this build answers."""
    if not build.batch or not arguments or arguments.get("operation") != BATCH:
        return None
    if name in build.names:
        return build.batch.get(build.names[name])
    if name in build.split:
        return build.batch.get(name)
    alias = build.aliases.get(name)
    return build.batch.get(str(alias["tool"])) if alias else None


async def run_batch(
    engine: Engine, ctx: Any, name: str, arguments: Mapping[str, Any], spec: Mapping[str, Any]
) -> types.CallToolResult:
    start = time.perf_counter()
    tool = str(spec["tool"])
    legacy = name if name in engine.build.aliases else None
    try:
        checked = plan(engine.dispatcher, name, arguments, spec)
    except InvalidArguments as exc:
        engine.tracer.record(start, tool, BATCH, legacy, None, None, "invalid")
        return error_result(exc.message)
    results = await _Run(engine, ctx, name, checked).all()
    failed = [i for i, r in enumerate(results) if r is not None and not r["ok"]]
    not_run = [i for i, r in enumerate(results) if r is None]
    entries = [r if r is not None else _not_run(failed) for r in results]
    summary = {"ran": len(results) - len(not_run), "failed": failed, "not_run": not_run}
    structured = {"results": entries, "summary": summary}
    engine.tracer.record(start, tool, BATCH, legacy, None, None, "tool_error" if failed else "ok")
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=_dumps(structured))],
        structured_content=structured,
    )


def _not_run(failed: list[int]) -> dict[str, Any]:
    return {"ok": False, "error": f"not run: calls[{failed[0]}] failed and stop_on_error is set"}


def entry(result: types.CallToolResult) -> dict[str, Any]:
    """A single call's result as a batch entry: its structured result, content or error text."""
    if result.is_error:
        text = " ".join(c.text for c in result.content if isinstance(c, types.TextContent))
        return {"ok": False, "error": text}
    if result.structured_content is not None:
        return {"ok": True, "result": result.structured_content}
    content = [c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in result.content]
    return {"ok": True, "content": content}


class _Run:
    """One batch's execution: reads side by side (bounded), writes alone and in order."""

    def __init__(self, engine: Engine, ctx: Any, name: str, checked: Plan) -> None:
        self.engine = engine
        self.ctx = ctx
        self.name = name
        self.plan = checked
        self.results: list[dict[str, Any] | None] = [None] * len(checked.items)
        self.stopped = False
        table = engine.build.tools
        self.writes = {
            item.index: table[item.op.tool]["operations"][item.op.name].get("effect") in WRITES
            for item in checked.items
        }
        tool = table[checked.items[0].op.tool]
        self.limiter = anyio.CapacityLimiter(int(tool.get("max_concurrency") or 32))

    async def all(self) -> list[dict[str, Any] | None]:
        reads: list[Item] = []
        for item in self.plan.items:
            if not self.writes[item.index]:
                reads.append(item)
                continue
            await self._reads(reads)
            reads = []
            if self.stopped:
                break
            await self._one(item)
        await self._reads(reads)
        return self.results

    async def _reads(self, items: list[Item]) -> None:
        if len(items) == 1:
            await self._one(items[0])
        elif items:
            async with anyio.create_task_group() as group:
                for item in items:
                    group.start_soon(self._bounded, item)

    async def _bounded(self, item: Item) -> None:
        async with self.limiter:
            await self._one(item)

    async def _one(self, item: Item) -> None:
        if self.stopped:
            return
        result = await self.engine.call(self.ctx, self.name, item.arguments)
        self.results[item.index] = entry(result)
        if result.is_error and self.plan.stop_on_error:
            self.stopped = True
