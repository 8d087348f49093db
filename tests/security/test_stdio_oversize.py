"""A stdio line over the message limit is refused with an error and skipped; the server stays up.

Before, the limit was 64 MiB and a longer line crashed the server (`ValueError`, exit 1); a shorter
one was buffered whole. Now the limit is `--max-message-bytes` (default 4 MiB): the line gets a
-32600 reply naming the limit, its rest is read and dropped in bounded chunks (the server's memory
does not grow with the line), and the next request is answered. Pipes and regular files alike.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.runtime_support import FIXTURE, ROOT
from tests.security.stdio_raw import INIT, RawServer, call, line, serve_command, server_env_for

pytestmark = pytest.mark.slow

MIB = 1024 * 1024


def _peak_rss_mib(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _echo_line(request_id: int, size: int) -> bytes:
    """A valid tools/call line of exactly `size` bytes, newline excluded."""
    empty = line(call(request_id, "faults", {"operation": "echo", "text": ""}))[:-1]
    data = line(
        call(request_id, "faults", {"operation": "echo", "text": "x" * (size - len(empty))})
    )
    assert len(data) == size + 1
    return data


def test_a_64_mib_line_is_refused_without_buffering_it_and_the_server_stays_up() -> None:
    with RawServer() as server:
        server.initialize()
        server.send(line(call(1, "calc_add", {"a": 1, "b": 2})))
        assert server.reply()["id"] == 1
        before = _peak_rss_mib(server.proc.pid)
        head = b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"faults",'
        server.send(head + b'"arguments":{"operation":"echo","text":"')
        chunk = b"x" * MIB
        for _ in range(64):
            server.send(chunk)
        server.send(b'"}}}\n')
        refused = server.reply(timeout=30)
        assert refused["id"] is None and refused["error"]["code"] == -32600
        assert "4194304 bytes" in refused["error"]["message"]
        server.send(line(call(3, "calc_add", {"a": 2, "b": 3})))
        assert server.reply(timeout=30)["result"]["structuredContent"] == {"sum": 5}
        growth = _peak_rss_mib(server.proc.pid) - before
        assert growth < 40, f"peak RSS grew {growth:.0f} MiB for a 64 MiB line"
        server.close_stdin()
        assert server.wait(15) == 0


def test_the_limit_is_a_serve_option_and_counts_the_message_without_its_newline() -> None:
    with RawServer("--max-message-bytes", "1000") as server:
        server.initialize()
        server.send(_echo_line(1, 1000))
        assert server.reply()["result"]["content"][0]["text"].startswith("xxx")
        server.send(_echo_line(2, 1001))
        refused = server.reply()
        assert refused["id"] is None and "1000 bytes" in refused["error"]["message"]
        server.send(_echo_line(3, 999))
        assert server.reply()["id"] == 3


def test_a_regular_file_on_stdin_has_the_same_limit(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_bytes(
        line(INIT) + _echo_line(1, 5000) + line(call(2, "calc_add", {"a": 1, "b": 1})) + b"x" * 3000
    )
    with requests.open("rb") as stdin:
        proc = subprocess.run(
            serve_command(FIXTURE, "--max-message-bytes", "1000"),
            stdin=stdin,
            capture_output=True,
            env=server_env_for(FIXTURE),
            cwd=ROOT,
            timeout=60,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    replies = [json.loads(raw) for raw in proc.stdout.splitlines()]
    errors = [r for r in replies if "error" in r]
    assert [r["id"] for r in replies if "result" in r] == ["init", 2]
    assert [(e["id"], e["error"]["code"]) for e in errors] == [(None, -32600), (None, -32600)]
