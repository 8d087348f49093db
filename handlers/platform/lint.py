"""lint_full: run ruff on a path and return structured findings.

Runs `sys.executable -m ruff check --output-format json --no-cache` (no cache files are written,
so the operation is a pure read). Ruff's exit status 1 means "findings", not failure. The path
must lie under `$TOOLC_WORKSPACE` (see `handlers.workspace`) and is taken relative to it. A
folder is first walked with the workspace's bounds; one too large for them is refused, so ruff
never starts on a tree it could not finish.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from typing import Any

from toolc import ToolError

from .. import workspace

TIMEOUT = 110.0
MAX_FINDINGS = 500
MAX_FILES = workspace.MAX_FILES


def lint_full(path: str, select: list[str] | None = None) -> dict[str, Any]:
    """Ruff findings for a file or directory, with counts per rule."""
    target = workspace.confine(path, workspace.ENV_WORKSPACE, "path")
    base = workspace.root(workspace.ENV_WORKSPACE)
    listing = workspace.walk(target, base, ".py", workspace.SKIP_DIRS, max_files=MAX_FILES)
    if listing.truncated is not None:
        raise ToolError(
            f"{target} is too large to lint in one call (its walk {listing.truncated}) — "
            "lint a smaller folder"
        )
    cmd = [sys.executable, "-m", "ruff", "check", "--output-format", "json", "--no-cache"]
    if select:
        cmd += ["--select", ",".join(s.strip() for s in select if s.strip())]
    cmd += ["--", str(target)]
    folder = target if target.is_dir() else target.parent
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=folder, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError(
            f"ruff took longer than {TIMEOUT:g}s on {target} — lint a smaller path"
        ) from exc
    if proc.returncode not in (0, 1):
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        if "No module named ruff" in proc.stderr:
            raise ToolError("ruff is not installed in the server's environment — pip install ruff")
        raise ToolError(
            f"ruff failed: {detail[-1] if detail else proc.returncode} — "
            "check the path and the rule codes"
        )
    try:
        raw = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise ToolError("ruff returned output that is not JSON — check the ruff version") from exc
    findings = [
        {
            "code": item.get("code") or "syntax-error",
            "message": item.get("message", ""),
            "file": item.get("filename", ""),
            "line": int((item.get("location") or {}).get("row", 0)),
            "column": int((item.get("location") or {}).get("column", 0)),
            "fixable": item.get("fix") is not None,
            "url": item.get("url"),
        }
        for item in raw
    ]
    findings.sort(key=lambda f: (f["file"], f["line"], f["column"], f["code"]))
    return {
        "path": str(target),
        "count": len(findings),
        "fixable": sum(1 for f in findings if f["fixable"]),
        "by_code": dict(sorted(Counter(f["code"] for f in findings).items())),
        "findings": findings[:MAX_FINDINGS],
        "truncated": len(findings) > MAX_FINDINGS,
    }
