"""`toolc serve --transport http --workers N`: N worker processes serving one listening socket.

The parent binds the port, loads the build, then forks N workers that each run their own uvicorn
server (their own event loop, Redis connection and trace writer) on the inherited socket; the
kernel spreads new connections across them. The parent only supervises: a worker that dies is
started again (at most once a second), SIGTERM or SIGINT is passed to every worker, which finish
the requests they have (uvicorn's graceful shutdown), and one that has not ended after `GRACE`
seconds is killed. On Linux a worker also gets SIGTERM when the parent dies, however it dies.

Workers share nothing but Redis (`--state`); without it each keeps its own cache, and a write
through one worker is not seen by the cached reads of another until their `ttl` runs out.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import Any, Final

log = logging.getLogger("toolc.runtime.http")

GRACE: Final = 10.0  # seconds workers get to finish after SIGTERM before they are killed
RESTART_EVERY: Final = 1.0  # seconds between restarts of a worker that died
POLL: Final = 0.05
PR_SET_PDEATHSIG: Final = 1


def _die_with_parent(parent: int) -> None:
    """Ask the kernel for SIGTERM when the parent dies (Linux), then close the race."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _child(
    serve: Callable[[], None],
    parent: int,
    index: int,
    started: Callable[[int], None] | None,
) -> None:
    """In a forked worker: run `serve` and leave without returning into the parent's code."""
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # its own process group: a terminal's Ctrl-C reaches the parent only, which passes one
        # SIGTERM on (two signals would make uvicorn drop requests in flight)
        os.setpgid(0, 0)
        _die_with_parent(parent)
        if started is not None:
            started(index)
        serve()
    except KeyboardInterrupt:
        pass
    except BaseException:
        log.exception("worker %d crashed", os.getpid())
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)


def supervise(
    count: int, serve: Callable[[], None], started: Callable[[int], None] | None = None
) -> int:
    """Run `serve` in `count` forked workers until SIGTERM/SIGINT; returns the exit status.

    `started(index)` runs first in each worker (index 0 to count - 1; a replacement takes the
    index of the worker it replaces)."""
    if not hasattr(os, "fork"):
        raise OSError("--workers needs a system with fork() (Linux, macOS)")
    parent = os.getpid()
    workers: dict[int, int] = {}  # pid -> worker index
    stopping: list[float] = []  # the time shutdown began

    def start() -> None:
        index = min(set(range(count)) - set(workers.values()))
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(serve, parent, index, started)
        workers[pid] = index

    def stop(signum: int, _frame: Any) -> None:
        if not stopping:
            stopping.append(time.monotonic())
        for pid in list(workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(count):
            start()
        restart_at = 0.0
        while workers:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                time.sleep(POLL)
                if stopping and time.monotonic() - stopping[0] > GRACE:
                    for left in list(workers):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(left, signal.SIGKILL)
                elif not stopping and len(workers) < count and time.monotonic() >= restart_at:
                    start()
                continue
            if workers.pop(pid, None) is None:
                continue
            if not stopping:
                log.warning("worker %d ended (%s); starting another", pid, _describe(status))
                restart_at = time.monotonic() + RESTART_EVERY
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
