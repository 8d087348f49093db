"""Wire names as real clients send them, over stdio, asserting what the handler received.

The catalog (tests/fixtures/wire_build) is compiled by the real `toolc generate` into a temp root
(package `wiregen`) and served with `toolc serve`; every call goes through the real `mcp` client.
Its parameters are keywords (`from`, `class`), hyphenated, dotted, bracketed (`filter[id]`) and
pydantic-reserved (`model_config`, `json`); client `claude` has `param_rule.rename: auto`,
`explicit` names its renames, and legacy names rename (`send_mail`) and fix (`close_mail`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError

from tests.e2e.runtime_support import ROOT, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SOURCE = ROOT / "tests" / "fixtures" / "wire_build"
SEND = {
    "from": "ann@example.org",
    "class": "urgent",
    "x-request-id": "r-1",
    "user.name": "ann",
    "filter[id]": 7,
    "model_config": "cfg",
    "json": 42,
    "to": "bob@example.org",
}
RECEIVED = {
    "from_": "ann@example.org",
    "class_": "urgent",
    "x_request_id": "r-1",
    "user_name": "ann",
    "filter_id": 7,
    "p_model_config": "cfg",
    "json_": 42,
    "recipient": "bob@example.org",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wire") / "project"
    shutil.copytree(SOURCE, root, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (root / "generated").rename(root / "wiregen")
    return root / "wiregen"


@asynccontextmanager
async def serve(generated: Path, client: str) -> AsyncIterator[Client]:
    async with Client(stdio_params(client, generated), mode="legacy") as c:
        yield c


async def received(c: Client, name: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await c.call_tool(name, args)
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def refused(c: Client, name: str, args: dict[str, Any]) -> str:
    """The message of a refused call: a JSON-RPC error or an isError result (SEP-1303)."""
    try:
        result = await c.call_tool(name, args)
    except MCPError as exc:
        return exc.error.message
    assert result.is_error, result.structured_content
    return " ".join(getattr(part, "text", "") for part in result.content)


async def test_master_tool_passes_every_wire_name_under_its_python_name(generated: Path) -> None:
    async with serve(generated, "plain") as c:
        got = await received(c, "mail", {"operation": "send", **SEND})
        assert got["values"] == RECEIVED
        assert got["types"]["json_"] == "int"  # `type: number`, 42 on the wire: an int
        assert got["types"]["filter_id"] == "int"
        got = await received(c, "mail", {"operation": "send", "from": "a", "json": 4.5})
        assert (got["values"]["json_"], got["types"]["json_"]) == (4.5, "float")
        # the Python name is not a wire name: refused like any unknown key
        message = await refused(c, "mail", {"operation": "send", "from_": "a"})
        assert '"from_": unknown parameter' in message
        message = await refused(c, "mail", {"operation": "send", "from": "a", "json": "4"})
        assert '"json": Input should be a valid number' in message


async def test_legacy_name_with_rename_reaches_the_handler_as_the_master_call(
    generated: Path,
) -> None:
    async with serve(generated, "plain") as c:
        old = {k: v for k, v in SEND.items() if k not in ("from", "filter[id]")}
        old |= {"sender": SEND["from"], "filter-id": 7}
        assert await received(c, "send_mail", old) == await received(
            c, "mail", {"operation": "send", **SEND}
        )


async def test_param_rule_auto_lists_conforming_keys_and_maps_them_back(generated: Path) -> None:
    async with serve(generated, "claude") as c:
        listed = {t.name: t.input_schema["properties"] for t in (await c.list_tools()).tools}
        assert "filter_id" in listed["mail"] and "filter[id]" not in listed["mail"]
        assert all(
            all(ch.isalnum() or ch in "_.-" for ch in key)
            for keys in listed.values()
            for key in keys
        )
        sent = {k: v for k, v in SEND.items() if k != "filter[id]"} | {"filter_id": 7}
        got = await received(c, "mail", {"operation": "send", **sent})
        assert got["values"] == RECEIVED  # as sent by a client without the rule
        message = await refused(c, "mail", {"operation": "send", "from": "a", "filter_id": "x"})
        assert '"filter_id"' in message  # errors name the key this client sent
        # listed legacy names take their own keys and fixed values
        got = await received(c, "close_mail", {"id": 3})
        assert got["values"]["state"] == "closed"


async def test_explicit_param_rule_renames_in_the_union_dialect(generated: Path) -> None:
    async with serve(generated, "explicit") as c:
        listed = {t.name: t.input_schema for t in (await c.list_tools()).tools}
        send = next(b for b in listed["mail"]["oneOf"] if "from" in b["properties"])
        assert {"filterId", "requestId", "userName"} <= set(send["properties"])
        sent = {k: v for k, v in SEND.items() if k not in ("filter[id]", "x-request-id")}
        sent = {k: v for k, v in sent.items() if k != "user.name"}
        sent |= {"filterId": 7, "requestId": "r-1", "userName": "ann"}
        got = await received(c, "mail", {"operation": "send", **sent})
        assert got["values"] == RECEIVED


async def test_null_and_omitted_are_told_apart(generated: Path) -> None:
    async with serve(generated, "plain") as c:
        got = await received(c, "mail", {"operation": "update", "id": 1, "assignee": None})
        assert got["values"]["assignee"] is None
        got = await received(c, "mail", {"operation": "update", "id": 1})
        assert got["values"]["assignee"] == "MISSING"  # the handler got toolc.MISSING
        assert got["values"]["note"] is None  # not nullable: an omitted value is None
        got = await received(c, "mail", {"operation": "update", "id": 1, "assignee": "bob"})
        assert got["values"]["assignee"] == "bob"


async def test_legacy_set_fixes_an_argument(generated: Path) -> None:
    async with serve(generated, "plain") as c:
        got = await received(c, "close_mail", {"id": 9})
        assert got["values"] == {"id": 9, "state": "closed", "assignee": "MISSING", "note": None}
        assert (await received(c, "close_mail", {"id": 9, "state": "closed"})) == got
        message = await refused(c, "close_mail", {"id": 9, "state": "open"})
        assert '"state": "close_mail" fixes it to "closed"' in message


async def test_additional_params_reach_the_handler(generated: Path) -> None:
    async with serve(generated, "plain") as c:
        got = await received(c, "echo", {"msg": "hi", "x-trace": 1, "page[size]": 5})
        assert got["values"] == {"msg": "hi", "x-trace": 1, "page[size]": 5}
        message = await refused(c, "echo", {"msg": "hi", "ctx": 1})
        assert '"ctx": reserved name' in message
