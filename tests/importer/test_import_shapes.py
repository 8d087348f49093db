"""Schemas and names the draft must carry: $defs / definitions lifted to `defs`, other local
references inlined, output schemas, boolean schemas, parameters named like Python keywords or
sharing a Python name, `additionalProperties: true`, a parameter named `operation`, names the
MCP rule refuses. The draft compiles with 0 errors and the stub build answers the old names."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client, StdioServerParameters

from tests.importer.support import toolc
from toolc.generator.importer.schemas import Defs, convert

ITEM = {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}
TOOLS: list[dict[str, Any]] = [
    {
        "name": "create_order",
        "title": "Create order",
        "description": "Create an order.",
        "inputSchema": {
            "type": "object",
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/definitions/Item"}},
                "gift": {"$ref": "#/properties/items/items"},
                "from": {"type": "string"},
                "user-id": {"type": "string"},
                "user_id": {"type": "string"},
                "anything": True,
            },
            "required": ["items"],
            "definitions": {"Item": ITEM},
            "additionalProperties": False,
        },
        "outputSchema": {
            "type": "object",
            "properties": {"order": {"$ref": "#/$defs/Order"}},
            "$defs": {"Order": {"type": "object", "properties": {"id": {"type": "string"}}}},
        },
        "annotations": {"destructiveHint": False, "idempotentHint": False},
    },
    {
        "name": "get_order",
        "description": "Get an order.",
        "inputSchema": {
            "type": "object",
            "properties": {"id": {"type": "string"}},
            "$defs": {"Item": {"type": "string"}},
            "additionalProperties": True,
        },
        "annotations": {"readOnlyHint": True, "openWorldHint": False},
    },
    {
        "name": "list_orders",
        "inputSchema": {"type": "object", "properties": {}, "oneOf": [{"required": []}]},
        "annotations": {"readOnlyHint": True},
    },
    {
        "name": "run_order_job",
        "inputSchema": {"type": "object", "properties": {"operation": {"type": "string"}}},
    },
    {"name": "bad name/with slash", "inputSchema": {"type": "object"}},
    {"name": "Cancel-Order", "inputSchema": {"type": "object"}},
]


def test_convert_lifts_defs_and_inlines_local_refs() -> None:
    defs = Defs()
    tool = TOOLS[0]
    shapes = convert("orders", tool["inputSchema"], tool["outputSchema"], defs)
    assert defs.schemas == {
        "Item": ITEM,
        "Order": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    assert shapes.params["items"] == {"type": "array", "items": {"$ref": "#/$defs/Item"}}
    assert shapes.params["gift"] == {"$ref": "#/$defs/Item"}  # the inlined target, itself a ref
    assert shapes.params["anything"] == {}
    assert shapes.returns == {"type": "object", "properties": {"order": {"$ref": "#/$defs/Order"}}}
    other = convert("get_order", TOOLS[1]["inputSchema"], None, defs)
    assert "get_order_Item" in defs.schemas and other.allow_extra  # the name was taken
    dropped = convert("list_orders", TOOLS[2]["inputSchema"], None, defs)
    assert any("oneOf" in n for n in dropped.notes)


@pytest.mark.slow
@pytest.mark.anyio
async def test_hard_shapes_compile_and_answer(tmp_path: Path) -> None:
    source = tmp_path / "list.json"
    source.write_text(json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"tools": TOOLS}}))
    root = tmp_path / "p"
    done = toolc("import", "--from-json", str(source), "--out", str(root))
    assert done.returncode == 0, done.stderr
    assert "warning[W090]" in done.stderr and "bad name/with slash" in done.stderr
    assert "warning[W091]" in done.stderr and "warning[W092]" in done.stderr
    draft = yaml.safe_load((root / "tools.yaml").read_text())
    orders = draft["tools"]["orders"]["operations"]
    assert set(orders) == {"cancel", "create", "get", "list"} and orders["get"]["effect"] == "read"
    assert (
        orders["cancel"]["legacy"] == ["Cancel-Order"]
        and orders["cancel"]["effect"] == "destructive"
    )
    assert orders["create"]["effect"] == "write" and orders["create"]["title"] == "Create order"
    assert orders["get"]["open_world"] is False and orders["get"]["additional_params"] == "allow"
    assert orders["create"]["params"]["user_id"]["py_name"] == "user_id_2"
    assert "run_order_job" in draft["tools"]  # a parameter named "operation": a plain tool
    assert "bad_name_with_slash" in draft["tools"]
    generated = toolc("generate", "--root", str(root))
    assert generated.returncode == 0 and "error[" not in generated.stderr, generated.stderr

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "toolc", "serve", "--client", "all", "--root", str(root), "--no-trace"],
        cwd=str(root),
    )
    async with Client(params, mode="legacy") as client:
        made = await client.call_tool(
            "create_order",
            {"items": [{"sku": "a"}], "from": "me", "user-id": "1", "user_id": "2", "anything": 3},
        )
        assert made.is_error and "not implemented: orders create" in made.content[0].text  # type: ignore[union-attr]
        bad = await client.call_tool("create_order", {"items": [{}]})
        assert bad.is_error and "sku" in bad.content[0].text  # type: ignore[union-attr]
        extra = await client.call_tool("get_order", {"id": "1", "unknown": True})
        assert "not implemented: orders get" in extra.content[0].text  # type: ignore[union-attr]
        job = await client.call_tool("run_order_job", {"operation": "x"})
        assert "not implemented: run_order_job" in job.content[0].text  # type: ignore[union-attr]
