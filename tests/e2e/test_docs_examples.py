"""Every example call of every committed reference page (docs/clients/*.md) succeeds.

Each client's build is served over stdio (the real `mcp` client, `toolc serve`), and every
example call its page shows is sent exactly as printed; the result must not be an `isError`
(nor a protocol error). The server's data lives in a throw-away sandbox (TOOLC_BMAD_DB, a git
repository with a staged change and a bare remote, workspace files), seeded once through the
served catalog with one task, plan, doc, workflow, session and an installed pack; before each
example the sandbox is restored to that seed, so every example stands alone, as a reader uses it.
The HTML page of each client must show the very same example calls.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError

from tests.e2e.runtime_support import ROOT, stdio_params
from tests.e2e.test_example_catalog import make_workspace
from toolc.generator.docs.markdown import EXAMPLE_LINE

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GENERATED = ROOT / "generated"
PAGES = ROOT / "docs" / "clients"
CLIENTS = sorted(p.stem for p in PAGES.glob("*.md"))
MD_EXAMPLE = re.compile(re.escape(EXAMPLE_LINE) + r"\n\n```json\n(.*?)\n```", re.S)
HTML_EXAMPLE = re.compile(r'<pre><code class="example">(.*?)</code></pre>', re.S)

# What the examples refer to: t1, p1 (validated), d1, w1, h1, an installed and enabled pack.
SEED: list[tuple[str, dict[str, Any]]] = [
    ("bmad_expansion", {"operation": "install", "pack": "game-dev"}),
    ("bmad_expansion", {"operation": "enable", "pack": "game-dev", "enabled": True}),
    ("bmad_task", {"operation": "add", "title": "Seed task"}),
    ("bmad_plan", {"operation": "create", "name": "Seed plan", "steps": ["design", "build"]}),
    ("bmad_plan", {"operation": "validate", "plan_id": "p1"}),
    ("bmad_doc", {"operation": "create", "title": "Seed doc", "kind": "prd", "content": "v1"}),
    ("bmad_workflow", {"operation": "start", "template": "game-jam", "name": "Seed"}),
    ("bmad_hil", {"operation": "start_session", "topic": "Seed session"}),
    ("memory_add", {"content": "A seeded memory about examples", "tags": ["example"]}),
]


def examples(client: str) -> list[dict[str, Any]]:
    text = (PAGES / f"{client}.md").read_text(encoding="utf-8")
    return [json.loads(block) for block in MD_EXAMPLE.findall(text)]


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True, text=True)


def _env(ws: Path) -> dict[str, str]:
    return {
        "TOOLC_BMAD_DB": str(ws / "bmad.sqlite3"),
        "TOOLC_GIT_REPO": str(ws / "repo"),
        "TOOLC_WORKSPACE": str(ws),
    }


async def _seeded(ws: Path) -> None:
    make_workspace(ws)
    _git("init", "-q", "--bare", str(ws / "remote.git"))
    _git("-C", str(ws / "repo"), "remote", "add", "origin", str(ws / "remote.git"))
    (ws / "sample.py").write_text('def example() -> str:\n    return "example"\n')
    async with Client(stdio_params("claude-code", GENERATED, env=_env(ws), cwd=ws)) as c:
        for name, arguments in SEED:
            result = await c.call_tool(name, arguments)
            assert not result.is_error, (name, arguments, result.content)


def _restore(template: Path, ws: Path) -> None:
    """ws's contents become template's again (ws itself stays: it is the server's cwd)."""
    for child in ws.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in template.iterdir():
        if child.is_dir():
            shutil.copytree(child, ws / child.name, symlinks=True)
        else:
            shutil.copy2(child, ws / child.name)


def test_every_page_has_examples_and_html_shows_the_same() -> None:
    assert sorted(p.name for p in (GENERATED / "clients").iterdir() if p.is_dir()) == CLIENTS
    for client in CLIENTS:
        shown = examples(client)
        assert shown, client
        page = (PAGES / f"{client}.html").read_text(encoding="utf-8")
        in_html = [json.loads(html.unescape(b)) for b in HTML_EXAMPLE.findall(page)]
        assert in_html == shown, client


@pytest.mark.parametrize("client", CLIENTS)
async def test_every_example_call_succeeds(client: str, tmp_path: Path) -> None:
    template, ws = tmp_path / "seed", tmp_path / "ws"
    template.mkdir()
    ws.mkdir()
    await _seeded(template)
    calls = examples(client)
    failures: list[str] = []
    async with Client(stdio_params(client, GENERATED, env=_env(ws), cwd=ws)) as c:
        for call in calls:
            _restore(template, ws)
            try:
                result = await c.call_tool(call["name"], call["arguments"])
            except MCPError as exc:
                failures.append(f"{json.dumps(call)} -> protocol error {exc.error.message}")
                continue
            if result.is_error:
                text = " ".join(getattr(b, "text", "") for b in result.content)
                failures.append(f"{json.dumps(call)} -> isError: {text[:300]}")
    assert failures == [], f"{len(failures)} of {len(calls)} examples failed:\n" + "\n".join(
        failures
    )
