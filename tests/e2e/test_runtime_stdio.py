"""The runtime as a stdio subprocess, driven by the real mcp client in both protocol eras."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client, MCPError, types

from tests.e2e.runtime_support import FIXTURE, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.mark.parametrize(("mode", "version"), [("auto", "2026-07-28"), ("legacy", "2025-11-25")])
async def test_list_call_legacy_and_invalid_over_stdio(mode: str, version: str) -> None:
    async with Client(stdio_params(), mode=mode) as c:
        assert c.protocol_version == version
        tools = await c.list_tools()
        expected = json.loads((FIXTURE / "clients/test/tools_list.json").read_text())["tools"]
        assert [t.name for t in tools.tools] == [t["name"] for t in expected]

        added = await c.call_tool("notes", {"operation": "add", "title": "hello"})
        note_id = added.structured_content["note_id"]  # type: ignore[index]
        master = await c.call_tool("notes", {"operation": "get", "note_id": note_id})
        legacy = await c.call_tool("get_note", {"id": note_id})
        assert not master.is_error and legacy.model_dump() == master.model_dump()
        assert (await c.call_tool("add_numbers", {"a": 1, "b": 2})).structured_content == {"sum": 3}

        for name, args, needle in [  # SEP-1303: the model reads these and corrects its call
            ("calc_add", {"a": "1", "b": 2}, '"a"'),
            ("notes", {}, '"operation"'),
            ("notes", {"operation": "nope"}, "valid operations"),
        ]:
            refused = await c.call_tool(name, args)
            assert refused.is_error and needle in refused.content[0].text  # type: ignore[union-attr]
        with pytest.raises(MCPError) as err:  # an unknown tool stays a protocol error
            await c.call_tool("calc_ad", {})
        assert err.value.error.code == types.INVALID_PARAMS
        assert 'did you mean "calc_add"' in err.value.error.message

        crash = await c.call_tool("faults", {"operation": "crash"})
        assert crash.is_error and "hunter2" not in crash.content[0].text  # type: ignore[union-attr]


async def test_spans_and_report(tmp_path: Path) -> None:
    import subprocess
    import sys

    trace = tmp_path / "spans.jsonl"
    async with Client(stdio_params("test", FIXTURE, "--trace", str(trace))) as c:
        for _ in range(3):
            await c.call_tool("notes", {"operation": "list"})
        await c.call_tool("add_numbers", {"a": 1, "b": 2})
    spans = [json.loads(x) for x in trace.read_text().splitlines()]  # flushed at shutdown
    assert len(spans) == 4
    out = subprocess.run(
        [sys.executable, "-m", "toolc", "report", str(trace)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "notes.list" in out and "cache hit rate: 66.7%" in out
    assert "add_numbers: 1" in out
