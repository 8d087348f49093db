"""Install the pinned Node tools into .tools/ (git-ignored) unless they are already there.

verify/package.json pins Node 22 (from npm: the system Node may be older), the conformance suite
and the Inspector; verify/package-lock.json fixes every transitive version. `npm ci` installs
exactly that lock. After a successful install a copy of the lock goes to .tools/.verify-lock, so a
second run only compares two files and checks three executables.
"""

from __future__ import annotations

import shutil
import subprocess

from verify.env import NODE_BIN, ROOT, TOOLS_DIR, node_env, say

MANIFEST = ROOT / "verify" / "package.json"
LOCK = ROOT / "verify" / "package-lock.json"
NODE_MAJOR = 22
EXECUTABLES = ("node", "conformance", "inspector")
STAMP = TOOLS_DIR / ".verify-lock"  # the lock of the last successful install


class ToolsError(Exception):
    """The Node tools cannot be installed or are unusable."""


def _installed() -> bool:
    return (
        STAMP.is_file()
        and STAMP.read_bytes() == LOCK.read_bytes()
        and all((NODE_BIN / name).exists() for name in EXECUTABLES)
    )


def _node_major() -> int:
    out = subprocess.run(
        [str(NODE_BIN / "node"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return int(out.lstrip("v").split(".")[0])


def ensure() -> None:
    """Make .tools/ hold exactly the locked Node tools (fast when it already does)."""
    if _installed():
        say(f"node tools: up to date in {TOOLS_DIR}")
    else:
        npm = shutil.which("npm")
        if npm is None:
            raise ToolsError("npm is not on PATH — install Node.js (any version with npm >= 8)")
        say(f"node tools: npm ci into {TOOLS_DIR} (Node {NODE_MAJOR}, conformance, inspector)")
        TOOLS_DIR.mkdir(parents=True, exist_ok=True)
        STAMP.unlink(missing_ok=True)
        shutil.copyfile(MANIFEST, TOOLS_DIR / "package.json")
        shutil.copyfile(LOCK, TOOLS_DIR / "package-lock.json")
        cmd = [npm, "ci", "--prefix", str(TOOLS_DIR), "--no-audit", "--no-fund", "--loglevel=error"]
        proc = subprocess.run(cmd, env=node_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            raise ToolsError(f"npm ci failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        shutil.copyfile(LOCK, STAMP)
        if not _installed():
            STAMP.unlink()
            raise ToolsError(f"npm ci left no {', '.join(EXECUTABLES)} in {NODE_BIN}")
    major = _node_major()
    if major < NODE_MAJOR:
        raise ToolsError(f"{NODE_BIN / 'node'} is Node {major}; the tools need {NODE_MAJOR}+")
