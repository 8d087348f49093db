"""One `tools/call`, end to end: resolve → validate → breaker → cache → limits → timeout → handler.

`Engine` holds everything a build needs at call time; `--reload` swaps in a new engine, and calls
already running keep the one they started on.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any, Final

import anyio
import anyio.to_thread
from mcp import types
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from .build import Build
from .context import ToolContext
from .dispatch import Dispatcher, Operation
from .errors import ToolError
from .policies.limits import Overloaded, acquire
from .results import error_result, to_result
from .trace import Tracer
from .validation import validate

log = logging.getLogger("toolc.runtime")

OK: Final = "ok"
TOOL_ERROR: Final = "tool_error"
ERROR: Final = "error"
TIMEOUT: Final = "timeout"
OUTPUT: Final = "output_mismatch"
OVERLOAD: Final = "overload"
OPEN: Final = "breaker_open"
INVALID: Final = "invalid"
FAILURES: Final = frozenset({ERROR, TIMEOUT, OUTPUT})


class Engine:
    def __init__(self, build: Build, tracer: Tracer) -> None:
        self.build = build
        self.tracer = tracer
        self.dispatcher = Dispatcher(build)
        self.limiter = anyio.CapacityLimiter(build.max_concurrency)
        self.threads = anyio.CapacityLimiter(build.max_concurrency)
        self._list_result: types.ListToolsResult | None = None
        self._schemas: dict[str, Any] | None = None

    def list_result(self) -> types.ListToolsResult:
        """The precomputed tools/list result, built on first use."""
        if self._list_result is None:
            self._list_result = types.ListToolsResult.model_validate(self.build.tools_list())
        return self._list_result

    def input_schema(self, name: str) -> Any:
        if self._schemas is None:
            tools = self.build.tools_list().get("tools", [])
            self._schemas = {t["name"]: t.get("inputSchema") for t in tools}
        return self._schemas.get(name)

    async def call(
        self, ctx: Any, name: str, arguments: Mapping[str, Any] | None
    ) -> types.CallToolResult:
        start = time.perf_counter()
        r = self.dispatcher.resolve(name, arguments or {})
        op = r.op
        try:
            model, key = validate(op.input, r.args, op.where, r.old_names)
        except MCPError:
            self.tracer.record(start, op.tool, op.name, r.legacy, None, None, INVALID)
            raise
        breaker = op.breaker
        state = None
        if breaker is not None:
            retry_after = breaker.allow()
            state = breaker.state
            if retry_after is not None:
                self.tracer.record(start, op.tool, op.name, r.legacy, None, state, OPEN)
                return error_result(
                    f"{op.where} is failing and temporarily disabled (circuit open) — "
                    f"retry in {retry_after:.1f} s"
                )
        tctx = ToolContext(
            ctx.session,
            ctx.request_id,
            op.tool,
            op.name,
            ctx.protocol_version,
            getattr(ctx, "close_sse_stream", None),
        )
        outcome: str | None = None
        cache_state: str | None = None
        try:
            if op.cache is None:
                result, outcome = await self._run(op, model, tctx)
            else:
                ran: list[str] = []

                async def produce() -> tuple[types.CallToolResult, bool]:
                    res, out = await self._run(op, model, tctx)
                    ran.append(out)
                    return res, out == OK

                result, cache_state = await op.cache.get_or_run((op.tool, op.name, key), produce)
                if ran:
                    outcome = ran[0]
        finally:
            opened = False
            if breaker is not None:
                if outcome in FAILURES:
                    opened = breaker.failure()
                elif outcome in (OK, TOOL_ERROR):
                    breaker.success()
                else:
                    breaker.neutral()
        if outcome == OK and op.invalidates:
            for cache, target_tool, targets in op.invalidates:
                cache.invalidate(target_tool, targets)
        if outcome is None:
            outcome = ERROR if result.is_error else OK
        self.tracer.record(start, op.tool, op.name, r.legacy, cache_state, state, outcome, opened)
        return result

    async def _run(
        self, op: Operation, model: BaseModel, tctx: ToolContext
    ) -> tuple[types.CallToolResult, str]:
        token = object()
        try:
            await acquire(self.limiter, "the server", token)
            try:
                await acquire(op.limiter, op.limiter_what, token)
            except Overloaded:
                self.limiter.release_on_behalf_of(token)
                raise
        except Overloaded as exc:
            return error_result(str(exc)), OVERLOAD
        try:
            with anyio.move_on_after(op.timeout) as scope:
                if op.is_async:
                    value = await op.call(model, tctx)
                else:
                    value = await anyio.to_thread.run_sync(
                        op.call, model, tctx, abandon_on_cancel=True, limiter=self.threads
                    )
            if scope.cancelled_caught:
                return error_result(f"{op.where} timed out after {op.timeout:g} s"), TIMEOUT
        except ToolError as exc:
            return error_result(exc.message), TOOL_ERROR
        except MCPError as exc:  # a handler's deliberate protocol error: pass its message on
            return error_result(exc.error.message), TOOL_ERROR
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("handler of %s failed (ref %s)", op.where, ref)
            return error_result(f"{op.where} failed with an internal error (ref {ref})"), ERROR
        finally:
            op.limiter.release_on_behalf_of(token)
            self.limiter.release_on_behalf_of(token)
        result, problem = to_result(value, op.output, op.where)
        if problem is not None:
            log.error("%s returned a result that breaks its declared output: %s", op.where, problem)
            return result, OUTPUT
        return result, OK
