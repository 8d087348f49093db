"""The stdio transport byte by byte: a raw subprocess, so every byte on stdout is seen.

stdout must carry JSON-RPC lines and nothing else (no stray print, no child's output), every
reply must leave before the server exits at end of input, large messages must pass both ways,
and stdin redirected from a regular file must work too (that case uses the SDK's transport).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

pytestmark = pytest.mark.slow

INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "1"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def _call(i: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
    params = {"name": name, "arguments": args}
    return {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": params}


def _serve(messages: list[dict[str, Any]], stdin_file: Path | None = None) -> tuple[str, str]:
    """Send all messages, close stdin, and return everything the server wrote."""
    cmd = [sys.executable, "-m", "toolc", "serve", "--client", "test"]
    cmd += ["--generated", str(FIXTURE), "--no-trace"]
    payload = "".join(json.dumps(m) + "\n" for m in messages)
    if stdin_file is not None:
        stdin_file.write_text(payload)
        with stdin_file.open() as f:
            proc = subprocess.run(
                cmd, stdin=f, capture_output=True, text=True, env=server_env(), cwd=ROOT, timeout=60
            )
    else:
        proc = subprocess.run(
            cmd,
            input=payload,
            capture_output=True,
            text=True,
            env=server_env(),
            cwd=ROOT,
            timeout=60,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, proc.stderr


def _replies(stdout: str) -> dict[int, dict[str, Any]]:
    lines = stdout.splitlines()
    parsed = [json.loads(line) for line in lines]  # every stdout line is one JSON-RPC message
    assert all(m.get("jsonrpc") == "2.0" for m in parsed)
    return {m["id"]: m for m in parsed if "id" in m}


@pytest.mark.parametrize("from_file", [False, True], ids=["pipe", "regular-file"])
def test_only_protocol_on_stdout_and_every_reply_flushed(tmp_path: Path, from_file: bool) -> None:
    big = "x" * 300_000  # over the default 64 KiB line limits of stream readers, both ways
    messages = [
        INIT,
        INITIALIZED,
        _call(1, "faults", {"operation": "echo", "text": "hello"}),
        _call(2, "faults", {"operation": "echo", "text": "child"}),
        _call(3, "faults", {"operation": "echo", "text": big}),
        {"jsonrpc": "2.0", "id": 4, "method": "tools/list"},
    ]
    stdout, stderr = _serve(messages, tmp_path / "in.jsonl" if from_file else None)
    replies = _replies(stdout)
    assert sorted(replies) == [0, 1, 2, 3, 4]  # nothing lost at end of input
    assert replies[1]["result"]["content"][0]["text"] == "hello"
    assert replies[3]["result"]["content"][0]["text"] == big
    assert len(replies[4]["result"]["tools"]) == len(
        json.loads((FIXTURE / "clients/test/tools_list.json").read_text())["tools"]
    )
    assert "stray print hello" in stderr and "stray child output" in stderr


def test_a_malformed_line_gets_a_parse_error_and_the_session_goes_on() -> None:
    cmd = [sys.executable, "-m", "toolc", "serve", "--client", "test"]
    cmd += ["--generated", str(FIXTURE), "--no-trace"]
    lines = [
        json.dumps(INIT),
        json.dumps(INITIALIZED),
        "{not json",
        json.dumps(_call(5, "calc_add", {"a": 1, "b": 2})),
    ]
    proc = subprocess.run(
        cmd,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=server_env(),
        cwd=ROOT,
        timeout=60,
    )
    replies = _replies(proc.stdout)
    assert replies[5]["result"]["structuredContent"] == {"sum": 3}
