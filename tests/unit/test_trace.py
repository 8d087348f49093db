"""Spans leave the call path at once: a background thread writes them, a full buffer drops and
counts instead of blocking, and close() writes what is left. Real files and a real FIFO."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from toolc.runtime.trace import Tracer


def _spans(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_spans_are_written_by_the_writer_thread_and_at_close(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "spans.jsonl"
    tracer = Tracer(path, flush_at=10, flush_every=60)
    for i in range(10):
        tracer.record(time.perf_counter(), "t", f"op{i}", None, None, None, "ok")
    deadline = time.monotonic() + 5
    while not path.exists() or len(path.read_text().splitlines()) < 10:
        assert time.monotonic() < deadline, "the writer thread did not flush at flush_at"
        time.sleep(0.01)
    tracer.record(time.perf_counter(), "t", "last", "old_name", "hit", "closed", "ok", True)
    tracer.close()
    spans = _spans(path)
    assert [s["operation"] for s in spans] == [*(f"op{i}" for i in range(10)), "last"]
    assert spans[-1]["legacy"] == "old_name" and spans[-1]["opened"] is True


def test_record_never_blocks_on_a_stuck_file_and_counts_what_it_drops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fifo = tmp_path / "spans.jsonl"
    os.mkfifo(fifo)  # nobody reads it: the writer thread blocks opening it
    tracer = Tracer(fifo, max_pending=50, flush_at=10, flush_every=60)
    start = time.perf_counter()
    for _ in range(1000):
        tracer.record(time.perf_counter(), "t", "op", None, None, None, "ok")
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"1000 records took {elapsed:.3f} s"
    # at most one buffer waiting and one in the writer's hands (taken before it blocked)
    assert len(tracer.pending) <= 50 and tracer.dropped >= 900
    assert "span buffer full" in caplog.text
    # unblock the writer: a reader opens the FIFO and reads everything it writes
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        tracer.close()
        data = b""
        while chunk := _read(fd):
            data += chunk
    finally:
        os.close(fd)
    lines = [json.loads(x) for x in data.decode().splitlines()]
    written = [x for x in lines if "tool" in x]
    assert written and len(written) + tracer.dropped == 1000
    assert sum(int(x["dropped"]) for x in lines if "dropped" in x) == tracer.dropped


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 1 << 16)
    except BlockingIOError:
        return b""


def test_no_path_records_nothing_and_starts_no_thread() -> None:
    tracer = Tracer(None)
    tracer.record(time.perf_counter(), "t", "op", None, None, None, "ok")
    assert not tracer.pending and tracer._thread is None
    tracer.close()
