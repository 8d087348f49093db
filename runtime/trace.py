"""Call spans to JSONL, written by a background thread so the event loop never waits on them.

`record()` (on the call path) formats its span as one JSON line (a couple of microseconds:
strings through the C string encoder, no dict, no `json.dumps`) and appends it to a bounded
in-memory buffer: no file I/O, no lock. A daemon thread, started on the first span, wakes when
`FLUSH_AT` spans are waiting or every `FLUSH_EVERY` seconds and appends them to the file it keeps
open; its work under the GIL is a join, so it cannot hold up the event loop (encoding a hundred
spans there at once did: p99 doubled). When the buffer holds `MAX_PENDING` spans (the disk
stalls, the file is a pipe nobody reads) a new span is dropped and counted instead of blocking a
call; the count is logged, and a `{"dropped": N}` line is written once the file accepts writes
again. `close()` (at shutdown) writes what is left, waiting at most `CLOSE_WAIT` seconds for a
stuck writer.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Final, TextIO

FIELDS: Final = ("ts", "tool", "operation", "legacy", "cache", "breaker", "ms", "outcome", "opened")
FLUSH_AT: Final = 100
FLUSH_EVERY: Final = 10.0
MAX_PENDING: Final = 10_000  # spans waiting for the writer; more are dropped and counted
CLOSE_WAIT: Final = 5.0
DEFAULT_DIR: Final = ".toolc"

log = logging.getLogger("toolc.runtime")
_encode = json.JSONEncoder(separators=(",", ":")).encode
_string: Callable[[str], str] = json.encoder.encode_basestring_ascii


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def span_line(
    ts: float,
    tool: str,
    operation: str,
    legacy: str | None,
    cache: str | None,
    breaker: str | None,
    ms: float,
    outcome: str,
    opened: bool,
) -> str:
    """One span as a JSON line, keys in FIELDS order (what `json.dumps` of the dict gives)."""
    return (
        f'{{"ts":{ts!r},"tool":{_string(tool)},"operation":{_string(operation)},'
        f'"legacy":{_text(legacy)},"cache":{_text(cache)},"breaker":{_text(breaker)},'
        f'"ms":{ms!r},"outcome":{_string(outcome)},"opened":{"true" if opened else "false"}}}\n'
    )


def default_path(client: str) -> Path:
    return Path(DEFAULT_DIR) / f"trace-{client}.jsonl"


class Tracer:
    __slots__ = (
        "_file",
        "_lock",
        "_stop",
        "_thread",
        "_wake",
        "dropped",
        "flush_at",
        "flush_every",
        "max_pending",
        "path",
        "pending",
        "reported",
    )

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        *,
        max_pending: int = MAX_PENDING,
        flush_at: int = FLUSH_AT,
        flush_every: float = FLUSH_EVERY,
    ) -> None:
        self.path = Path(path) if path else None
        self.pending: deque[str] = deque()  # JSON lines
        self.max_pending = max_pending
        self.flush_at = flush_at
        self.flush_every = flush_every
        self.dropped = 0  # spans refused because the buffer was full
        self.reported = 0  # of those, how many a {"dropped": N} line already accounts for
        self._wake = threading.Event()
        self._stop = False
        self._lock = threading.Lock()  # one writer at a time: the thread, or flush()/close()
        self._thread: threading.Thread | None = None
        self._file: TextIO | None = None

    def record(
        self,
        start: float,
        tool: str,
        operation: str,
        legacy: str | None,
        cache: str | None,
        breaker: str | None,
        outcome: str,
        opened: bool = False,
    ) -> None:
        if self.path is None:
            return
        pending = self.pending
        if len(pending) >= self.max_pending:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("span buffer full: %d span(s) dropped so far", self.dropped)
            return
        ms = (time.perf_counter() - start) * 1000.0
        pending.append(
            span_line(time.time(), tool, operation, legacy, cache, breaker, ms, outcome, opened)
        )
        if self._thread is None:
            self._start()
        elif len(pending) == self.flush_at:
            self._wake.set()

    def _start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="toolc-trace", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            self._wake.wait(self.flush_every)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        """Write every waiting span now (the writer thread's job; also safe from any thread)."""
        if self.path is None:
            return
        with self._lock:
            pending = self.pending
            lines = [pending.popleft() for _ in range(len(pending))]
            if self.dropped > self.reported:
                lines.append(_encode({"dropped": self.dropped - self.reported}) + "\n")
                self.reported = self.dropped
            if lines:
                self._write("".join(lines))

    def _write(self, text: str) -> None:
        assert self.path is not None
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(text)
            self._file.flush()
        except OSError as exc:
            log.warning("cannot write spans to %s: %s", self.path, exc)
            self._close_file()

    def _close_file(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

    def close(self) -> None:
        """Stop the writer and write what is left (waiting at most CLOSE_WAIT seconds)."""
        self._stop = True
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(CLOSE_WAIT)
            if thread.is_alive():  # blocked in a write: leave it, the process may exit
                log.warning("span writer is stuck; %d span(s) not written", len(self.pending))
                return
        self.flush()
        with self._lock:
            self._close_file()
        if self.dropped:
            log.warning("%d span(s) dropped because the span buffer was full", self.dropped)
