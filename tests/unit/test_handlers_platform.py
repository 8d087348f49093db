"""Platform tools: a real ruff run, real JUnit XML, real ast search, real FTS5 memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import store
from handlers.platform import code, lint, memory
from handlers.platform import testing as junit
from toolc import ToolError

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="pytest" tests="5" failures="1" errors="1" skipped="1" time="1.5">
    <testcase classname="tests.test_api" name="test_ok" time="0.5"/>
    <testcase classname="tests.test_api" name="test_add" time="0.25">
      <failure message="assert 2 == 3">def test_add():
&gt;       assert 1 + 1 == 3
E       assert 2 == 3</failure>
    </testcase>
    <testcase classname="tests.test_db" name="test_connect" time="0.5">
      <error message="ConnectionRefusedError">Traceback: refused</error>
    </testcase>
    <testcase classname="tests.test_db" name="test_slow" time="0.25">
      <skipped message="slow"/>
    </testcase>
    <testcase classname="tests.test_db" name="test_fine"/>
  </testsuite>
</testsuites>
"""


@pytest.fixture(autouse=True)
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bmad.sqlite3"
    monkeypatch.setenv(store.ENV_DB, str(path))
    monkeypatch.setenv("TOOLC_WORKSPACE", str(tmp_path))
    return path


# --- lint_full --------------------------------------------------------------------------------


def test_ruff_reports_a_known_finding(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F"]\n')
    (project / "mod.py").write_text("import os\n\n\ndef f():\n    return undefined_name\n")
    result = lint.lint_full(path=str(project))
    assert result["by_code"] == {"F401": 1, "F821": 1}
    assert result["count"] == 2 and result["fixable"] == 1 and result["truncated"] is False
    first = result["findings"][0]
    assert (first["code"], first["line"], first["column"]) == ("F401", 1, 8)
    assert first["file"].endswith("mod.py")
    only = lint.lint_full(path=str(project / "mod.py"), select=["F821"])
    assert only["by_code"] == {"F821": 1}


def test_ruff_clean_file_and_errors(tmp_path: Path) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("X = 1\n")
    assert lint.lint_full(path=str(clean))["count"] == 0
    with pytest.raises(ToolError, match="does not exist"):
        lint.lint_full(path=str(tmp_path / "missing"))
    with pytest.raises(ToolError, match="ruff failed"):
        lint.lint_full(path=str(clean), select=["NOTARULE"])


# --- test_analyze -----------------------------------------------------------------------------


def test_junit_summary(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    report.write_text(JUNIT)
    result = junit.test_analyze(report_path=str(report))
    assert {k: result[k] for k in ("tests", "passed", "failures", "errors", "skipped")} == {
        "tests": 5,
        "passed": 2,
        "failures": 1,
        "errors": 1,
        "skipped": 1,
    }
    assert result["success"] is False and result["time"] == 1.5 and result["suites"] == 1
    assert result["failing_classes"] == {"tests.test_api": 1, "tests.test_db": 1}
    add, connect = result["failed_tests"]
    assert (add["name"], add["kind"], add["message"]) == ("test_add", "failure", "assert 2 == 3")
    assert "assert 1 + 1 == 3" in add["detail"]
    assert (connect["kind"], connect["message"]) == ("error", "ConnectionRefusedError")
    assert len(junit.test_analyze(report_path=str(report), max_failures=1)["failed_tests"]) == 1


def test_junit_folder_and_bad_input(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(JUNIT)
    (tmp_path / "b.xml").write_text('<testsuite name="x"><testcase name="t"/></testsuite>')
    both = junit.test_analyze(report_path=str(tmp_path))
    assert (both["reports"], both["tests"], both["passed"]) == (2, 6, 3)
    (tmp_path / "c.xml").write_text("<html>")
    with pytest.raises(ToolError, match="not readable XML"):
        junit.test_analyze(report_path=str(tmp_path / "c.xml"))
    (tmp_path / "d.xml").write_text("<html/>")
    with pytest.raises(ToolError, match="not JUnit"):
        junit.test_analyze(report_path=str(tmp_path / "d.xml"))
    with pytest.raises(ToolError, match="does not exist"):
        junit.test_analyze(report_path=str(tmp_path / "none.xml"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ToolError, match=r"no \.xml files"):
        junit.test_analyze(report_path=str(empty))


# --- code.search_functions --------------------------------------------------------------------

SOURCE = '''
def load_config(path):
    """Read the YAML configuration."""


class Store:
    def save(self, item):
        """Persist an item to disk."""

        def helper():
            pass

    async def load(self):
        pass
'''


def test_search_functions_by_name_and_docstring(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(SOURCE)
    (tmp_path / "pkg" / "broken.py").write_text("def (:\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "dep.py").write_text("def load_config(): pass\n")
    by_name = code.search_functions(query="load", path=str(tmp_path), search_in="name")
    assert [(m["qualname"], m["kind"]) for m in by_name["matches"]] == [
        ("Store.load", "async method"),
        ("load_config", "function"),
    ]
    assert by_name["files_scanned"] == 1 and by_name["skipped"][0].endswith("SyntaxError")
    by_doc = code.search_functions(query="disk", path=str(tmp_path), search_in="docstring")
    match = by_doc["matches"][0]
    assert (match["qualname"], match["line"], match["signature"]) == (
        "Store.save",
        7,
        "save(self, item)",
    )
    assert match["docstring"] == "Persist an item to disk."
    nested = code.search_functions(query="helper", path=str(tmp_path / "pkg" / "mod.py"))
    assert nested["matches"][0]["qualname"] == "Store.save.<locals>.helper"
    assert code.search_functions(query="config", path=str(tmp_path), limit=1)["total"] == 1
    with pytest.raises(ToolError, match="does not exist"):
        code.search_functions(query="x", path=str(tmp_path / "nope"))
    with pytest.raises(ToolError, match="query is empty"):
        code.search_functions(query=" ", path=str(tmp_path))


# --- memory -----------------------------------------------------------------------------------


def test_memory_full_text_search() -> None:
    first = memory.add(content="Deploys use blue-green switching on Fridays", tags=["ops"])
    assert first["memory_id"] == "m1" and first["tags"] == ["ops"]
    memory.add(content="Cursor allows fifty tools per session", tags=["clients"], source="docs")
    memory.add(content="The deploy pipeline runs ruff before tests", tags=["ops", "ci"])
    found = memory.search(query="deploy")
    assert {r["memory_id"] for r in found["results"]} == {"m1", "m3"}  # prefix: deploy*, Deploys
    assert "[" in found["results"][0]["snippet"]
    assert memory.search(query="deploy ruff")["results"][0]["memory_id"] == "m3"
    assert [r["memory_id"] for r in memory.search(query="deploy", tag="ci")["results"]] == ["m3"]
    odd = memory.search(query='tools" OR NEAR(*')  # FTS5 syntax is matched literally
    assert [r["memory_id"] for r in odd["results"]] == ["m2"]
    assert memory.search(query="nothing here matches")["count"] == 0
    with pytest.raises(ToolError, match="no words"):
        memory.search(query='"*"')
    with pytest.raises(ToolError, match="empty"):
        memory.add(content="  ")
