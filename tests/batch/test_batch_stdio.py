"""Batch calls end to end over stdio: the example catalog's real server, SQLite and `mcp` client.

The `mcp` client checks every structured result against the tool's `outputSchema`, so each batch
call below also proves the listed schema matches what a batch returns.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.e2e.runtime_support import ROOT, stdio_params

pytestmark = pytest.mark.anyio

GENERATED = ROOT / "generated"
CLIENT = "cursor"  # flat dialect, bmad_task batches up to 100 items
TIMESTAMPS = frozenset({"created_at", "updated_at"})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _env(db: Path) -> dict[str, str]:
    return {"TOOLC_BMAD_DB": str(db)}


def _server(db: Path, *extra: str, client: str = CLIENT) -> Client:
    return Client(stdio_params(client, GENERATED, *extra, env=_env(db), cwd=db.parent))


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in TIMESTAMPS}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _task_titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM tasks ORDER BY rowid")]


def _adds(count: int, prefix: str = "task") -> list[dict[str, Any]]:
    return [
        {"operation": "add", "arguments": {"title": f"{prefix} {i}", "priority": "high"}}
        for i in range(count)
    ]


async def test_a_batch_returns_what_the_single_calls_return(tmp_path: Path) -> None:
    (tmp_path / "single").mkdir()
    (tmp_path / "batch").mkdir()
    single_db, batch_db = tmp_path / "single" / "bmad.sqlite3", tmp_path / "batch" / "bmad.sqlite3"
    calls = [*_adds(50), {"operation": "list", "arguments": {"limit": 100}}]
    singles: list[Any] = []
    async with _server(single_db) as c:
        for call in calls:
            result = await c.call_tool(
                "bmad_task", {"operation": call["operation"], **call["arguments"]}
            )
            assert not result.is_error, result.content
            singles.append(result.structured_content)
    async with _server(batch_db) as c:
        result = await c.call_tool("bmad_task", {"operation": "batch", "calls": calls})
    assert not result.is_error, result.content
    batch = result.structured_content
    assert batch is not None
    assert batch["summary"] == {"ran": 51, "failed": [], "not_run": []}
    assert [entry["ok"] for entry in batch["results"]] == [True] * 51
    assert _without_times([entry["result"] for entry in batch["results"]]) == _without_times(
        singles
    )
    assert batch["results"][-1]["result"]["total"] == 50  # the list ran after every add
    assert json.loads(result.content[0].text) == batch  # type: ignore[union-attr]
    assert _task_titles(batch_db) == _task_titles(single_db)


async def test_an_invalid_item_rejects_the_batch_before_anything_is_written(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    calls = _adds(10)
    calls[6] = {"operation": "add", "arguments": {"title": "", "priority": "high"}}
    async with _server(db) as c:
        first = await c.call_tool("bmad_task", {"operation": "add", "title": "before"})
        assert not first.is_error
        result = await c.call_tool("bmad_task", {"operation": "batch", "calls": calls})
        assert result.is_error
        text = result.content[0].text  # type: ignore[union-attr]
        assert text.startswith("invalid batch, nothing ran: calls[6] (add): ")
        assert '"title"' in text
        unknown = [*_adds(2), {"operation": "add", "arguments": {"title": "x", "colour": "red"}}]
        result = await c.call_tool("bmad_task", {"operation": "batch", "calls": unknown})
        assert result.is_error
        assert "calls[2]" in result.content[0].text  # type: ignore[union-attr]
        assert '"colour": unknown parameter' in result.content[0].text  # type: ignore[union-attr]
    assert _task_titles(db) == ["before"]


async def test_items_cannot_nest_batches_or_name_other_operations(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    bad_items: list[tuple[Any, str]] = [
        ({"operation": "batch", "arguments": {"calls": []}}, "a batch cannot contain a batch"),
        ({"operation": "create", "arguments": {}}, "cannot run in this batch"),
        ({"operation": "add", "tool": "bmad_plan", "arguments": {}}, '"calls[1].tool"'),
        ({"operation": "add", "arguments": {"operation": "get"}}, "calls[1].arguments.operation"),
        ("add", "should be an object"),
    ]
    async with _server(db) as c:
        for item, expected in bad_items:
            calls = [*_adds(1), item]
            result = await c.call_tool("bmad_task", {"operation": "batch", "calls": calls})
            assert result.is_error, item
            assert expected in result.content[0].text, result.content  # type: ignore[union-attr]
    assert not db.exists() or _task_titles(db) == []


async def test_stop_on_error_leaves_later_writes_unapplied(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    calls = [
        {"operation": "add", "arguments": {"title": "a"}},
        {"operation": "update", "arguments": {"task_id": "t999", "status": "done"}},
        {"operation": "add", "arguments": {"title": "b"}},
        {"operation": "add", "arguments": {"title": "c"}},
    ]
    async with _server(db) as c:
        single = await c.call_tool(
            "bmad_task", {"operation": "update", "task_id": "t999", "status": "done"}
        )
        assert single.is_error
        result = await c.call_tool(
            "bmad_task", {"operation": "batch", "calls": calls, "stop_on_error": True}
        )
        assert not result.is_error, result.content
        batch = result.structured_content
        assert batch is not None
        assert batch["summary"] == {"ran": 2, "failed": [1], "not_run": [2, 3]}
        results = batch["results"]
        assert results[0]["ok"] and results[0]["result"]["task_id"] == "t1"
        # the failed item carries exactly the single call's error text
        assert results[1] == {"ok": False, "error": single.content[0].text}  # type: ignore[union-attr]
        assert [r["ok"] for r in results[2:]] == [False, False]
        assert all(r["error"].startswith("not run: ") for r in results[2:])
        assert _task_titles(db) == ["a"]
        # without stop_on_error every item runs and the failure is reported in place
        result = await c.call_tool("bmad_task", {"operation": "batch", "calls": calls})
        batch = result.structured_content
        assert batch is not None
        assert batch["summary"] == {"ran": 4, "failed": [1], "not_run": []}
    assert _task_titles(db) == ["a", "a", "b", "c"]


async def test_reads_in_a_batch_share_the_cache_with_single_reads(tmp_path: Path) -> None:
    db, trace = tmp_path / "bmad.sqlite3", tmp_path / "trace.jsonl"
    get = {"operation": "get", "arguments": {"task_id": "t1"}}
    async with _server(db, "--trace", str(trace)) as c:
        assert not (await c.call_tool("bmad_task", {"operation": "add", "title": "a"})).is_error
        single = await c.call_tool("bmad_task", {"operation": "get", "task_id": "t1"})  # a miss
        batch = await c.call_tool("bmad_task", {"operation": "batch", "calls": [get, get]})
        assert batch.structured_content is not None
        results = batch.structured_content["results"]
        assert results == [{"ok": True, "result": single.structured_content}] * 2
        # a write in the batch drops what it invalidates, as a single write does
        update = {"operation": "update", "arguments": {"task_id": "t1", "title": "b"}}
        batch = await c.call_tool("bmad_task", {"operation": "batch", "calls": [update, get]})
        assert batch.structured_content is not None
        assert batch.structured_content["results"][1]["result"]["task"]["title"] == "b"
    spans = [json.loads(line) for line in trace.read_text().splitlines()]
    seen = [(s["operation"], s["cache"], s["outcome"]) for s in spans]
    assert seen == [
        ("add", None, "ok"),
        ("get", "miss", "ok"),
        ("get", "hit", "ok"),
        ("get", "hit", "ok"),
        ("batch", None, "ok"),
        ("update", None, "ok"),
        ("get", "miss", "ok"),
        ("batch", None, "ok"),
    ]


async def test_a_batch_larger_than_max_items_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    async with _server(db) as c:
        result = await c.call_tool("bmad_task", {"operation": "batch", "calls": _adds(101)})
        assert result.is_error
        text = result.content[0].text  # type: ignore[union-attr]
        assert '"calls": 101 items, this tool takes at most 100 per batch' in text
        result = await c.call_tool("bmad_task", {"operation": "batch", "calls": []})
        assert result.is_error
    assert not db.exists() or _task_titles(db) == []


async def test_a_split_read_tool_batches_only_reads(tmp_path: Path) -> None:
    db = tmp_path / "bmad.sqlite3"
    async with _server(db, client="claude-code") as c:
        listed = {t.name: t for t in (await c.list_tools()).tools}
        read_items = listed["bmad_task_read"].input_schema["properties"]["calls"]["items"]
        assert read_items["properties"]["operation"]["enum"] == ["get", "list", "search"]
        assert listed["bmad_task_read"].annotations.read_only_hint is True  # type: ignore[union-attr]
        calls = [{"operation": "list"}, {"operation": "add", "arguments": {"title": "x"}}]
        result = await c.call_tool("bmad_task_read", {"operation": "batch", "calls": calls})
        assert result.is_error
        assert '"add" cannot run in this batch' in result.content[0].text  # type: ignore[union-attr]
        result = await c.call_tool("bmad_task_write", {"operation": "batch", "calls": calls[1:]})
        assert not result.is_error, result.content
        result = await c.call_tool("bmad_task_read", {"operation": "batch", "calls": calls[:1]})
        assert result.structured_content is not None
        assert result.structured_content["results"][0]["result"]["total"] == 1
    assert _task_titles(db) == ["x"]
