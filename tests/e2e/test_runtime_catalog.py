"""The runtime serving the real generated build of the example catalog, every client, both eras.

Handlers keep their data in SQLite; each test points TOOLC_BMAD_DB at a temporary file.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError, types

from tests.e2e.runtime_support import ROOT, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GENERATED = ROOT / "generated"
CLIENTS = (
    sorted(p.name for p in (GENERATED / "clients").glob("*") if (p / "build.py").is_file())
    if (GENERATED / "clients").is_dir()
    else []
)


def _legacy_mode(client: str) -> str:
    text = (GENERATED / "clients" / client / "build.py").read_text()
    for mode in ("accept", "list", "refuse"):
        if f'LEGACY_MODE: Final[str] = "{mode}"' in text or f'LEGACY_MODE = "{mode}"' in text:
            return mode
    return "accept"


def _load_tables(client: str) -> dict[str, Any]:
    return runpy.run_path(str(GENERATED / "clients" / client / "build.py"))


def _dump(result: types.CallToolResult) -> Any:
    return result.model_dump(exclude={"meta"})


@pytest.mark.skipif(not CLIENTS, reason="generated/ has no client builds yet")
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_real_build(client: str, mode: str, tmp_path: Path) -> None:
    env = {"TOOLC_BMAD_DB": str(tmp_path / "bmad.sqlite3")}
    params = stdio_params(client, GENERATED, env=env, cwd=tmp_path)
    async with Client(params, mode=mode) as c:
        listed = await c.list_tools()
        expected = json.loads((GENERATED / "clients" / client / "tools_list.json").read_text())
        got = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in listed.tools]
        assert got == expected["tools"]

        if "add" not in _load_tables(client)["TOOLS"]["bmad_task"]["operations"]:  # read_only
            refused = await c.call_tool("bmad_task", {"operation": "add", "title": "from e2e"})
            assert refused.is_error  # SEP-1303: a tool execution error the model can correct
            assert "is not available to this client" in refused.content[0].text  # type: ignore[union-attr]
            listed_tasks = await c.call_tool("bmad_task", {"operation": "list"})
            assert not listed_tasks.is_error, listed_tasks.content
            return
        added = await c.call_tool("bmad_task", {"operation": "add", "title": "from e2e"})
        assert not added.is_error, added.content
        task_id = added.structured_content["task_id"]  # type: ignore[index]
        master = await c.call_tool("bmad_task", {"operation": "get", "task_id": task_id})
        assert not master.is_error

        legacy_mode = _legacy_mode(client)
        if legacy_mode == "refuse":
            with pytest.raises(MCPError) as err:
                await c.call_tool("task_get", {"task_id": task_id})
            assert err.value.error.code == types.INVALID_PARAMS
            assert '"bmad_task"' in err.value.error.message
        else:
            legacy = await c.call_tool("task_get", {"task_id": task_id})
            assert _dump(legacy) == _dump(master)

        refused = await c.call_tool("bmad_task", {"operation": "add"})  # SEP-1303: isError
        assert refused.is_error and '"title"' in refused.content[0].text  # type: ignore[union-attr]
        with pytest.raises(MCPError) as err:
            await c.call_tool("bmad_tsk", {"operation": "add"})
        assert 'did you mean "bmad_task"' in err.value.error.message
        missing = await c.call_tool("bmad_task", {"operation": "get", "task_id": "t999"})
        assert missing.is_error
