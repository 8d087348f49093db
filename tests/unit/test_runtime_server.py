"""The runtime's server in-process, driven by the real mcp Client in both protocol eras.

The build is tests/fixtures/runtime_build compiled by toolc (tests/runtime_fixture.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError, types

from tests.runtime_fixture import compiled_fixture
from toolc.runtime.build import BuildError, load_build
from toolc.runtime.server import App, create_app

FIXTURE = compiled_fixture()

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _app(client: str = "test", trace: Path | None = None) -> App:
    return create_app(client, str(FIXTURE), trace=str(trace) if trace else None)


async def _invalid(c: Client, name: str, args: dict[str, Any]) -> str:
    """A protocol error (-32602): the called name is not one the build answers."""
    with pytest.raises(MCPError) as err:
        await c.call_tool(name, args)
    assert err.value.error.code == types.INVALID_PARAMS
    return err.value.error.message


async def _refused(c: Client, name: str, args: dict[str, Any]) -> str:
    """A tool execution error (SEP-1303): `isError` with the message as the only content."""
    result = await c.call_tool(name, args)
    assert result.is_error and result.structured_content is None
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent)
    return result.content[0].text


async def test_list_is_the_precomputed_json(mode: str) -> None:
    async with Client(_app().server, mode=mode) as c:
        assert c.protocol_version == ("2026-07-28" if mode == "auto" else "2025-11-25")
        listed = await c.list_tools()
    expected = json.loads((FIXTURE / "clients/test/tools_list.json").read_text())["tools"]
    got = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listed.tools]
    assert got == expected


async def test_master_plain_rename_and_legacy_calls(mode: str) -> None:
    async with Client(_app().server, mode=mode) as c:
        await c.list_tools()
        added = await c.call_tool("notes", {"operation": "add", "title": "one"})
        assert not added.is_error
        note_id = added.structured_content["note_id"]  # type: ignore[index]
        assert json.loads(added.content[0].text) == {"note_id": note_id}  # type: ignore[union-attr]
        via_master = await c.call_tool("notes", {"operation": "get", "note_id": note_id})
        via_legacy = await c.call_tool("get_note", {"id": note_id})
        assert via_legacy.model_dump() == via_master.model_dump()
        renamed = await c.call_tool("add_note", {"name": "two", "priority": "high"})
        assert not renamed.is_error
        for name in ("calc_add", "calc.add", "add_numbers"):
            r = await c.call_tool(name, {"a": 2, "b": 40})
            assert r.structured_content == {"sum": 42}


async def test_invalid_arguments_are_is_error_results_naming_the_problem(mode: str) -> None:
    async with Client(_app().server, mode=mode) as c:
        msg = await _refused(c, "calc_add", {"a": "1", "b": 2})
        assert '"a"' in msg and "integer" in msg
        msg = await _refused(c, "calc_add", {"a": True, "b": 2})
        assert '"a"' in msg
        msg = await _refused(c, "notes", {"title": "x"})
        assert '"operation"' in msg and '"add", "get", "list"' in msg
        msg = await _refused(c, "notes", {"operation": "ad"})
        assert 'did you mean "add"' in msg
        msg = await _refused(c, "notes", {"operation": "add", "title": "x", "note_id": "n"})
        assert '"note_id": unknown parameter' in msg
        msg = await _refused(c, "notes", {"operation": "add"})
        assert '"title": required parameter is missing' in msg
        msg = await _refused(c, "get_note", {})  # legacy caller sees its own parameter name
        assert '"id": required' in msg


async def test_unknown_tools_stay_protocol_errors(mode: str) -> None:
    async with Client(_app().server, mode=mode) as c:
        msg = await _invalid(c, "nots", {})
        assert 'did you mean "notes"' in msg
        msg = await _invalid(c, "no_such_tool", {"operation": "add"})
        assert msg.startswith('unknown tool "no_such_tool"')


async def test_legacy_refuse_names_the_replacement() -> None:
    async with Client(_app("refuser").server) as c:
        msg = await _invalid(c, "get_note", {"id": "n1"})
        assert msg == 'tool "get_note" was retired — call "notes" with "operation": "get" instead'
        msg = await _invalid(c, "add_numbers", {"a": 1, "b": 2})
        assert 'call "calc_add" instead' in msg


async def test_legacy_list_mode_lists_and_answers_aliases() -> None:
    async with Client(_app("lister").server) as c:
        names = [t.name for t in (await c.list_tools()).tools]
        assert {"note_add", "add_note", "get_note", "add_numbers"} <= set(names)
        r = await c.call_tool("add_numbers", {"a": 1, "b": 2})
        assert r.structured_content == {"sum": 3}


async def test_handler_failures_become_safe_is_error_results(mode: str) -> None:
    async with Client(_app().server, mode=mode) as c:
        crash = await c.call_tool("faults", {"operation": "crash"})
        text = crash.content[0].text  # type: ignore[union-attr]
        assert crash.is_error and "internal error" in text and "hunter2" not in text
        refused = await c.call_tool("faults", {"operation": "refuse"})
        assert refused.is_error
        assert refused.content[0].text == 'widget "w1" is locked — unlock it first'  # type: ignore[union-attr]
        bad = await c.call_tool("faults", {"operation": "bad_output"})
        assert bad.is_error and '"x"' in bad.content[0].text  # type: ignore[union-attr]
        slow = await c.call_tool("faults", {"operation": "nap", "seconds": 2})
        assert slow.is_error and "timed out after 0.3 s" in slow.content[0].text  # type: ignore[union-attr]
        missing = await c.call_tool("get_note", {"id": "nope"})
        assert missing.is_error


async def test_rich_content(mode: str) -> None:
    async with Client(_app().server, mode=mode) as c:
        r = await c.call_tool("faults", {"operation": "rich"})
    assert [b.type for b in r.content] == ["text", "image"]
    assert isinstance(r.content[1], types.ImageContent) and r.content[1].mime_type == "image/png"


@pytest.mark.parametrize("threaded", [False, True])
async def test_context_progress_and_log(threaded: bool) -> None:
    progress: list[float] = []
    logs: list[Any] = []

    async def on_progress(p: float, total: float | None, message: str | None) -> None:
        progress.append(p)

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params.data)

    async with Client(_app().server, mode="legacy", logging_callback=on_log) as c:
        r = await c.call_tool(
            "faults",
            {"operation": "progress", "steps": 3, "threaded": threaded},
            progress_callback=on_progress,
        )
    assert not r.is_error
    assert progress == [1, 2, 3]
    assert len(logs) == 3


async def test_spans_are_recorded(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    app = _app(trace=trace)
    async with Client(app.server) as c:
        await c.call_tool("notes", {"operation": "list"})
        await c.call_tool("notes", {"operation": "list"})
        await c.call_tool("add_numbers", {"a": 1, "b": 1})
    spans = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [(s["tool"], s["operation"], s["cache"], s["outcome"]) for s in spans] == [
        ("notes", "list", "miss", "ok"),
        ("notes", "list", "hit", "ok"),
        ("calc.add", "calc.add", None, "ok"),
    ]
    assert spans[2]["legacy"] == "add_numbers" and spans[0]["breaker"] == "closed"


def test_bad_build_errors_are_messages(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r'no build for client "nobody".*available: lister'):
        load_build("nobody", str(FIXTURE))
    with pytest.raises(BuildError, match="does not exist"):
        load_build("test", str(tmp_path / "missing"))
