"""Where things are during a verify run, and how it reports progress (stderr, flushed)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TOOLS_DIR = Path(os.environ.get("TOOLC_VERIFY_TOOLS", ROOT / ".tools"))
NODE_BIN = TOOLS_DIR / "node_modules" / ".bin"
_START = time.perf_counter()


def python() -> str:
    """The project's interpreter (the one that runs this script when .venv is missing)."""
    return str(PYTHON) if PYTHON.exists() else sys.executable


def node_env(**extra: str) -> dict[str, str]:
    """The environment for Node tools: .tools' Node 22 first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def say(message: str) -> None:
    print(f"verify [{time.perf_counter() - _START:6.1f}s] {message}", file=sys.stderr, flush=True)
