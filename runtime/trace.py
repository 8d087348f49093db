"""Call spans, batched to JSONL: flushed at 100 spans, every 10 s, and at shutdown.

A span is appended to a list as a tuple on the call path; JSON encoding happens at flush time.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Final

import anyio

FIELDS: Final = ("ts", "tool", "operation", "legacy", "cache", "breaker", "ms", "outcome", "opened")
FLUSH_AT: Final = 100
FLUSH_EVERY: Final = 10.0
DEFAULT_DIR: Final = ".toolc"

Span = tuple[float, str, str, str | None, str | None, str | None, float, str, bool]

log = logging.getLogger("toolc.runtime")


def default_path(client: str) -> Path:
    return Path(DEFAULT_DIR) / f"trace-{client}.jsonl"


class Tracer:
    __slots__ = ("path", "spans")

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path else None
        self.spans: list[Span] = []

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
        ms = (time.perf_counter() - start) * 1000.0
        self.spans.append(
            (time.time(), tool, operation, legacy, cache, breaker, ms, outcome, opened)
        )
        if len(self.spans) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if not self.spans or self.path is None:
            return
        spans, self.spans = self.spans, []
        lines = "".join(
            json.dumps(dict(zip(FIELDS, s, strict=True)), separators=(",", ":")) + "\n"
            for s in spans
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(lines)
        except OSError as exc:
            log.warning("cannot write spans to %s: %s", self.path, exc)

    async def run_periodic(self) -> None:
        """Flush every FLUSH_EVERY seconds until cancelled."""
        while True:
            await anyio.sleep(FLUSH_EVERY)
            self.flush()
