"""`toolc generate` / `check` with nothing changed answer from hashes, and anything changed (an
input, the handler code, a generated file, the toolc version, the cache itself) runs the whole
pipeline. The real CLI on a scaffolded project (`toolc init`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNCHANGED = "inputs unchanged"


def _toolc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolc", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    assert _toolc("init", str(root)).returncode == 0
    first = _toolc("generate", "--root", str(root))
    assert first.returncode == 0 and UNCHANGED not in first.stderr, first.stderr
    return root


def _noop(root: Path, command: str = "generate") -> bool:
    r = _toolc(command, "--root", str(root))
    assert r.returncode == 0, r.stderr
    assert "client" in r.stdout  # the per-client table is printed either way
    return UNCHANGED in r.stderr


def test_unchanged_inputs_skip_the_pipeline_and_changes_do_not(project: Path) -> None:
    assert _noop(project)
    # check runs the compatibility gate once (tools.lock, sunsets), then answers from hashes
    assert not _noop(project, "check") and _noop(project, "check")
    (project / "tools.lock").write_text("{}\n")  # a changed lock: the gate runs again
    r = _toolc("check", "--root", str(project))
    assert UNCHANGED not in r.stderr
    (project / "tools.lock").unlink()
    assert not _noop(project, "check") and _noop(project, "check")
    table = _toolc("generate", "--root", str(project)).stdout
    assert table == _toolc("check", "--root", str(project), "--quiet").stdout

    tools = project / "tools.yaml"
    tools.write_text(tools.read_text() + "\n# a comment changes the hash\n")
    assert not _noop(project)  # full run, which records the new state
    assert _noop(project)

    handler = next((project / "handlers").rglob("*.py"))
    handler.write_text(handler.read_text() + "\n# edited\n")
    assert not _noop(project, "check") and _noop(project, "check")


def test_an_edited_generated_file_is_caught(project: Path) -> None:
    manifest = json.loads((project / "generated" / "manifest.json").read_text())
    some = project / next(p for p in manifest["files"] if p.endswith(".py"))
    some.write_text(some.read_text() + "# hand edit\n")
    r = _toolc("check", "--root", str(project))
    assert r.returncode == 1 and "stale" in r.stderr and UNCHANGED not in r.stderr
    assert not _noop(project)  # generate rewrites it
    extra = project / "generated" / "extra.py"
    extra.write_text("x = 1\n")
    r = _toolc("check", "--root", str(project))
    assert r.returncode == 1 and UNCHANGED not in r.stderr


def test_another_toolc_version_or_no_cache_runs_everything(project: Path) -> None:
    path = project / "generated" / "manifest.json"
    manifest = json.loads(path.read_text())
    assert manifest["toolc"]
    manifest["toolc"] = "0.0.0-older"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    assert not _noop(project)  # the manifest no longer hashes to what the cache recorded
    assert json.loads(path.read_text())["toolc"] != "0.0.0-older" and _noop(project)
    (project / ".toolc" / "generate-state.json").unlink()
    assert not _noop(project) and _noop(project)


def test_warnings_are_shown_again_by_a_noop_run(project: Path) -> None:
    # the scaffold's master tool mixes reads and writes and its clients do not split: W005
    full = _toolc("generate", "--root", str(project))
    again = _toolc("generate", "--root", str(project))
    assert UNCHANGED in again.stderr and "warning[W005]" in again.stderr, again.stderr
    assert full.stdout == again.stdout
