"""At end of input the stdio server exits within seconds, whatever its handlers are doing.

Before: a sync handler blocked past its timeout (`time.sleep(3600)` in a worker thread) kept the
process alive for the full hour after stdin closed; requests still running at end of input were
waited for up to 30 s; and stdin on /dev/null (nohup, `docker run` without `-i`, systemd) printed
a PermissionError traceback and hung forever. Now the drain is `--drain-seconds` (default 5),
requests still running after it are answered with a "connection closed" error, blocked handler
threads do not keep the process alive, and a watchdog ends a process whose handler swallows
cancellation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.runtime_support import FIXTURE, ROOT
from tests.runtime_fixture import SOURCE
from tests.security.stdio_raw import RawServer, call, line, serve_command, server_env_for

pytestmark = pytest.mark.slow

STUBBORN = '''

async def stubborn() -> dict[str, Any]:
    """Swallows every cancellation: it never ends on its own."""
    while True:
        try:
            await anyio.sleep(3600)
        except anyio.get_cancelled_exc_class():
            pass
'''


@pytest.fixture(scope="module")
def patient_build() -> Iterator[Path]:
    """The fixture build with `faults.slow` allowed 60 s and a `faults.stubborn` operation."""
    root = Path(tempfile.mkdtemp(prefix="toolc-eof-"))
    try:
        shutil.copytree(
            SOURCE, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
        )
        tools = (root / "tools.yaml").read_text()
        slow = "slow: {effect: read, idempotent: true, timeout: 0.3,"
        assert slow in tools
        tools = tools.replace(slow, "slow: {effect: read, idempotent: true, timeout: 60,")
        tools = tools.replace(
            "      nap:", "      stubborn: {effect: read, idempotent: true}\n      nap:", 1
        )
        (root / "tools.yaml").write_text(tools)
        with (root / "rthandlers" / "faults.py").open("a") as faults:
            faults.write(STUBBORN)
        subprocess.run(
            [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        (root / "generated").rename(root / "rtpatient")
        yield root / "rtpatient"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_blocked_sync_handler_does_not_keep_the_process_alive() -> None:
    with RawServer() as server:
        server.initialize()
        server.send(line(call(1, "faults", {"operation": "slow", "seconds": 3600})))
        reply = server.reply()
        assert reply["result"]["isError"] and "timed out" in reply["result"]["content"][0]["text"]
        start = time.monotonic()
        server.close_stdin()
        assert server.wait(15) == 0
        assert time.monotonic() - start < 10
        assert "Traceback" not in server.stderr()


@pytest.mark.parametrize("drain", [None, "1"], ids=["default-5s", "1s"])
def test_requests_still_running_at_end_of_input_get_an_error_after_the_drain(
    patient_build: Path, drain: str | None
) -> None:
    extra = ("--drain-seconds", drain) if drain else ()
    with RawServer(*extra, generated=patient_build) as server:
        server.initialize()
        server.send(line(call(1, "faults", {"operation": "slow", "seconds": 50})))
        server.send(line(call(2, "calc_add", {"a": 1, "b": 2})))
        assert server.reply()["id"] == 2
        start = time.monotonic()
        server.close_stdin()
        reply = server.reply(timeout=15)
        waited = time.monotonic() - start
        assert reply["id"] == 1 and reply["error"]["code"] == -32000
        assert "connection closed" in reply["error"]["message"]
        assert (0.8 if drain else 4.5) < waited < (4 if drain else 9)
        assert server.wait(10) == 0
        assert server.replies.get(timeout=5) == b""  # stdout closed: one reply per request
        assert time.monotonic() - start < (6 if drain else 11)


def test_a_handler_that_swallows_cancellation_does_not_keep_the_process_alive(
    patient_build: Path,
) -> None:
    with RawServer("--drain-seconds", "0.5", generated=patient_build) as server:
        server.initialize()
        server.send(line(call(1, "faults", {"operation": "stubborn"})))
        start = time.monotonic()
        server.close_stdin()
        assert server.reply(timeout=10)["error"]["code"] == -32000
        assert server.wait(15) == 0  # the watchdog: drain + 5 s
        assert time.monotonic() - start < 12


def test_stdin_on_dev_null_exits_at_once() -> None:
    start = time.monotonic()
    with open(os.devnull, "rb") as null:
        proc = subprocess.run(
            serve_command(FIXTURE),
            stdin=null,
            capture_output=True,
            env=server_env_for(FIXTURE),
            cwd=ROOT,
            timeout=15,
        )
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == b"" and b"Traceback" not in proc.stderr
    assert elapsed < 8, f"took {elapsed:.1f} s"  # start-up included; the exit itself is immediate
