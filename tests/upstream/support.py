"""Helpers of the upstream proxy tests: the published npm servers from .tools/, proxy catalogs
compiled into a temporary project, and real `mcp` client sessions to toolc and to the upstream.

The npm servers are pinned in verify/package.json + package-lock.json and installed into .tools/
by `verify.tools.ensure()` when missing, so the tests run on a new machine too.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TextIO

from mcp import types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = Path(__file__).resolve().parent / "catalogs"
BIND_LOCALHOST = Path(__file__).resolve().parent / "bind_localhost.cjs"


@functools.cache
def node_tools() -> Path:
    """.tools/node_modules, with the pinned servers installed (npm ci on first use)."""
    sys.path.insert(0, str(ROOT))
    try:
        from verify import tools
        from verify.env import TOOLS_DIR
    finally:
        sys.path.remove(str(ROOT))
    tools.ensure()
    return TOOLS_DIR / "node_modules"


def server_script(name: str) -> str:
    """dist/index.js of @modelcontextprotocol/server-<name>."""
    return str(node_tools() / "@modelcontextprotocol" / f"server-{name}" / "dist" / "index.js")


def node() -> str:
    return str(node_tools() / ".bin" / "node")


def upstream_env(**extra: str) -> dict[str, str]:
    """The variables the test catalogs' `${NAME}` references read."""
    return {
        "TOOLC_TEST_NODE": node(),
        "TOOLC_TEST_EVERYTHING": server_script("everything"),
        "TOOLC_TEST_FILESYSTEM": server_script("filesystem"),
        "TOOLC_TEST_MEMORY": server_script("memory"),
        **extra,
    }


def compile_catalog(name: str, dest: Path) -> Path:
    """Copy tests/upstream/catalogs/<name> to `dest` and `toolc generate` it; returns `dest`."""
    shutil.copytree(CATALOGS / name, dest)
    proc = subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(dest), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 0, proc.stderr
    return dest


def toolc_params(project: Path, client: str = "all", **env: str) -> StdioServerParameters:
    """`toolc serve` of `project` over stdio, with the upstream variables set."""
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "toolc", "serve", "--client", client, "--root", str(project), "--no-trace"],
        env={**os.environ, "PYTHONPATH": str(ROOT), **upstream_env(), **env},
        cwd=str(project),
    )


def direct_params(name: str, *args: str, **env: str) -> StdioServerParameters:
    """The published server itself over stdio, as the proxy starts it."""
    return StdioServerParameters(command=node(), args=[server_script(name), *args], env=env or None)


@asynccontextmanager
async def session(
    params: StdioServerParameters, errlog: TextIO | None = None
) -> AsyncIterator[ClientSession]:
    """An initialised session; the server's stderr goes to `errlog` (default: a scratch file)."""
    own = errlog is None
    errlog = errlog or tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below
    try:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as s,
        ):
            await s.initialize()
            yield s
    finally:
        if own:
            errlog.close()


async def call(s: ClientSession, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """tools/call as its wire JSON, without the client's own output-schema checks."""
    request = types.CallToolRequest(
        params=types.CallToolRequestParams(name=name, arguments=arguments)
    )
    result = await s.send_request(request, types.CallToolResult)
    return result.model_dump(mode="json", by_alias=True, exclude_none=True)


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def toolc_server_pid() -> int:
    """The `toolc serve` child of this test process (there is one at a time)."""
    found = [p for p in children(os.getpid()) if "toolc serve" in cmdline(p)]
    assert len(found) == 1, found
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def everything_http(port: int | None = None) -> Iterator[str]:
    """server-everything's Streamable HTTP transport on 127.0.0.1 (a preload binds it there), on
    `port` or a free one; yields its /mcp URL."""
    port = port or free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [node(), "--require", str(BIND_LOCALHOST), server_script("everything"), "streamableHttp"],
        env={**os.environ, "PORT": str(port)},
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("server-everything (HTTP) did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
