"""The example catalog's real server over stdio, driven by the real mcp client, for handler tests.

Every server gets its own environment: `TOOLC_*` variables of the test process are dropped, so a
test states exactly which roots the server has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, MCPError, StdioServerParameters

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
CLIENT = "claude-code"
INTERNAL = "internal error"
CALL_LIMIT = 90.0  # seconds for one whole session; a hang fails instead of blocking the suite


def server_params(
    env: dict[str, str], cwd: Path, prefix: tuple[str, ...] = ()
) -> StdioServerParameters:
    """`python [prefix...] -m toolc serve` for the claude-code build; `prefix` wraps the start."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TOOLC_")}
    base["PYTHONPATH"] = str(ROOT)
    base.update(env)
    args = [*prefix, "-m", "toolc", "serve", "--client", CLIENT]
    args += ["--generated", str(GENERATED), "--no-trace"]
    return StdioServerParameters(command=sys.executable, args=args, env=base, cwd=str(cwd))


@dataclass(frozen=True, slots=True)
class Answer:
    error: bool  # an isError result or a protocol error
    text: str  # the result's text, or the protocol error's message and data
    data: Any  # structured content of a success


class Session:
    def __init__(self, client: Client) -> None:
        self.client = client

    async def call(self, tool: str, operation: str | None = None, **args: Any) -> Answer:
        arguments = {"operation": operation, **args} if operation else dict(args)
        try:
            result = await self.client.call_tool(tool, arguments)
        except MCPError as exc:
            return Answer(True, f"{exc.error.message} {json.dumps(exc.error.data)}", None)
        text = " ".join(getattr(c, "text", "") for c in result.content)
        return Answer(result.is_error, text, result.structured_content)


@asynccontextmanager
async def serve(
    env: dict[str, str], cwd: Path, prefix: tuple[str, ...] = ()
) -> AsyncIterator[Session]:
    with anyio.fail_after(CALL_LIMIT):
        async with Client(server_params(env, cwd, prefix)) as client:
            yield Session(client)


def git(repo: Path, *args: str) -> str:
    """Plain git for setting up fixtures (the test's own, not the server's)."""
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def make_repo(path: Path, *, commit: bool = True) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "--initial-branch=main")
    git(path, "config", "user.name", "Sec Tester")
    git(path, "config", "user.email", "sec@example.com")
    git(path, "config", "commit.gpgsign", "false")
    if commit:
        (path / "README.md").write_text("# repo\n")
        git(path, "add", "README.md")
        git(path, "commit", "-q", "-m", "Initial commit")
    return path


def executable(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path
