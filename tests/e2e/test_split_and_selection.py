"""The example catalog's `split: effect` client (claude-code) and `read_only` client (reviewer),
served over stdio and called with the real `mcp` client: what each lists, what each answers,
and what each refuses with an error naming the operations that exist for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError

from tests.e2e.runtime_support import ROOT, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GENERATED = ROOT / "generated"


def _env(tmp: Path) -> dict[str, str]:
    return {"TOOLC_BMAD_DB": str(tmp / "bmad.sqlite3")}


async def _refused(c: Client, name: str, args: dict[str, Any]) -> str:
    """The message of a call that must not reach a handler (protocol or isError result)."""
    try:
        result = await c.call_tool(name, args)
    except MCPError as exc:
        return exc.error.message
    assert result.is_error, result
    return " ".join(getattr(part, "text", "") for part in result.content)


async def test_split_client_lists_true_hints_and_routes_each_half(tmp_path: Path) -> None:
    async with Client(
        stdio_params("claude-code", GENERATED, env=_env(tmp_path), cwd=tmp_path)
    ) as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
        read, write = tools["bmad_task_read"], tools["bmad_task_write"]
        assert "bmad_task" not in tools
        assert read.annotations is not None and read.annotations.read_only_hint is True
        assert read.annotations.destructive_hint is None  # meaningless when read-only
        # readOnlyHint false, destructiveHint true ("delete"): MCP's defaults, left unsaid
        hinted = write.annotations
        assert hinted is None or hinted.read_only_hint in (None, False)
        assert hinted is None or hinted.destructive_hint in (None, True)
        ops = ["get", "list", "search", "batch"]  # bmad_task batches (README: Batch calls)
        assert read.input_schema["properties"]["operation"]["enum"] == ops

        added = await c.call_tool("bmad_task_write", {"operation": "add", "title": "split"})
        assert not added.is_error, added
        task_id = added.structured_content["task_id"]
        got = await c.call_tool("bmad_task_read", {"operation": "get", "task_id": task_id})
        assert not got.is_error and got.structured_content["task"]["title"] == "split"
        # the master name and a legacy name still answer every operation
        master = await c.call_tool("bmad_task", {"operation": "get", "task_id": task_id})
        assert master.structured_content == got.structured_content
        legacy = await c.call_tool("task_get", {"task_id": task_id})
        assert legacy.structured_content == got.structured_content

        message = await _refused(c, "bmad_task_read", {"operation": "delete", "task_id": task_id})
        assert 'valid operations: "get", "list", "search"' in message
        assert 'call "bmad_task_write" for "delete"' in message
        still = await c.call_tool("bmad_task_read", {"operation": "get", "task_id": task_id})
        assert not still.is_error  # the refused delete never ran


async def test_read_only_client_answers_only_reads(tmp_path: Path) -> None:
    async with Client(stdio_params("reviewer", GENERATED, env=_env(tmp_path), cwd=tmp_path)) as c:
        assert c.instructions is not None  # server.instructions + the client's appended text
        assert c.instructions.endswith(
            "\n\nThis build is read-only; it cannot create, change or delete anything."
        )
        tools = {t.name: t for t in (await c.list_tools()).tools}
        assert all(t.annotations and t.annotations.read_only_hint for t in tools.values())
        assert "memory_add" not in tools
        enum = tools["bmad_task"].input_schema["properties"]["operation"]["enum"]
        assert enum == ["get", "list", "search", "batch"]  # a batch of reads only

        listed = await c.call_tool("bmad_task", {"operation": "list"})
        assert not listed.is_error, listed
        message = await _refused(c, "bmad_task", {"operation": "add", "title": "nope"})
        assert 'operation "add" of tool "bmad_task" is not available to this client' in message
        assert 'valid operations: "get", "list", "search"' in message
        for name, args in (("task_add", {"title": "nope"}), ("memory_add", {"content": "x"})):
            assert "unknown tool" in await _refused(c, name, args)
        after = await c.call_tool("bmad_task", {"operation": "list"})
        assert after.structured_content == listed.structured_content  # nothing was written
