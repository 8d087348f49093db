"""Issue 11, bad input and a sick disk: clear errors, and the breaker stays closed for everyone.

Real server over stdio (real mcp client), real SQLite. On 71c1119 five calls with an input the
handler could not take (a task id beyond int64, a 1,000-word search, an offset beyond int64) each
became "internal error" and opened the operation's breaker, so the next, valid call of
any client was refused for 30 s; a full disk and a locked database were "internal error" (or a
timeout) with the reason only on stderr.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.security.handlers_support import INTERNAL, Session, serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

THRESHOLD = 5  # the catalog's standard breaker: failure_threshold 5
WORDS = " ".join(f"w{i}" for i in range(1200))
Call = tuple[str, str | None, dict[str, Any]]

# case -> (bad call, good call of the same operation)
CASES: dict[str, tuple[Call, Call]] = {
    "task id beyond int64": (
        ("bmad_task", "get", {"task_id": "t" + "9" * 30}),
        ("bmad_task", "get", {"task_id": "t1"}),
    ),
    "task search of 1,200 words": (
        ("bmad_task", "search", {"query": WORDS}),
        ("bmad_task", "search", {"query": "seed"}),
    ),
    "task list offset beyond int64": (
        ("bmad_task", "list", {"offset": 2**70}),
        ("bmad_task", "list", {"offset": 0}),
    ),
}


async def _seed(s: Session) -> None:
    assert not (await s.call("bmad_task", "add", title="seed task")).error
    assert not (await s.call("memory_add", content="seed memory")).error


@pytest.mark.parametrize("case", sorted(CASES))
async def test_bad_input_never_opens_the_breaker(tmp_path: Path, case: str) -> None:
    (bad_tool, bad_op, bad_args), (tool, op, args) = CASES[case]
    env = {"TOOLC_BMAD_DB": str(tmp_path / "bmad.sqlite3")}
    async with serve(env, tmp_path) as s:
        await _seed(s)
        answers = [await s.call(bad_tool, bad_op, **bad_args) for _ in range(THRESHOLD + 1)]
        good = await s.call(tool, op, **args)
    for answer in answers:
        assert answer.error and INTERNAL not in answer.text, f"{case}: {answer.text[:300]}"
        assert len(answer.text) < 2000, "the error echoes the whole input"
    assert not good.error, f"{case}: a valid call after bad ones was refused: {good.text}"


FSIZE_LAUNCHER = (
    "import resource, runpy, sys; limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)); "
    "sys.argv = ['toolc', *sys.argv[4:]]; runpy.run_module('toolc', run_name='__main__')"
)


async def test_a_full_disk_is_a_clear_error_that_never_opens_the_breaker(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    env = {"TOOLC_BMAD_DB": str(db)}
    async with serve(env, tmp_path) as s:
        await _seed(s)  # creates and migrates the database at its normal size
    limit = db.stat().st_size + 64 * 1024  # room to read, none for a 190 kB document
    prefix = ("-c", FSIZE_LAUNCHER, str(limit))
    async with serve(env, tmp_path, prefix) as s:
        answers = [
            await s.call("bmad_doc", "create", title="big", content="x" * 190_000)
            for _ in range(THRESHOLD + 1)
        ]
        listed = await s.call("bmad_task", "list")
    for answer in answers:
        assert answer.error and INTERNAL not in answer.text, answer.text
        assert "could not be written: the disk is full" in answer.text, answer.text
    assert not listed.error and listed.data["total"] == 1


async def test_a_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    env = {"TOOLC_BMAD_DB": str(db)}
    async with serve(env, tmp_path) as s:
        await _seed(s)
        holder = sqlite3.connect(db, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")  # another writer that never lets go
            locked = await s.call("bmad_task", "add", title="waits")
        finally:
            holder.close()
        after = await s.call("bmad_task", "add", title="goes through")
    assert locked.error and INTERNAL not in locked.text and "timed out" not in locked.text
    assert "stayed locked by another writer" in locked.text, locked.text
    assert not after.error, after.text
