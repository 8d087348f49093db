"""A private copy of the repository's example catalog (never the working tree) and `toolc`
runs on it, for the compatibility gate's end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-30"
PARTS = ("tools.yaml", "tools.lock", "clients", "handlers", "generated", "docs")


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, dest / part)
    return dest


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def toolc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOOLC_TODAY": TODAY, "PYTHONDONTWRITEBYTECODE": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "toolc", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
        env=env,
        check=False,
    )
