"""Stage `conformance`: the MCP conformance suite against the fixture build, stateful and stateless.

tests/conformance/ is a catalog compiled by toolc (its generated/ is committed and must be up to
date). For each mode, `toolc serve --transport http` serves it on a free 127.0.0.1
port and `conformance server --suite all --expected-failures verify/conformance-baseline.yml`
runs every scenario: a failure not in the baseline fails, and so does a baseline entry that
passes. The stateless run also expects the baseline's `stateless` entries to fail.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from verify.env import NODE_BIN, ROOT, node_env, python, say

FIXTURE = ROOT / "tests" / "conformance"
BASELINE = ROOT / "verify" / "conformance-baseline.yml"
CLIENT = "conformance"
MODES = {"stateful": (), "stateless": ("--stateless",)}
SUITE_TIMEOUT = 300


@dataclass(frozen=True, slots=True)
class Outcome:
    mode: str
    ok: bool
    passed: int
    failed: int
    warnings: int
    failing: tuple[str, ...]  # scenarios with a failure or warning
    report: str  # the suite's own output, shown when not ok


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on port {port} within 30 s")


@contextmanager
def serve(mode: str, workdir: Path) -> Iterator[str]:
    """Serve the fixture build over Streamable HTTP; yields the MCP URL."""
    port = _free_port()
    log = workdir / f"server-{mode}.log"
    cmd = [python(), "-m", "toolc", "serve", "--client", CLIENT, "--transport", "http"]
    cmd += ["--port", str(port), "--generated", str(FIXTURE / "generated"), "--no-trace"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, *MODES[mode]], cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
    try:
        _wait_listening(proc, port, log)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _count(results: Path) -> tuple[int, int, int, tuple[str, ...]]:
    passed = failed = warnings = 0
    failing: list[str] = []
    for checks_file in sorted(results.glob("*/checks.json")):
        checks = json.loads(checks_file.read_text())
        statuses = [c.get("status") for c in checks]
        passed += statuses.count("SUCCESS")
        failed += statuses.count("FAILURE")
        warnings += statuses.count("WARNING")
        if "FAILURE" in statuses or "WARNING" in statuses:
            # the folder is "server-<scenario>-<timestamp>"
            failing.append(checks_file.parent.name.removeprefix("server-").rsplit("-", 6)[0])
    return passed, failed, warnings, tuple(sorted(failing))


def baseline(mode: str, workdir: Path) -> Path:
    """The suite's expected-failures file for `mode`: `server`, plus `<mode>` entries if any."""
    data = yaml.safe_load(BASELINE.read_text()) or {}
    extra = data.get(mode) or []
    if not extra:
        return BASELINE
    path = workdir / f"baseline-{mode}.yml"
    path.write_text(yaml.safe_dump({"server": [*data.get("server", []), *extra]}))
    return path


def run_mode(mode: str, workdir: Path) -> Outcome:
    results = workdir / f"results-{mode}"
    expected = baseline(mode, workdir)
    with serve(mode, workdir) as url:
        say(f"conformance [{mode}]: suite against {url}")
        cmd = [str(NODE_BIN / "conformance"), "server", "--url", url, "--suite", "all"]
        cmd += ["--expected-failures", str(expected), "-o", str(results)]
        proc = subprocess.run(
            cmd, cwd=ROOT, env=node_env(), capture_output=True, text=True, timeout=SUITE_TIMEOUT
        )
    passed, failed, warnings, failing = _count(results)
    return Outcome(mode, proc.returncode == 0, passed, failed, warnings, failing, proc.stdout)


def check_fixture() -> bool:
    """The committed fixture build must match its catalog (like `make check` for generated/)."""
    cmd = [python(), "-m", "toolc", "check", "--root", str(FIXTURE), "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        say("conformance: tests/conformance/generated is stale or the fixture is invalid — run")
        say("  .venv/bin/toolc generate --root tests/conformance")
        print(proc.stdout[-4000:] + proc.stderr[-4000:], flush=True)
    return proc.returncode == 0


def run() -> bool:
    if not check_fixture():
        return False
    ok = True
    with tempfile.TemporaryDirectory(prefix="toolc-conformance-") as tmp:
        for mode in MODES:
            o = run_mode(mode, Path(tmp))
            verdict = "ok" if o.ok else "FAILED"
            say(
                f"conformance [{mode}]: {verdict} — {o.passed} checks passed, {o.failed} failed, "
                f"{o.warnings} warnings; {len(o.failing)} scenarios failing"
                + (" (all in the baseline)" if o.ok else "")
            )
            if not o.ok:
                ok = False
                tail = o.report[o.report.find("=== SUMMARY ===") :]
                print(tail, flush=True)
    return ok
