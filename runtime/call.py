"""One `tools/call`, end to end: resolve → validate → breaker → cache → limits → timeout → handler.

An unknown tool is a JSON-RPC error (-32602); arguments the operation refuses (types, required,
enums, bounds, unknown parameters, a missing or unknown `operation`) are an `isError` result with
the precise message (SEP-1303), so the model can correct its call.

`def` handlers run on the runtime's own bounded threads (runtime/workers.py), which are stopped
when their call times out; a timed-out write is reported as "outcome unknown", and what it
invalidates is dropped at the timeout and again when its thread finally returns.

`Engine` holds everything a build needs at call time; `--reload` swaps in a new engine, and calls
already running keep the one they started on.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import anyio
from mcp import types
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from .auth.scopes import missing_scopes, principal_of, scope_error
from .batch import batch_spec, run_batch
from .build import Build
from .context import ToolContext
from .dispatch import Dispatcher, Operation
from .errors import ToolError
from .policies.limits import Overloaded, acquire
from .principal import Principal
from .ratelimit import BucketStore, RateLimiter
from .results import error_result, to_result
from .trace import Tracer
from .validation import InvalidArguments, check_extra, check_fixed, validate
from .workers import Workers

if TYPE_CHECKING:
    from .state import SharedState

log = logging.getLogger("toolc.runtime")

OK: Final = "ok"
TOOL_ERROR: Final = "tool_error"
ERROR: Final = "error"
TIMEOUT: Final = "timeout"
OUTPUT: Final = "output_mismatch"
OVERLOAD: Final = "overload"
OPEN: Final = "breaker_open"
INVALID: Final = "invalid"
DENIED: Final = "denied"  # the principal lacks a scope the operation requires
LIMITED: Final = "rate_limited"
WRITES: Final = frozenset({"write", "destructive"})


class Engine:
    def __init__(
        self,
        build: Build,
        tracer: Tracer,
        state: SharedState | None = None,
        buckets: BucketStore | None = None,
    ) -> None:
        self.build = build
        self.tracer = tracer
        if buckets is None and state is not None:  # shared state: buckets shared by every worker
            from .state.buckets import RedisBucketStore

            buckets = RedisBucketStore(state)
        self.rate_limiter = RateLimiter(build.client, buckets)
        self.dispatcher = Dispatcher(build, state)
        self.limiter = anyio.CapacityLimiter(build.max_concurrency)
        self.workers = Workers(build.max_concurrency)  # threads of `def` handlers
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

    def streams(self, name: str, arguments: Any) -> bool:
        """Whether the operation `name` + `arguments` resolve to has a handler that takes `ctx`;
        False for a call that fails to resolve (its error has nothing to stream)."""
        try:
            return self.dispatcher.resolve(name, arguments or {}).op.streams
        except (MCPError, InvalidArguments):
            return False
        except Exception:  # an import error of the tool's dispatch module surfaces in call()
            return True

    async def call(
        self, ctx: Any, name: str, arguments: Mapping[str, Any] | None
    ) -> types.CallToolResult:
        if (batch := batch_spec(self.build, name, arguments)) is not None:
            return await run_batch(self, ctx, name, arguments or {}, batch)
        start = time.perf_counter()
        try:  # an unknown tool stays a protocol error (MCPError); bad arguments are the model's
            r = self.dispatcher.resolve(name, arguments or {})
        except InvalidArguments as exc:
            return error_result(exc.message)
        op = r.op
        principal = principal_of(getattr(ctx, "request", None))
        who = principal.name if principal is not None else None
        try:
            args = check_fixed(r.args, r.fixed, op.where, name) if r.fixed else r.args
            model, key = validate(op.input, args, op.where, r.old_names)
            if op.keywords:
                check_extra(model, op.keywords, op.where)
        except InvalidArguments as exc:
            self.tracer.record(start, op.tool, op.name, r.legacy, None, None, INVALID, False, who)
            return error_result(exc.message)
        refused = await self._admit(op, principal)
        if refused is not None:
            self.tracer.record(
                start, op.tool, op.name, r.legacy, None, None, refused[0], False, who
            )
            return error_result(refused[1])
        if principal is not None and op.cache is not None and not op.cache_shared:
            key = json.dumps(principal.name) + key  # one principal's reads never serve another
        breaker = op.breaker
        state = None
        if breaker is not None:
            retry_after = breaker.allow()
            state = breaker.state
            if retry_after is not None:
                self.tracer.record(start, op.tool, op.name, r.legacy, None, state, OPEN, False, who)
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
            principal,
        )
        outcome: str | None = None
        counted = False  # the outcome counts toward the breaker (runtime/policies/breaker.py)
        cache_state: str | None = None
        try:
            if op.cache is None:
                result, outcome, counted = await self._run(op, model, tctx)
            else:
                ran: list[tuple[str, bool]] = []

                async def produce() -> tuple[types.CallToolResult, bool]:
                    res, out, cnt = await self._run(op, model, tctx)
                    ran.append((out, cnt))
                    return res, out == OK

                result, cache_state = await op.cache.get_or_run((op.tool, op.name, key), produce)
                if ran:
                    outcome, counted = ran[0]
        except BaseException:  # cancelled mid-call: what a write did is unknown
            if op.invalidates and op.cache is None:
                invalidate(op)
            raise
        finally:
            opened = False
            if breaker is not None:
                if counted:
                    opened = breaker.failure()
                elif outcome in (OK, TOOL_ERROR):
                    breaker.success()
                else:
                    breaker.neutral()
        # whenever the handler ran, whatever the outcome: a failed or timed-out write may have
        # changed data too, and a needless invalidation only costs a cache miss
        if op.invalidates and outcome is not None and outcome != OVERLOAD:
            await invalidate_everywhere(op)
        if outcome is None:
            outcome = ERROR if result.is_error else OK
        self.tracer.record(
            start, op.tool, op.name, r.legacy, cache_state, state, outcome, opened, who
        )
        return result

    async def _admit(self, op: Operation, principal: Principal | None) -> tuple[str, str] | None:
        """(outcome, message) when the caller may not run `op` now: a scope its token lacks
        (checked only with authentication), or a rate limit reached."""
        missing = missing_scopes(op.scopes, principal)
        if missing and principal is not None:
            return DENIED, scope_error(op.where, missing, principal)
        if op.rate_limits:
            message = await self.rate_limiter.check(op.rate_limits, principal)
            if message is not None:
                return LIMITED, message
        return None

    async def _run(
        self, op: Operation, model: BaseModel, tctx: ToolContext
    ) -> tuple[types.CallToolResult, str, bool]:
        """(result, outcome, counts toward the breaker)."""
        token = object()
        try:
            await acquire(self.limiter, "the server", token)
            try:
                await acquire(op.limiter, op.limiter_what, token)
            except Overloaded:
                self.limiter.release_on_behalf_of(token)
                raise
        except Overloaded as exc:
            return error_result(str(exc)), OVERLOAD, False
        try:
            with anyio.move_on_after(op.timeout) as scope:
                if op.is_async:
                    value = await op.call(model, tctx)
                else:
                    late = partial(invalidate, op) if op.invalidates else None
                    value = await self.workers.run(op.call, (model, tctx), late)
            if scope.cancelled_caught:
                tctx.cancelled = True
                return error_result(self._timed_out(op)), TIMEOUT, True
        except ToolError as exc:
            return error_result(exc.message), TOOL_ERROR, exc.transient and op.breaker is not None
        except MCPError as exc:  # a handler's deliberate protocol error: pass its message on
            return error_result(exc.error.message), TOOL_ERROR, False
        except Overloaded as exc:  # every thread for sync handlers is taken
            return error_result(str(exc)), OVERLOAD, False
        except Exception as exc:
            ref = uuid.uuid4().hex[:8]
            log.exception("handler of %s failed (ref %s)", op.where, ref)
            counted = op.breaker is not None and op.breaker.counts(exc)
            return (
                error_result(f"{op.where} failed with an internal error (ref {ref})"),
                ERROR,
                counted,
            )
        except BaseException:
            tctx.cancelled = True
            raise
        finally:
            op.limiter.release_on_behalf_of(token)
            self.limiter.release_on_behalf_of(token)
        result, problem = to_result(value, op.output, op.where)
        if problem is not None:
            log.error("%s returned a result that breaks its declared output: %s", op.where, problem)
            return result, OUTPUT, False
        if result.is_error:  # an upstream's own isError result: a tool error, never cached
            return result, TOOL_ERROR, False
        return result, OK, False

    def _timed_out(self, op: Operation) -> str:
        message = f"{op.where} timed out after {op.timeout:g} s"
        spec = self.build.tools[op.tool]["operations"].get(op.name) or {}
        if spec.get("effect") in WRITES:
            message += (
                " — the write may or may not have been applied; read the current state before"
                " retrying"
            )
        return message


async def invalidate_everywhere(op: Operation) -> None:
    """`invalidate`, returning once every worker sharing the cache (Redis) will see it."""
    for cache, target_tool, targets in op.invalidates:
        await cache.invalidate_everywhere(target_tool, targets)


def invalidate(op: Operation) -> None:
    """Drop (and detach from in-flight reads) the cached results `op` invalidates."""
    for cache, target_tool, targets in op.invalidates:
        cache.invalidate(target_tool, targets)
