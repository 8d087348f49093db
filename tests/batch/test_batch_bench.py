"""The batch benchmark of `make bench` runs: both transports, every figure, no failed call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_batch_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "batch.json"
    script = str(ROOT / "bench" / "batch_bench.py")
    proc = subprocess.run(
        [sys.executable, script, "--items", "5", "--rounds", "1", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    s = json.loads(out.read_text())
    for transport in ("stdio", "http"):
        assert set(s[transport]["median_s"]) == {
            "add_single",
            "add_batch",
            "get_single",
            "get_batch",
        }
        assert all(v > 0 for v in s[transport]["median_s"].values())
    assert "| http | get |" in proc.stdout
