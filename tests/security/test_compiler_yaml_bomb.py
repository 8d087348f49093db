"""A small tools.yaml of nested YAML merge keys must not make the compiler expand it for minutes.

`<<: [*a, *a, ...]` nested seven deep is ~550 bytes and stands for ten million merged pairs:
before merge expansion counted toward the alias budget, `check` spent seconds and gigabytes on
six levels and ran out of memory on seven. It now stops at the budget with a located E001,
within a memory limit and a timeout far below what the expansion would need.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 1 << 30  # bytes of address space for the compiler process


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolc", "check", "--root", str(root), "--quiet"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )


def merge_bomb(levels: int, width: int) -> str:
    lines = ["version: 1", "a0: &a0 {k0: 1, k1: 2}"]
    for level in range(1, levels + 1):
        sources = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} {{<<: [{sources}], x{level}: 1}}")
    lines.append(f"server: {{<<: *a{levels}}}")
    return "\n".join(lines) + "\n"


def test_nested_merge_keys_stop_at_the_budget_quickly(tmp_path: Path) -> None:
    text = merge_bomb(levels=7, width=10)
    assert len(text) < 640
    (tmp_path / "tools.yaml").write_text(text, encoding="utf-8")
    start = time.monotonic()
    proc = _check(tmp_path)
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert re.fullmatch(
        r"tools\.yaml:\d+:\d+: error\[E001\]: aliases and merge keys expand to too many "
        r"values — use fewer nested aliases and merge keys\.\n",
        proc.stderr,
    ), proc.stderr[-2000:]
    assert elapsed < 30, f"check took {elapsed:.1f}s"


def test_a_merge_bomb_inside_a_client_file_is_stopped_too(tmp_path: Path) -> None:
    (tmp_path / "tools.yaml").write_text("version: 1\n", encoding="utf-8")
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients/big.yaml").write_text(merge_bomb(levels=8, width=8), encoding="utf-8")
    proc = _check(tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert re.search(
        r"^clients/big\.yaml:\d+:\d+: error\[E001\]: aliases and merge keys expand",
        proc.stderr,
        re.M,
    ), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
