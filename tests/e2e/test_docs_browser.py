"""The browser stage (verify/browser.cjs) fails a page that runs injected script, fetches, or whose
search box does not filter: negative controls in the real headless Chromium. Skipped until
`make verify` has installed the Node tools and Chromium (it runs after the tests in make check)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from verify import browser
from verify.env import NODE_BIN, ROOT, TOOLS_DIR, node_env

pytestmark = pytest.mark.slow

PAGE = ROOT / "docs" / "clients" / "mobile.html"


def _run(tmp_path: Path, *pages: Path) -> list[dict[str, Any]]:
    chromium = shutil.which("chromium")
    if chromium is None or not (TOOLS_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.skip("needs chromium and the Node tools (make verify installs them)")
    cmd = [str(NODE_BIN / "node"), str(browser.SCRIPT), str(TOOLS_DIR / "node_modules"), chromium]
    cmd += [str(tmp_path / "profile"), *(str(p) for p in pages)]
    proc = subprocess.run(cmd, env=node_env(), capture_output=True, text=True, timeout=180)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_broken_pages_fail_and_the_real_one_passes(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    injected = tmp_path / "injected.html"
    injected.write_text(
        text.replace(
            "<main>", '<main><script>alert(1)</script><img src="http://127.0.0.1:9/x.png">'
        )
    )
    deaf = tmp_path / "deaf.html"
    deaf.write_text(text.replace('addEventListener("input"', 'addEventListener("change"'))
    results = {Path(str(r["page"])).name: r for r in _run(tmp_path, PAGE, injected, deaf)}
    assert results["mobile.html"]["ok"] is True, results["mobile.html"]
    bad = " ".join(str(p) for p in results["injected.html"]["problems"])
    assert "Content Security Policy" in bad and "request to http://127.0.0.1:9/x.png" in bad
    deaf_problems = " ".join(str(p) for p in results["deaf.html"]["problems"])
    assert 'search "memory_search" shows' in deaf_problems
