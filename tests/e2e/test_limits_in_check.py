"""The example's mobile profile pushed over its 30-tool limit makes the check gate fail."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _copy_project(dest: Path) -> Path:
    dest.mkdir()
    for name in ("tools.yaml", "clients", "handlers", "generated", "docs", "runtime"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolc", "check", "--root", str(root), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_example_mobile_profile_passes_then_fails_above_30_tools(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    assert _check(project).returncode == 0

    mobile = project / "clients" / "mobile.yaml"
    text = mobile.read_text(encoding="utf-8")
    # Listing the legacy names makes each one a tool of its own for this client.
    mobile.write_text(text.replace("legacy: refuse", "legacy: list"), encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("max_tools:"))

    result = _check(project)
    assert result.returncode == 1
    match = re.search(
        rf"^clients/mobile\.yaml:{line}:12: error\[E031\]: client \"mobile\" exposes (\d+) "
        r"tools, limit is 30 — exclude (\d+) tools or raise max_tools\.$",
        result.stderr,
        re.MULTILINE,
    )
    assert match, result.stderr
    exposed, excess = int(match[1]), int(match[2])
    assert exposed > 30 and excess == exposed - 30
    # The note stays short however many tools count: the largest contributors, then the fix.
    block = result.stderr[match.start() :].split("\nclients/", 1)[0].splitlines()
    assert len(block) <= 1 + 5 + 2, block
    assert re.search(r'note: tool "bmad_task" counts \d+\.$', result.stderr, re.MULTILINE)
    assert f'fix: "legacy: accept" in clients/mobile.yaml keeps {exposed - 4} listed' in (
        result.stderr
    )
    assert re.search(r"^mobile .* OVER$", result.stdout, re.MULTILINE)
