"""Every tool of @modelcontextprotocol/server-everything that the proxy catalog fronts, called by
its original name through toolc (a legacy name of the master tool `demo`) and directly: the same
result, byte for byte (content blocks, structuredContent, isError), over stdio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.upstream.support import (
    call,
    compile_catalog,
    direct_params,
    dumps,
    session,
    toolc_params,
)

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("echo", {"message": "hello through toolc"}),
    ("get-sum", {"a": 2, "b": 40.5}),
    ("get-structured-content", {"location": "Chicago"}),
    ("get-tiny-image", {}),
    ("get-annotated-message", {"messageType": "success", "includeImage": True}),
    ("get-annotated-message", {"messageType": "error"}),
    ("get-resource-links", {"count": 2}),
    ("trigger-long-running-operation", {"duration": 0.2, "steps": 2}),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_catalog("everything", tmp_path_factory.mktemp("ev") / "project")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_original_names_return_what_the_upstream_returns(project: Path) -> None:
    async with session(direct_params("everything")) as direct:
        want = [await call(direct, name, args) for name, args in CALLS]
    async with session(toolc_params(project)) as proxy:
        got = [await call(proxy, name, args) for name, args in CALLS]
    for (name, _), w, g in zip(CALLS, want, got, strict=True):
        assert dumps(g) == dumps(w), name
    structured = got[2]
    assert structured["structuredContent"] and structured["isError"] is False
    assert "image" in [c["type"] for c in got[3]["content"]]
    assert got[6]["content"][1]["type"] == "resource_link"


async def test_master_tool_and_fixed_arguments(project: Path) -> None:
    async with session(toolc_params(project)) as proxy:
        by_master = await call(proxy, "demo", {"operation": "sum", "a": 2, "b": 40.5})
        by_legacy = await call(proxy, "get-sum", {"a": 2, "b": 40.5})
        fixed = await call(proxy, "demo", {"operation": "fixed_echo"})
        refused = await call(proxy, "demo", {"operation": "fixed_echo", "message": "mine"})
        invalid = await call(proxy, "demo", {"operation": "sum", "a": "two", "b": 1})
    assert dumps(by_master) == dumps(by_legacy)
    assert fixed["content"] == [{"type": "text", "text": "Echo: fixed by toolc"}]
    # validation runs before forwarding: the model gets toolc's own message, naming the field
    assert refused["isError"] is True and "message" in refused["content"][0]["text"]
    assert invalid["isError"] is True and '"a"' in invalid["content"][0]["text"]


async def test_tools_list_is_the_catalogs(project: Path) -> None:
    async with session(toolc_params(project)) as proxy:
        listed = await proxy.list_tools()
    assert [t.name for t in listed.tools] == ["demo"]
