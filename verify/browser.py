"""Stage `browser`: every reference page (docs/clients/*.html) in a real headless Chromium.

The pages of the example catalog and of the golden case with hostile strings
(tests/golden/ok_docs) are loaded from disk by the system's Chromium (Debian's `chromium`; when
it is missing and we run as root it is installed with apt-get, like the Node tools are installed
into .tools/), driven by the pinned playwright-core of verify/package.json (no browser download),
with a fresh user-data dir, offline. A page passes when it loads without console errors, page
errors or dialogs (an escaped `<script>alert(...)` must never run), requests nothing but its own
file, and its search box filters the tool sections (verify/browser.cjs). `$TOOLC_CHROMIUM` names
another Chromium binary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from verify.env import NODE_BIN, ROOT, TOOLS_DIR, node_env, say

SCRIPT = ROOT / "verify" / "browser.cjs"
PAGES = (ROOT / "docs" / "clients", ROOT / "tests" / "golden" / "ok_docs" / "expected" / "docs")
PACKAGE = "chromium"
TIMEOUT = 300  # seconds for all pages together
INSTALL_TIMEOUT = 900


def chromium() -> str | None:
    """The Chromium binary: $TOOLC_CHROMIUM, else chromium on PATH; installed when missing."""
    chosen = os.environ.get("TOOLC_CHROMIUM") or shutil.which("chromium")
    if chosen:
        return chosen
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        say(f"browser: no chromium — install it (apt-get install {PACKAGE}) or set TOOLC_CHROMIUM")
        return None
    say(f"browser: installing {PACKAGE} with apt-get (once)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (
        [apt, "update", "-q"],
        [apt, "install", "-y", "-q", "--no-install-recommends", PACKAGE],
    ):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        if proc.returncode != 0:
            say(f"browser: {' '.join(cmd[1:3])} failed (exit {proc.returncode}):")
            print(proc.stderr[-2000:], flush=True)
            return None
    return shutil.which("chromium")


def pages() -> list[Path]:
    return sorted(p for folder in PAGES for p in folder.rglob("*.html"))


def run() -> bool:
    binary = chromium()
    if binary is None:
        return False
    found = pages()
    if not found:
        say("browser: no docs/clients/*.html — run toolc generate")
        return False
    with tempfile.TemporaryDirectory(prefix="toolc-chromium-") as profile:
        cmd = [str(NODE_BIN / "node"), str(SCRIPT), str(TOOLS_DIR / "node_modules"), binary]
        cmd += [profile, *(str(p) for p in found)]
        try:
            proc = subprocess.run(
                cmd, cwd=ROOT, env=node_env(), capture_output=True, text=True, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired:
            say(f"browser: FAILED — the pages took longer than {TIMEOUT} s")
            return False
    ok = proc.returncode == 0
    seen = 0
    for line in proc.stdout.splitlines():
        try:
            result = json.loads(line)
        except ValueError:
            continue
        seen += 1
        page = Path(result["page"]).relative_to(ROOT)
        if result["ok"]:
            say(f"browser: {page} ok ({result['tools']} tools, search kept {result['filtered']})")
        else:
            say(f"browser: {page} FAILED")
            for problem in result["problems"][:10]:
                say(f"  {problem[:300]}")
    if seen != len(found):
        ok = False
        say(f"browser: FAILED — {seen} of {len(found)} pages checked")
        print(proc.stderr[-3000:], flush=True)
    return ok
