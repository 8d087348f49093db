"""Batch semantics on the batch tests' own catalog (tests/batch/project), over real stdio servers:
reads run concurrently within the tool's limit, writes wait and run in order, union and flat
listings describe what the runtime accepts, `writes: refuse`, content results, tool aliases."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp import Client

from tests.e2e.runtime_support import ROOT, stdio_params

pytestmark = pytest.mark.anyio

PROJECT = Path(__file__).resolve().parent / "project"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The catalog compiled by the real `toolc generate`, renamed `batchgen` (no clash with the
    example's `generated` package)."""
    root = tmp_path_factory.mktemp("batchproject")
    shutil.copytree(PROJECT, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (root / "generated").rename(root / "batchgen")
    yield root / "batchgen"


def _server(generated: Path, client: str) -> Client:
    return Client(stdio_params(client, generated, cwd=generated.parent))


def _wait(tag: str, ms: int = 100) -> dict[str, Any]:
    return {"operation": "wait", "arguments": {"ms": ms, "tag": tag}}


async def _stats(c: Client) -> dict[str, Any]:
    result = await c.call_tool("probe", {"operation": "stats"})
    stats: dict[str, Any] | None = result.structured_content
    assert stats is not None
    return stats


@pytest.mark.parametrize("client", ["flat", "union"])
async def test_reads_run_concurrently_within_the_tools_limit(generated: Path, client: str) -> None:
    async with _server(generated, client) as c:
        start = time.perf_counter()
        calls = [_wait(f"w{i}") for i in range(9)]
        result = await c.call_tool("probe", {"operation": "batch", "calls": calls})
        elapsed = time.perf_counter() - start
        assert not result.is_error, result.content
        assert result.structured_content is not None
        tags = [r["result"]["tag"] for r in result.structured_content["results"]]
        assert tags == [f"w{i}" for i in range(9)]  # results in item order
        assert (await _stats(c))["peak"] == 3  # probe's max_concurrency
        assert elapsed >= 0.29  # three rounds of 100 ms


async def test_a_write_waits_for_earlier_items_and_later_items_wait_for_it(generated: Path) -> None:
    calls = [
        _wait("a"),
        _wait("b", 50),
        {"operation": "write", "arguments": {"tag": "w"}},
        _wait("c", 10),
        {"operation": "write", "arguments": {"tag": "x"}},
    ]
    async with _server(generated, "union") as c:
        result = await c.call_tool("probe", {"operation": "batch", "calls": calls})
        assert result.structured_content is not None
        assert result.structured_content["summary"] == {"ran": 5, "failed": [], "not_run": []}
        events = (await _stats(c))["events"]
    assert sorted(events[:2]) == ["start a", "start b"]  # the two reads ran side by side
    assert sorted(events[2:4]) == ["end a", "end b"]  # the write waited for both
    assert events[4:] == ["write w", "start c", "end c", "write x"]


async def test_listed_union_schema_accepts_what_the_runtime_accepts(generated: Path) -> None:
    async with _server(generated, "union") as c:
        listed = {t.name: t for t in (await c.list_tools()).tools}
        schema = Draft202012Validator(listed["probe"].input_schema)
        good = {"operation": "batch", "calls": [_wait("a"), {"operation": "stats"}]}
        bad = {"operation": "batch", "calls": [{"operation": "wait", "arguments": {"ms": 1}}]}
        assert schema.is_valid(good)
        assert not schema.is_valid(bad)  # the item's own required "tag" is in the listing
        assert not schema.is_valid({"operation": "batch", "calls": [_wait("a")] * 21})
        result = await c.call_tool("probe", {"operation": "batch", "calls": good["calls"]})
        assert not result.is_error
        result = await c.call_tool("probe", {"operation": "batch", "calls": bad["calls"]})
        assert result.is_error
        text = result.content[0].text  # type: ignore[union-attr]
        assert text.startswith("invalid batch, nothing ran: calls[0] (wait): ")
        assert '"tag": required parameter is missing' in text
        words = Draft202012Validator(listed["words"].input_schema)
        assert words.is_valid({"operation": "batch", "calls": [{"operation": "hello"}]})
        assert not words.is_valid({"operation": "batch", "calls": [{"operation": "boom"}]})


async def test_writes_refuse_and_results_without_structured_content(generated: Path) -> None:
    async with _server(generated, "flat") as c:
        hello = await c.call_tool("words", {"operation": "hello"})
        result = await c.call_tool(
            "words", {"operation": "batch", "calls": [{"operation": "hello"}]}
        )
        assert result.structured_content is not None
        entry = result.structured_content["results"][0]
        assert entry == {"ok": True, "content": [{"type": "text", "text": "hello"}]}
        assert entry["content"][0]["text"] == hello.content[0].text  # type: ignore[union-attr]
        result = await c.call_tool(
            "words", {"operation": "batch", "calls": [{"operation": "boom"}]}
        )
        assert result.is_error
        assert '"boom" cannot run in this batch — one of "hello"' in result.content[0].text  # type: ignore[union-attr]
        result = await c.call_tool(
            "words", {"operation": "batch", "calls": [{"operation": "hello"}] * 6}
        )
        assert result.is_error  # max_items 5


async def test_a_tool_alias_answers_batch_like_the_tool(generated: Path) -> None:
    async with _server(generated, "flat") as c:
        calls = [{"operation": "write", "arguments": {"tag": "via-alias"}}]
        result = await c.call_tool("old_probe", {"operation": "batch", "calls": calls})
        assert not result.is_error, result.content
        assert result.structured_content is not None
        assert result.structured_content["results"] == [
            {"ok": True, "result": {"tag": "via-alias"}}
        ]
        assert (await _stats(c))["events"] == ["write via-alias"]
