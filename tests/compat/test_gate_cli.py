"""`toolc lock`, `toolc check` against the lock (W001, E060, E061) and `toolc breaking --against`
in a fresh clone of a temporary git repository, all as subprocesses on a small catalog."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.compat.example_copy import edit, toolc

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
PURGE = "      purge:\n        effect: write\n        idempotent: true\n"

pytestmark = pytest.mark.slow


def git(cwd: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return run.stdout


def project(root: Path) -> Path:
    root.mkdir()
    shutil.copy(CASES / "base.yaml", root / "tools.yaml")
    shutil.copytree(CASES / "clients", root / "clients")
    return root


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`toolc generate` (so generated/ is current), then `toolc check ARGS`."""
    assert toolc(root, "generate", "--quiet").returncode == 0
    return toolc(root, "check", *args)


def expected(name: str, got: str) -> None:
    """Exact text of a diagnostic, kept in tests/compat/expected_<name>.txt."""
    path = HERE / f"expected_{name}.txt"
    assert got == path.read_text(encoding="utf-8")


def test_lock_check_and_sunsets(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert not (root / "tools.lock").exists()
    run = check(root)
    assert run.returncode == 0, run.stderr  # no lock: nothing to compare, sunsets still warn
    first = toolc(root, "lock", "--changelog", str(tmp_path / "CHANGELOG.md"))
    assert first.returncode == 0, first.stderr
    notes = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert notes == first.stdout
    assert notes.startswith("# demo 1.0.0\n\nFirst locked release.\n")
    assert (
        '| `create_note` | `notes` with `operation: "add"` '
        "(arguments: `body` → `text`) | 2027-01-01 |" in notes
    )
    lock = (root / "tools.lock").read_text(encoding="utf-8")
    assert json.loads(lock)["server"] == {"name": "demo", "version": "1.0.0"}
    assert toolc(root, "lock").returncode == 0
    assert (root / "tools.lock").read_text(encoding="utf-8") == lock  # date-independent

    clean = check(root)
    assert clean.returncode == 0, clean.stderr
    assert "the contract is unchanged since 1.0.0" in clean.stderr
    warnings = [line for line in clean.stderr.splitlines() if "warning[W001]" in line]
    expected("w001", "\n".join(warnings) + "\n")

    trace = tmp_path / "spans.jsonl"
    spans = [{"tool": "notes", "operation": "add", "legacy": "old_add"}] * 3
    trace.write_text("".join(json.dumps(s) + "\n" for s in spans) + "not json\n", "utf-8")
    traced = check(root, "--trace", str(trace))
    assert "3 calls in the trace still used it" in traced.stderr
    assert "past its sunset" not in check(root, "--today", "2019-12-31").stderr


def test_breaking_changes_against_the_lock_and_the_version_bump(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert toolc(root, "lock").returncode == 0
    edit(root / "tools.yaml", PURGE, "")
    broken = check(root)
    assert broken.returncode == 1
    assert "OPERATION_REMOVED" in broken.stderr and '(clients "all", "app")' in broken.stderr
    assert "need a major version bump — set server.version to 2.0.0" in broken.stderr
    refused = toolc(root, "lock")
    assert refused.returncode == 1 and "tools.lock not written" in refused.stderr
    edit(root / "tools.yaml", 'version: "1.0.0"', 'version: "2.0.0"')
    bumped = check(root)
    assert bumped.returncode == 0, bumped.stderr
    assert "accepted OPERATION_REMOVED notes.purge" in bumped.stderr
    released = toolc(root, "lock")
    assert released.returncode == 0
    assert "### Removed\n\n- operation `notes` `purge`" in released.stdout


def test_a_lock_that_is_not_json_is_an_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "tools.lock").write_text("{not json", encoding="utf-8")
    run = check(root)
    assert run.returncode == 1
    expected("e061", "".join(line + "\n" for line in run.stderr.splitlines() if "E061" in line))


def test_breaking_against_head_1_in_a_fresh_clone(tmp_path: Path) -> None:
    origin = project(tmp_path / "origin")
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "catalog")
    edit(origin / "tools.yaml", "enum: [red, blue]", "enum: [red]")
    git(origin, "commit", "-qam", "narrow the color")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))

    text = toolc(clone, "breaking", "--against", "HEAD~1")
    assert text.returncode == 1, text.stderr
    assert (
        'tools.yaml:14:11: error[E060]: ENUM_VALUE_REMOVED: "notes.add": "color" '
        'no longer accepts "blue"' in text.stderr
    )
    as_json = toolc(clone, "breaking", "--against", "HEAD~1", "--format", "json")
    doc = json.loads(as_json.stdout)
    assert doc["bump"] == "major" and not doc["ok"]
    assert {(c["rule"], c["client"]) for c in doc["changes"]} == {
        ("ENUM_VALUE_REMOVED", "all"),
        ("ENUM_VALUE_REMOVED", "app"),
    }
    assert toolc(clone, "breaking", "--against", "HEAD").returncode == 0
    missing = toolc(clone, "breaking", "--against", "no-such-ref")
    assert missing.returncode == 1 and 'git ref "no-such-ref" does not exist' in missing.stderr
