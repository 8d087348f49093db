"""--reload: a new build is swapped in atomically, in-flight calls finish, and clients of both
protocol eras get notifications/tools/list_changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, MCPError

from tests.e2e.runtime_support import copy_fixture, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def _change_build(gen: Path) -> None:
    """Add the call name "sum2" and change a description, then rewrite the manifest."""
    build = gen / "clients" / "test" / "build.py"
    text = build.read_text()
    build.write_text(text.replace('"faults": "faults"', '"faults": "faults", "sum2": "calc.add"'))
    listing = gen / "clients" / "test" / "tools_list.json"
    data = json.loads(listing.read_text())
    data["tools"][1]["description"] = "Add two integers (reloaded)."
    listing.write_text(json.dumps(data, sort_keys=True, indent=2) + "\n")
    manifest = gen / "manifest.json"
    m = json.loads(manifest.read_text())
    m["models_key"] = "1"
    manifest.write_text(json.dumps(m, sort_keys=True, indent=2) + "\n")


async def _in_flight(c: Client, out: list[Any]) -> None:
    out.append(await c.call_tool("faults", {"operation": "nap", "seconds": 0.25}))


async def _after_reload_checks(c: Client) -> None:
    tools = (await c.list_tools(cache_mode="refresh")).tools
    assert tools[1].description == "Add two integers (reloaded)."
    r = await c.call_tool("sum2", {"a": 1, "b": 2})
    assert r.structured_content == {"sum": 3}


async def test_reload_legacy_era(tmp_path: Path) -> None:
    gen = copy_fixture(tmp_path / "build")
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        if "ToolListChanged" in type(getattr(message, "root", message)).__name__:
            changed.set()

    params = stdio_params("test", gen, "--reload")
    async with Client(params, mode="legacy", message_handler=on_message) as c:
        await c.list_tools()
        with pytest.raises(MCPError):
            await c.call_tool("sum2", {"a": 1, "b": 2})
        done: list[Any] = []
        async with anyio.create_task_group() as tg:
            tg.start_soon(_in_flight, c, done)
            await anyio.sleep(0.05)
            _change_build(gen)
            with anyio.fail_after(5):
                await changed.wait()
        assert not done[0].is_error  # the call that straddled the swap finished
        await _after_reload_checks(c)


async def test_reload_modern_era(tmp_path: Path) -> None:
    gen = copy_fixture(tmp_path / "build")
    params = stdio_params("test", gen, "--reload")
    async with Client(params, mode="auto") as c:
        assert c.protocol_version == "2026-07-28"
        await c.list_tools()
        async with c.listen(tools_list_changed=True) as sub:
            _change_build(gen)
            with anyio.fail_after(5):
                async for _event in sub:
                    break
        await _after_reload_checks(c)
