"""`toolc check --upstreams` against live upstreams: a faithful catalog passes; a renamed or
narrowed upstream tool, a missing command, an unset variable and an HTTP upstream nobody listens
on are E099 diagnostics (tests/upstream/expected_e099.txt), never a hang or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.upstream.support import ROOT, compile_catalog, free_port, upstream_env

pytestmark = pytest.mark.slow
EXPECTED = Path(__file__).resolve().parent / "expected_e099.txt"


def toolc(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolc", *args, "--root", str(project)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT), **upstream_env(), **env},
    )


def e099(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "[E099]" in line]


def test_faithful_catalog_passes(tmp_path: Path) -> None:
    project = compile_catalog("everything", tmp_path / "project")
    done = toolc(project, "check", "--upstreams")
    assert done.returncode == 0, done.stderr
    assert e099(done.stderr) == []


def test_drift_and_unreachable_upstreams_are_e099(tmp_path: Path) -> None:
    drift = compile_catalog("everything", tmp_path / "drift")
    tools = drift / "tools.yaml"
    text = tools.read_text()
    text = text.replace("tool: get-sum", "tool: get-summ")  # renamed upstream tool
    text = text.replace(  # wider than the upstream, which takes three cities only
        "params: {location: {type: string, enum: [New York, Chicago, Los Angeles]}}",
        "params: {location: {type: string}}",
    )
    text = text.replace("set: {message: fixed by toolc}", "set: {message: 42}")
    tools.write_text(text)
    assert toolc(drift, "generate", "--quiet").returncode == 0
    faults = compile_catalog("faults", tmp_path / "faults")
    found = []
    for project in (drift, faults):
        done = toolc(project, "check", "--upstreams", TOOLC_TEST_DOWN_PORT=str(free_port()))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        found.append(f"# {project.name}")
        found.extend(e099(done.stderr))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        EXPECTED.write_text("\n".join(found) + "\n")
    assert "\n".join(found) + "\n" == EXPECTED.read_text()
