"""The runtime tests' build, compiled by toolc from tests/fixtures/runtime_build once per session.

The catalog (tools.yaml, clients/, rthandlers/) is copied into a temporary root and compiled with
the real `toolc generate`; the output is then renamed `rtgen`, so it never clashes
with the example's `generated` package in the same process (dispatch modules import their models
relatively, so a build works under any package name).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "runtime_build"


@functools.cache
def compiled_fixture() -> Path:
    """The compiled fixture's package directory (`<temp root>/rtgen`); its parent holds handlers."""
    root = Path(tempfile.mkdtemp(prefix="toolc-rtfixture-"))
    atexit.register(shutil.rmtree, root, True)
    shutil.copy2(SOURCE / "tools.yaml", root / "tools.yaml")
    for folder in ("clients", "rthandlers"):
        shutil.copytree(
            SOURCE / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (root / "generated").rename(root / "rtgen")
    return root / "rtgen"
