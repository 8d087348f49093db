"""Issue 11, file tools: nothing outside $TOOLC_WORKSPACE is read, and every walk stops by itself.

Real server over stdio (real mcp client). On 71c1119 each tool read any absolute path: function
signatures with their default values (an API key) and docstrings, ruff messages quoting a file's
identifiers, XML parse errors of /etc/passwd, a pack file from anywhere; and `search_functions`
walked whatever tree it was given for as long as it took.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.security.handlers_support import INTERNAL, serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SECRET = "sk-live-0123456789abcdef"
SECRET_PY = f'''def connect(api_key="{SECRET}"):
    """Connect with the production key {SECRET}."""
    return SECRET_IDENTIFIER_{SECRET[-6:]}
'''
JUNIT = f"""<testsuite name="s"><testcase classname="c" name="t">
<failure message="{SECRET}">{SECRET}</failure></testcase></testsuite>
"""
PACK = json.dumps({"name": "stolen", "version": "1", "description": SECRET, "plan_templates": {}})


def _layout(tmp_path: Path) -> tuple[Path, Path]:
    """(workspace, outside): a workspace with one harmless file, and secrets next to it."""
    ws = tmp_path / "ws"
    (ws / "code").mkdir(parents=True)
    (ws / "code" / "ok.py").write_text('def harmless():\n    """Nothing here."""\n')
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(SECRET_PY)
    (outside / "report.xml").write_text(JUNIT)
    (outside / "pack.json").write_text(PACK)
    return ws, outside


def _env(tmp_path: Path, ws: Path | None) -> dict[str, str]:
    env = {"TOOLC_BMAD_DB": str(tmp_path / "bmad.sqlite3")}
    if ws is not None:
        env["TOOLC_WORKSPACE"] = str(ws)
    return env


def _calls(outside: Path) -> dict[str, tuple[str, str | None, dict[str, Any]]]:
    return {
        "search_functions absolute": (
            "code.search_functions",
            None,
            {"query": "connect", "path": str(outside)},
        ),
        "search_functions ../": (
            "code.search_functions",
            None,
            {"query": "connect", "path": "../outside/secret.py"},
        ),
        "lint_full": ("lint_full", None, {"path": str(outside / "secret.py")}),
        "test_analyze /etc/passwd": ("test_analyze", None, {"report_path": "/etc/passwd"}),
        "test_analyze report": ("test_analyze", None, {"report_path": str(outside / "report.xml")}),
        "expansion install source": (
            "bmad_expansion",
            "install",
            {"pack": "stolen", "source": str(outside / "pack.json")},
        ),
    }


CASES = sorted(_calls(Path("/")))


@pytest.mark.parametrize("case", CASES)
async def test_file_tools_refuse_paths_outside_the_workspace(tmp_path: Path, case: str) -> None:
    ws, outside = _layout(tmp_path)
    tool, operation, args = _calls(outside)[case]
    async with serve(_env(tmp_path, ws), ws) as s:
        answer = await s.call(tool, operation, **args)
    assert SECRET not in answer.text and SECRET[-6:] not in answer.text, answer.text
    assert "root:" not in answer.text and "XML" not in answer.text, answer.text
    assert answer.error, f"{case}: read outside the workspace: {answer.text[:300]}"
    assert "outside the workspace" in answer.text and "TOOLC_WORKSPACE" in answer.text


async def test_symlinks_do_not_lead_out_of_the_workspace(tmp_path: Path) -> None:
    ws, outside = _layout(tmp_path)
    (ws / "linked-dir").symlink_to(outside, target_is_directory=True)
    (ws / "code" / "leak.py").symlink_to(outside / "secret.py")
    (ws / "leak.xml").symlink_to(outside / "report.xml")
    async with serve(_env(tmp_path, ws), ws) as s:
        whole = await s.call("code.search_functions", query="connect")
        through_dir = await s.call("code.search_functions", query="connect", path="linked-dir")
        lint = await s.call("lint_full", path="code/leak.py")
        junit = await s.call("test_analyze", report_path="leak.xml")
    assert not whole.error and whole.data["matches"] == [], whole.text[:300]
    for answer in (through_dir, lint, junit):
        assert answer.error and "outside the workspace" in answer.text, answer.text[:300]
        assert SECRET not in answer.text


async def test_file_tools_refuse_until_a_workspace_is_configured(tmp_path: Path) -> None:
    ws, _ = _layout(tmp_path)
    async with serve(_env(tmp_path, None), ws) as s:  # cwd holds code, but no TOOLC_WORKSPACE
        search = await s.call("code.search_functions", query="harmless")
        lint = await s.call("lint_full", path="code/ok.py")
    for answer in (search, lint):
        assert answer.error, f"read the server's working directory: {answer.text[:300]}"
        assert "TOOLC_WORKSPACE is not set" in answer.text and INTERNAL not in answer.text


def _many_files(folder: Path, count: int) -> None:
    for group in range(count // 1000 + 1):
        sub = folder / f"g{group:02d}"
        sub.mkdir(parents=True)
        for i in range(min(1000, count - group * 1000)):
            os.close(os.open(sub / f"f{i:04d}.txt", os.O_CREAT | os.O_WRONLY, 0o644))


async def test_search_walk_stops_by_itself_and_says_so(tmp_path: Path) -> None:
    ws, _ = _layout(tmp_path)
    _many_files(ws / "big", 20_500)  # more directory entries than one walk may look at
    async with serve(_env(tmp_path, ws), ws) as s:
        start = time.monotonic()
        answer = await s.call("code.search_functions", query="harmless")
        took = time.monotonic() - start
    assert not answer.error, answer.text[:300]
    assert answer.data["truncated"] is True, "walked every entry and did not say it stopped"
    assert "20000 directory entries" in answer.data["truncated_reason"]
    assert took < 15, f"took {took:.1f} s"


async def test_a_fifo_in_the_workspace_does_not_hang_a_scan(tmp_path: Path) -> None:
    ws, _ = _layout(tmp_path)
    os.mkfifo(ws / "code" / "hang.py")
    (ws / "reports").mkdir()
    (ws / "reports" / "a.xml").write_text('<testsuite name="s"><testcase name="t"/></testsuite>')
    os.mkfifo(ws / "reports" / "hang.xml")
    async with serve(_env(tmp_path, ws), ws) as s:
        start = time.monotonic()
        search = await s.call("code.search_functions", query="harmless")
        junit = await s.call("test_analyze", report_path="reports")
        took = time.monotonic() - start
    assert not search.error, search.text[:300]
    assert [m["name"] for m in search.data["matches"]] == ["harmless"]
    assert not junit.error and (junit.data["reports"], junit.data["tests"]) == (1, 1), junit.text
    assert took < 15, f"took {took:.1f} s"
