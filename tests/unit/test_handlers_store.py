"""handlers.store: location, migrations, WAL, concurrency, and all-or-nothing writes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from handlers import store
from handlers.bmad import plans, tasks
from toolc import ToolError


@pytest.fixture(autouse=True)
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "bmad.sqlite3"
    monkeypatch.setenv(store.ENV_DB, str(path))
    return path


def test_env_var_names_the_file_and_schema_is_created_on_first_use(db: Path) -> None:
    assert not db.exists()
    tasks.add(title="first")
    assert db.is_file()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert {"tasks", "plans", "docs", "doc_reviews", "workflows", "memories_fts"} <= names


def test_default_path_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.ENV_DB)
    path = store.db_path()
    assert path.name == "bmad.sqlite3"
    assert "toolc" in path.parts


def test_data_survives_a_new_process_view(db: Path) -> None:
    tasks.add(title="kept")
    store._ready.clear()  # as if the server restarted: migrations run again, data stays
    assert tasks.get(task_id="t1")["task"]["title"] == "kept"


def test_unwritable_location_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(store.ENV_DB, str(blocker / "db.sqlite3"))
    with pytest.raises(ToolError, match="TOOLC_BMAD_DB"):
        tasks.add(title="x")


def test_newer_schema_is_refused(db: Path) -> None:
    tasks.add(title="x")
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {len(store.MIGRATIONS) + 1}")
    conn.commit()
    conn.close()
    store._ready.clear()
    with pytest.raises(ToolError, match="newer than this server"):
        tasks.list_tasks()


def test_concurrent_writers_lose_nothing() -> None:
    threads, per_thread = 16, 25
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(per_thread):
                tasks.add(title=f"thread {n} task {i}")
                tasks.list_tasks(limit=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    listed = tasks.list_tasks(limit=200, offset=0)
    assert listed["total"] == threads * per_thread
    ids = {t["task_id"] for t in tasks.list_tasks(limit=200)["tasks"]}
    ids |= {t["task_id"] for t in tasks.list_tasks(limit=200, offset=200)["tasks"]}
    assert len(ids) == threads * per_thread


def test_failing_multi_step_write_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plans.create(name="release", steps=["one", "two", "three"])["plan_id"]
    plans.validate(plan_id=plan)
    real_insert = tasks.insert
    calls = 0

    def flaky_insert(conn: sqlite3.Connection, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk on fire")
        return real_insert(conn, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "insert", flaky_insert)
    with pytest.raises(RuntimeError):
        plans.execute(plan_id=plan)
    monkeypatch.setattr(tasks, "insert", real_insert)
    assert tasks.list_tasks()["total"] == 0  # the two tasks written before the failure are gone
    assert plans.get(plan_id=plan)["plan"]["status"] == "validated"
    # even the id sequence rolled back: the retry reuses t1..t3
    assert plans.execute(plan_id=plan)["task_ids"] == ["t1", "t2", "t3"]


def test_bad_ids_are_reported_like_unknown_ones() -> None:
    for bad in ("", "x1", "t", "t-1", "p1"):
        with pytest.raises(ToolError, match="does not exist"):
            tasks.get(task_id=bad)


@pytest.mark.parametrize("bad", ["t" + "9" * 30, "t²", "t١", "t-1", "t 1"])
def test_ids_no_int64_holds_are_unknown_not_crashes(bad: str) -> None:
    with pytest.raises(ToolError, match="does not exist"):
        tasks.get(bad)


def test_numbers_sqlite_cannot_hold_are_a_tool_error() -> None:
    with pytest.raises(ToolError, match="a number is too large for the BMAD database"):
        tasks.list_tasks(offset=2**70)


def test_too_many_words_are_a_tool_error() -> None:
    from handlers.platform import memory

    words = " ".join(f"w{i}" for i in range(tasks.MAX_QUERY_WORDS + 1))
    with pytest.raises(ToolError, match="more than 32 — search for fewer words"):
        tasks.search(words)
    with pytest.raises(ToolError, match="more than 32 — search for fewer words"):
        memory.search(words)


def test_a_locked_database_is_a_tool_error_naming_the_lock(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks.add(title="first")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(
            ToolError, match=r"stayed locked by another writer .* nothing was saved"
        ):
            tasks.add(title="second")
    finally:
        holder.close()
    assert [t["title"] for t in tasks.list_tasks()["tasks"]] == ["first"]
