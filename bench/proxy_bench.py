"""The upstream proxy path: p50 of a call through toolc fronting a published server vs the same
call made to that server directly.

The upstream is @modelcontextprotocol/server-everything (pinned in verify/package.json, installed
into .tools/), fronted by the proxy catalog of the tests (tests/upstream/catalogs/everything).
Both sides are stdio servers called with the `mcp` client (`tools/call` of `echo`, calls
interleaved direct / proxy); the proxy side adds toolc's whole call path (resolve the legacy
name, validate, breaker, forward over toolc's persistent upstream session) and a second stdio
hop, so the ratio is what fronting costs on top of the upstream's own latency.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from measure import log

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "tests" / "upstream" / "catalogs" / "everything"


def _upstream() -> tuple[str, str]:
    """(node, server-everything's dist/index.js), installed into .tools/ when missing."""
    sys.path.insert(0, str(ROOT))
    from verify import tools
    from verify.env import TOOLS_DIR

    tools.ensure()
    modules = TOOLS_DIR / "node_modules"
    script = modules / "@modelcontextprotocol" / "server-everything" / "dist" / "index.js"
    return str(modules / ".bin" / "node"), str(script)


async def proxy(tmp: Path, calls: int, warmup: int) -> dict[str, Any]:
    """{"calls", "direct_p50_us", "proxy_p50_us", "ratio"} for `calls` interleaved calls."""
    from mcp import types
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    node, script = _upstream()
    project = tmp / "proxy"
    shutil.copytree(CATALOG, project)
    subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(project), "--quiet"],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    env = {**os.environ, "TOOLC_TEST_NODE": node, "TOOLC_TEST_EVERYTHING": script}
    direct = StdioServerParameters(command=node, args=[script])
    fronted = StdioServerParameters(
        command=sys.executable,
        args=["-m", "toolc", "serve", "--client", "all", "--root", str(project), "--no-trace"],
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    request = types.CallToolRequest(
        params=types.CallToolRequestParams(name="echo", arguments={"message": "bench"})
    )
    times: dict[str, list[float]] = {"direct": [], "proxy": []}
    errlog = open(tmp / "proxy-servers.log", "w")  # noqa: SIM115 - closed below
    try:
        async with (
            stdio_client(direct, errlog=errlog) as (r1, w1),
            ClientSession(r1, w1) as up,
            stdio_client(fronted, errlog=errlog) as (r2, w2),
            ClientSession(r2, w2) as px,
        ):
            await up.initialize()
            await px.initialize()
            for i in range(warmup + calls):
                for name, s in (("direct", up), ("proxy", px)):
                    start = time.perf_counter()
                    result = await s.send_request(request, types.CallToolResult)
                    took = time.perf_counter() - start
                    if result.is_error:
                        raise RuntimeError(f"{name}: {result.content}")
                    if i >= warmup:
                        times[name].append(took)
    finally:
        errlog.close()
    direct_p50 = statistics.median(times["direct"]) * 1e6
    proxy_p50 = statistics.median(times["proxy"]) * 1e6
    log(f"proxy path: p50 direct {direct_p50:.0f} µs, through toolc {proxy_p50:.0f} µs")
    return {
        "calls": calls,
        "direct_p50_us": direct_p50,
        "proxy_p50_us": proxy_p50,
        "ratio": proxy_p50 / direct_p50,
    }


def markdown(s: dict[str, Any]) -> list[str]:
    p = s.get("proxy")
    if not p:
        return []
    return [
        "",
        "## Upstream proxy path",
        "",
        "`tools/call` of `echo` on @modelcontextprotocol/server-everything over stdio, called",
        "directly and through toolc fronting it (tests/upstream/catalogs/everything: a legacy",
        "name of a master tool, validated, forwarded over toolc's persistent upstream session),",
        f"interleaved, {p['calls']} calls each after warm-up (bench/proxy_bench.py).",
        "",
        "| path | p50 (µs) |",
        "| --- | ---: |",
        f"| direct | {p['direct_p50_us']:.0f} |",
        f"| through toolc | {p['proxy_p50_us']:.0f} ({p['ratio']:.2f}×) |",
    ]
