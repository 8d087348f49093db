"""The runtime's own threads for `def` handlers: bounded, daemon, and stopped when abandoned.

anyio's shared pool forgets a thread once its caller is cancelled (`abandon_on_cancel`), so every
timed-out sync handler used to leave a thread running, unbounded and unstoppable. Here a handler's
thread counts against the bound until the handler really returns, also after its caller stopped
waiting (timeout, cancellation); while all slots are taken, further sync calls are refused with an
overload error that says why. An abandoned handler is stopped: `HandlerStopped` is raised inside
its thread (`PyThreadState_SetAsyncExc`, safe only because the runtime owns these threads), which
ends a pure-Python loop at once and a blocking C call (sleep, socket, SQLite) as soon as it
returns; `ToolContext.cancelled` lets a handler notice earlier. Threads are daemons, so a hung
handler never keeps the process alive, and idle ones are reused.

Bookkeeping happens on the event loop; the only state a worker shares is guarded by one lock, and
an injected exception is aimed only at a job that is still running its handler and at most once,
so it can never land in another job.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ctypes
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, Final

from .policies.limits import Overloaded

IDLE_SECONDS: Final = 60.0  # an idle thread waits this long for work before it ends

QUEUED: Final = 0
RUNNING: Final = 1
RETURNED: Final = 2

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc  # (thread id, exception or NULL)


class HandlerStopped(BaseException):
    """Raised inside an abandoned sync handler to stop it (a BaseException, so a handler's
    `except Exception` does not swallow it)."""


def _worker_thread_context() -> contextlib.AbstractContextManager[Any]:
    """Make a worker an "AnyIO worker thread", so handlers can still use `anyio.from_thread`."""
    try:
        from anyio._core._eventloop import claim_worker_thread
        from anyio.lowlevel import current_token
    except ImportError:  # pragma: no cover - a future anyio without it: handlers use ctx._sync
        return contextlib.nullcontext()
    token = current_token()
    return claim_worker_thread(token.backend_class, token.native_token)


class _Job:
    __slots__ = (
        "abandoned",
        "args",
        "context",
        "error",
        "fn",
        "future",
        "ident",
        "injected",
        "on_late_return",
        "reported",
        "state",
        "value",
    )

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        future: asyncio.Future[Any],
        on_late_return: Callable[[], None] | None,
    ) -> None:
        self.fn = fn
        self.args = args
        self.future = future
        self.on_late_return = on_late_return
        self.context = contextvars.copy_context()
        self.state = QUEUED  # worker-side, under the pool's lock
        self.ident = 0
        self.injected = False  # under the lock: HandlerStopped was aimed at it
        self.abandoned = False  # under the lock: nobody waits for the result any more
        self.reported = False  # loop-side: the worker's report was handled
        self.value: Any = None
        self.error: BaseException | None = None


class Workers:
    """At most `limit` threads running sync handlers, abandoned ones included."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, int(limit))
        self.busy = 0  # loop-side: jobs handed out and not yet reported back
        self.abandoned = 0  # loop-side: of those, the ones nobody waits for
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        on_late_return: Callable[[], None] | None = None,
    ) -> Any:
        """`fn(*args)` on a worker thread; `on_late_return` runs (on the loop) when an abandoned
        call's handler finally returns. Raises `Overloaded` when every slot is taken."""
        if self.busy >= self.limit:
            raise Overloaded(self._overloaded())
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # idle threads report to the loop they were made on
            self._retire_idle()
            self._loop = loop
        job = _Job(fn, args, loop.create_future(), on_late_return)
        self.busy += 1
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None:
            worker = _Worker(self, loop, _worker_thread_context())
            worker.start()
        worker.jobs.put(job)
        try:
            return await job.future
        except BaseException:
            if not job.reported:
                self._abandon(job)
            raise

    def _retire_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.jobs.put(None)

    def _overloaded(self) -> str:
        stuck = (
            f", {self.abandoned} of them still running handlers that timed out or were cancelled"
            if self.abandoned
            else ""
        )
        return (
            f"server overloaded: all {self.limit} threads for synchronous handlers are busy"
            f"{stuck} — retry in a few seconds"
        )

    def _abandon(self, job: _Job) -> None:
        """The caller stopped waiting: stop the handler; keep its slot until it returns."""
        self.abandoned += 1
        with self._lock:
            job.abandoned = True
            if job.state == RUNNING and not job.injected:
                job.injected = True
                _set_async_exc(ctypes.c_ulong(job.ident), ctypes.py_object(HandlerStopped))

    def _report(self, job: _Job) -> None:
        """On the loop: the worker is done with `job` (its handler returned, or never ran)."""
        if job.reported:
            return
        job.reported = True
        self.busy -= 1
        if job.abandoned:
            self.abandoned -= 1
            if job.on_late_return is not None and job.ident:
                job.on_late_return()
            return
        if job.future.done():
            return
        if job.error is None:
            job.future.set_result(job.value)
        elif isinstance(job.error, StopIteration):  # a Future refuses StopIteration
            job.future.set_exception(RuntimeError("handler raised StopIteration"))
        else:
            job.future.set_exception(job.error)


class _Worker(threading.Thread):
    def __init__(
        self,
        pool: Workers,
        loop: asyncio.AbstractEventLoop,
        anyio_context: contextlib.AbstractContextManager[Any],
    ) -> None:
        super().__init__(name="toolc-handler", daemon=True)
        self.pool = pool
        self.loop = loop
        self.anyio_context = anyio_context
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()  # None: end the thread

    def run(self) -> None:
        with self.anyio_context:
            for job in self._jobs():
                self._execute(job)
                try:
                    self.loop.call_soon_threadsafe(self.pool._report, job)
                except RuntimeError:  # the loop is closed: nobody is waiting any more
                    return

    def _jobs(self) -> Iterator[_Job]:
        job = self.jobs.get()
        while job is not None:
            yield job
            job = self._next()

    def _next(self) -> _Job | None:
        pool = self.pool
        with pool._lock:
            if len(pool._idle) >= pool.limit:
                return None
            pool._idle.append(self)
        try:
            return self.jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with pool._lock:
                if self in pool._idle:
                    pool._idle.remove(self)
                    return None
            return self.jobs.get()  # a caller took this thread just now; its job is coming

    def _execute(self, job: _Job) -> None:
        # HandlerStopped is aimed only at a RUNNING job, at most once; it may land anywhere from
        # the handler up to the clearing call below, so all of that sits inside this `try`
        lock = self.pool._lock
        try:
            with lock:
                if job.abandoned:  # cancelled before it started: never run it
                    job.state = RETURNED
                    return
                job.state = RUNNING
                job.ident = threading.get_ident()
            try:
                job.value = job.context.run(job.fn, *job.args)
            except BaseException as exc:
                job.error = exc
            with lock:
                job.state = RETURNED
                injected = job.injected
            if injected:  # aimed at the handler but not raised yet: clear it (NULL clears)
                _set_async_exc(ctypes.c_ulong(job.ident), None)
        except HandlerStopped:  # landed just after the handler returned
            with lock:
                job.state = RETURNED
