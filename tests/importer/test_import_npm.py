"""Import the published npm servers (server-everything, -filesystem, -memory, pinned in
verify/package.json) over stdio: the stub and proxy drafts generate with 0 errors, and the
served proxy build answers every original tool name exactly as the upstream does when called
directly (normalising only what differs per run). server-everything is repeated over its
Streamable HTTP transport (bound to 127.0.0.1 by tests/upstream's preload)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client, StdioServerParameters

from tests.importer import upstream_calls as calls
from tests.importer.support import toolc, tree
from tests.upstream.support import everything_http

pytestmark = [pytest.mark.slow, pytest.mark.anyio]
CALL_TIMEOUT = 30.0


def _import(out: Path, command: str, *extra: str) -> None:
    done = toolc("import", "--command", command, "--out", str(out), *extra)
    assert done.returncode == 0, done.stderr
    generated = toolc("generate", "--root", str(out))
    assert generated.returncode == 0 and "error[" not in generated.stderr, generated.stderr


def _originals(root: Path) -> set[str]:
    """Every original name the draft keeps: plain tool names and legacy names."""
    tools = yaml.safe_load((root / "tools.yaml").read_text())["tools"]
    names: set[str] = set()
    for name, tool in tools.items():
        if "operations" not in tool:
            names.add(name)
            continue
        for op in tool["operations"].values():
            names.update(op.get("legacy", []))
    return names


async def _call_all(
    params: Any, sequence: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    async with Client(params, mode="legacy") as client:
        for name, args in sequence:
            with anyio.fail_after(CALL_TIMEOUT):
                result = await client.call_tool(name, args)
            out.append(result.model_dump(mode="json", by_alias=True, exclude_none=True))
    return out


def _served(root: Path, env: dict[str, str] | None = None) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "toolc", "serve", "--client", "all", "--root", str(root), "--no-trace"],
        cwd=str(root),
        env={**os.environ, **(env or {})},
    )


def _compare(
    sequence: list[tuple[str, dict[str, Any]]],
    direct: list[dict[str, Any]],
    proxied: list[dict[str, Any]],
    roots: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> None:
    for (name, _), d, p in zip(sequence, direct, proxied, strict=True):
        assert calls.normalise(name, p, roots[1]) == calls.normalise(name, d, roots[0]), name


@pytest.mark.parametrize("handlers", ["stub", "proxy"])
def test_servers_import_and_generate(npm_servers: Path, tmp_path: Path, handlers: str) -> None:
    (tmp_path / "fs").mkdir()
    for server, command in [
        ("everything", f"{npm_servers}/mcp-server-everything"),
        ("filesystem", f"{npm_servers}/mcp-server-filesystem {tmp_path / 'fs'}"),
        ("memory", f"{npm_servers}/mcp-server-memory"),
    ]:
        _import(tmp_path / server, command, "--handlers", handlers)


async def test_everything_through_the_proxy(npm_servers: Path, tmp_path: Path) -> None:
    command = f"{npm_servers}/mcp-server-everything"
    _import(tmp_path, command, "--handlers", "proxy", "--fit", "small:5")
    assert _originals(tmp_path) == {n for n, _ in calls.EVERYTHING}
    direct = await _call_all(StdioServerParameters(command=command), calls.EVERYTHING)
    proxied = await _call_all(_served(tmp_path), calls.EVERYTHING)
    _compare(calls.EVERYTHING, direct, proxied)
    assert any(not r.get("isError") for r in proxied)


async def test_filesystem_through_the_proxy(npm_servers: Path, tmp_path: Path) -> None:
    a = calls.sandbox(tmp_path / "a").resolve()
    b = calls.sandbox(tmp_path / "b").resolve()
    _import(tmp_path / "p", f"{npm_servers}/mcp-server-filesystem {b}", "--handlers", "proxy")
    assert _originals(tmp_path / "p") == {n for n, _ in calls.filesystem(a)}
    direct_seq, proxy_seq = calls.filesystem(a), calls.filesystem(b)
    direct = await _call_all(
        StdioServerParameters(command=f"{npm_servers}/mcp-server-filesystem", args=[str(a)]),
        direct_seq,
    )
    proxied = await _call_all(_served(tmp_path / "p"), proxy_seq)
    _compare(direct_seq, direct, proxied, ((str(a),), (str(b),)))
    assert (b / "made" / "new.txt").read_text() == "y\n"  # the writes reached the upstream


async def test_memory_through_the_proxy(npm_servers: Path, tmp_path: Path) -> None:
    command = f"{npm_servers}/mcp-server-memory"
    done = toolc(
        "import",
        "--command",
        command,
        "--env",
        "MEMORY_FILE_PATH",
        "--handlers",
        "proxy",
        "--out",
        str(tmp_path / "p"),
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "p" / "tools.yaml").read_text()
    assert "MEMORY_FILE_PATH: ${MEMORY_FILE_PATH}" in text and str(tmp_path) not in text
    again = toolc(
        "import",
        "--command",
        command,
        "--env",
        "MEMORY_FILE_PATH",
        "--handlers",
        "proxy",
        "--out",
        str(tmp_path / "p2"),
    )
    assert again.returncode == 0 and tree(tmp_path / "p") == tree(tmp_path / "p2")  # same bytes
    assert toolc("generate", "--root", str(tmp_path / "p")).returncode == 0
    assert _originals(tmp_path / "p") == {n for n, _ in calls.MEMORY}
    direct_env = {**os.environ, "MEMORY_FILE_PATH": str(tmp_path / "direct.jsonl")}
    direct = await _call_all(StdioServerParameters(command=command, env=direct_env), calls.MEMORY)
    proxied = await _call_all(
        _served(tmp_path / "p", {"MEMORY_FILE_PATH": str(tmp_path / "proxied.jsonl")}), calls.MEMORY
    )
    _compare(calls.MEMORY, direct, proxied)
    assert (tmp_path / "proxied.jsonl").read_text() == (tmp_path / "direct.jsonl").read_text()


async def test_everything_over_http_through_the_proxy(npm_servers: Path, tmp_path: Path) -> None:
    with everything_http() as url:
        done = toolc("import", "--url", url, "--handlers", "proxy", "--out", str(tmp_path / "p"))
        assert done.returncode == 0, done.stderr
        assert f"url: {url}" in (tmp_path / "p" / "tools.yaml").read_text()
        assert toolc("generate", "--root", str(tmp_path / "p")).returncode == 0
        sequence = [c for c in calls.EVERYTHING if c[0] != "get-env"]
        assert _originals(tmp_path / "p") >= {n for n, _ in sequence}
        direct = await _call_all(url, sequence)
        proxied = await _call_all(_served(tmp_path / "p"), sequence)
    _compare(sequence, direct, proxied)
