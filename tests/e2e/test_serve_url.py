"""`toolc serve --transport http` says on stderr where it serves, port 0 included."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time

import anyio
import pytest
from mcp import Client

from tests.e2e.runtime_support import FIXTURE, ROOT, server_env

pytestmark = pytest.mark.slow
URL = re.compile(rb"toolc: serving (http://127\.0\.0\.1:(\d+)/mcp)\n")


def test_http_prints_the_url_it_serves_on() -> None:
    args = [sys.executable, "-m", "toolc", "serve", "--client", "test", "--transport", "http"]
    args += ["--port", "0", "--generated", str(FIXTURE), "--no-trace"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=server_env(), stderr=log)
        try:
            deadline = time.monotonic() + 15
            found = None
            while found is None and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
                log.seek(0)
                found = URL.search(log.read())
            assert found is not None, "no URL on stderr"
            url = found.group(1).decode()
            assert int(found.group(2)) > 0  # the port the OS chose, not 0

            async def listed() -> list[str]:
                with anyio.fail_after(20):
                    async with Client(url) as client:
                        return [t.name for t in (await client.list_tools()).tools]

            assert anyio.run(listed)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
