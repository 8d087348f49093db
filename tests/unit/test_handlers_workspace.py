"""handlers.workspace: path confinement and bounded walks, on real files, symlinks and FIFOs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from handlers import workspace
from handlers.platform import code, lint
from handlers.platform import testing as junit
from toolc import ToolError


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("def a():\n    pass\n")
    (tmp_path / "outside.py").write_text("def leaked():\n    pass\n")
    monkeypatch.setenv(workspace.ENV_WORKSPACE, str(root))
    return root.resolve()


def test_unset_root_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(workspace.ENV_WORKSPACE, raising=False)
    with pytest.raises(ToolError, match="TOOLC_WORKSPACE is not set on the server"):
        workspace.confine("pkg", workspace.ENV_WORKSPACE, "path")


def test_root_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(workspace.ENV_WORKSPACE, str(tmp_path / "missing"))
    with pytest.raises(ToolError, match="which does not exist — set TOOLC_WORKSPACE"):
        workspace.confine(None, workspace.ENV_WORKSPACE, "path")


def test_relative_absolute_and_default_paths_resolve_under_the_root(ws: Path) -> None:
    env = workspace.ENV_WORKSPACE
    assert workspace.confine("pkg/a.py", env, "path") == ws / "pkg" / "a.py"
    assert workspace.confine(str(ws / "pkg"), env, "path") == ws / "pkg"
    assert workspace.confine(None, env, "path") == ws
    assert workspace.confine(".", env, "path") == ws
    assert workspace.confine("pkg/../pkg/a.py", env, "path") == ws / "pkg" / "a.py"


@pytest.mark.parametrize("value", ["../outside.py", "/etc/passwd", "/", "pkg/../../outside.py"])
def test_paths_outside_are_refused_before_existence_is_checked(ws: Path, value: str) -> None:
    with pytest.raises(ToolError, match=r"is outside the workspace .* set TOOLC_WORKSPACE"):
        workspace.confine(value, workspace.ENV_WORKSPACE, "path")
    with pytest.raises(ToolError, match="outside the workspace"):  # no existence oracle
        workspace.confine(value + "-missing", workspace.ENV_WORKSPACE, "path")


def test_symlinks_are_resolved_before_the_check(ws: Path) -> None:
    (ws / "out").symlink_to(ws.parent, target_is_directory=True)
    (ws / "leak.py").symlink_to(ws.parent / "outside.py")
    (ws / "inner.py").symlink_to(ws / "pkg" / "a.py")
    for value in ("out", "out/outside.py", "leak.py"):
        with pytest.raises(ToolError, match="outside the workspace"):
            workspace.confine(value, workspace.ENV_WORKSPACE, "path")
    assert workspace.confine("inner.py", workspace.ENV_WORKSPACE, "path") == ws / "pkg" / "a.py"


def test_nul_and_missing_paths_are_clear_errors(ws: Path) -> None:
    with pytest.raises(ToolError, match="NUL character"):
        workspace.confine("a\x00b", workspace.ENV_WORKSPACE, "path")
    with pytest.raises(ToolError, match='"nope" does not exist under'):
        workspace.confine("nope", workspace.ENV_WORKSPACE, "path")
    long = "x" * 5000
    with pytest.raises(ToolError) as caught:
        workspace.confine(long, workspace.ENV_WORKSPACE, "path")
    assert len(caught.value.message) < 600  # a caller's value is never echoed unbounded


def test_walk_skips_fifos_symlinked_dirs_and_links_out(ws: Path) -> None:
    os.mkfifo(ws / "pkg" / "fifo.py")
    (ws / "pkg" / "out.py").symlink_to(ws.parent / "outside.py")
    (ws / "pkg" / "in.py").symlink_to(ws / "pkg" / "a.py")
    (ws / "loop").symlink_to(ws, target_is_directory=True)
    found = workspace.walk(ws, ws, ".py")
    assert found == workspace.Walk((ws / "pkg" / "a.py", ws / "pkg" / "in.py"), None)


def test_walk_stops_by_itself_and_says_why(ws: Path) -> None:
    for i in range(30):
        (ws / "pkg" / f"m{i:02d}.py").write_text("")
    by_files = workspace.walk(ws, ws, ".py", max_files=10)
    assert len(by_files.files) == 10 and by_files.truncated == "stopped after 10 files"
    by_entries = workspace.walk(ws, ws, ".py", max_entries=5)
    assert by_entries.truncated == "stopped after 5 directory entries"
    by_time = workspace.walk(ws, ws, ".py", deadline=time.monotonic() - 1)
    assert by_time.files == () and by_time.truncated == "stopped when its time budget ran out"
    assert workspace.walk(ws, ws, ".py").truncated is None


def test_search_reports_truncation(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (ws / "pkg" / "b.py").write_text("def a2():\n    pass\n")
    monkeypatch.setattr(code, "MAX_FILES", 1)
    result = code.search_functions(query="a")
    assert result["truncated"] is True and result["truncated_reason"] == "stopped after 1 files"
    assert result["files_scanned"] == 1 and [m["name"] for m in result["matches"]] == ["a"]


def test_junit_folder_reports_truncation(ws: Path) -> None:
    report = '<testsuite name="s"><testcase name="t"/></testsuite>'
    for i in range(3):
        (ws / f"r{i}.xml").write_text(report)
    full = junit.test_analyze(report_path=".")
    assert (full["reports"], full["truncated"], full["truncated_reason"]) == (3, False, None)


def test_lint_refuses_a_tree_larger_than_its_bounds(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ws / "pkg" / "b.py").write_text("X = 1\n")
    monkeypatch.setattr(lint, "MAX_FILES", 1)
    with pytest.raises(ToolError, match=r"too large to lint in one call .* lint a smaller folder"):
        lint.lint_full(path="pkg")
    assert lint.lint_full(path="pkg/b.py")["count"] == 0
