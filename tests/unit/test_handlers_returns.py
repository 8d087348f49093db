"""tools.yaml and handlers/ agree: every operation's handler exists, takes exactly the declared
parameters, and returns a value that validates against the declared `returns` schema.

Calls go the way the generated dispatch makes them: every declared parameter is passed, an
omitted one as its schema `default` or None. Every operation of the catalog is exercised.
"""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from handlers import store

ROOT = Path(__file__).resolve().parents[2]
CATALOG: dict[str, Any] = yaml.safe_load((ROOT / "tools.yaml").read_text(encoding="utf-8"))
OPERATION_KEYS = ("params", "returns", "effect")


def operations() -> dict[tuple[str, str], dict[str, Any]]:
    """(tool, operation) -> operation mapping; a plain tool's operation is named after it."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name, tool in CATALOG["tools"].items():
        if "operations" in tool:
            for op_name, op in tool["operations"].items():
                found[(name, op_name)] = op
        else:
            found[(name, name)] = tool
    return found


def handler_for(tool_name: str, op_name: str) -> Callable[..., Any]:
    tool = CATALOG["tools"][tool_name]
    op = tool["operations"][op_name] if "operations" in tool else tool
    ref = op.get("handler") if "operations" in tool else tool["handler"]
    if ref and ":" in ref:
        module, function = ref.split(":", 1)
    else:
        module = ref or tool["handler"]
        function = op_name if "operations" in tool else re.sub(r"\W", "_", tool_name)
    fn: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return fn


def test_every_handler_takes_exactly_the_declared_params() -> None:
    for (tool, op_name), op in operations().items():
        declared = set(op.get("params") or {})
        signature = inspect.signature(handler_for(tool, op_name))
        accepted = {n for n in signature.parameters if n != "ctx"}
        assert accepted == declared, f"{tool}.{op_name}: handler {accepted} != yaml {declared}"
        for name, param in signature.parameters.items():
            default = (op["params"][name] or {}).get("default")
            if name not in op.get("required", []) and default is not None:
                assert param.default == default, f"{tool}.{op_name}.{name} default differs"


def test_every_declared_schema_is_valid_json_schema() -> None:
    for (tool, op_name), op in operations().items():
        for key in OPERATION_KEYS:
            assert key in op, f"{tool}.{op_name} lacks {key}"
        jsonschema.Draft202012Validator.check_schema(op["returns"])
        for name, schema in op["params"].items():
            jsonschema.Draft202012Validator.check_schema(schema)
            assert schema.get("description"), f"{tool}.{op_name}.{name} has no description"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv(store.ENV_DB, str(tmp_path / "bmad.sqlite3"))
    monkeypatch.setenv("TOOLC_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("TOOLC_GIT_REPO", str(tmp_path))
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "T")
    git(repo, "config", "user.email", "t@example.com")
    (repo / "app.py").write_text('import os\n\n\ndef greet():\n    """Say hello."""\n')
    git(repo, "add", "app.py")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuite name="s"><testcase classname="c" name="ok"/>'
        '<testcase classname="c" name="bad"><failure message="boom">trace</failure></testcase>'
        "</testsuite>"
    )
    return {"repo": str(repo), "report": str(report)}


def scenario(ws: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    repo = ws["repo"]
    return [
        ("bmad_expansion", "list", {}),
        ("bmad_expansion", "install", {"pack": "game-dev"}),
        ("bmad_expansion", "enable", {"pack": "game-dev"}),
        ("bmad_task", "add", {"title": "Write PRD", "tags": ["docs"], "priority": "high"}),
        ("bmad_task", "get", {"task_id": "t1"}),
        ("bmad_task", "update", {"task_id": "t1", "status": "in_progress"}),
        ("bmad_task", "list", {}),
        ("bmad_task", "search", {"query": "prd"}),
        ("bmad_plan", "create", {"name": "Launch", "template": "game-prototype"}),
        ("bmad_plan", "update", {"plan_id": "p1", "goal": "Ship it"}),
        ("bmad_plan", "validate", {"plan_id": "p1"}),
        ("bmad_plan", "execute", {"plan_id": "p1"}),
        ("bmad_plan", "get", {"plan_id": "p1"}),
        ("bmad_plan", "list", {}),
        ("bmad_task", "delete", {"task_id": "t1"}),
        ("bmad_doc", "create", {"title": "PRD", "kind": "prd", "content": "v1"}),
        ("bmad_doc", "reject", {"doc_id": "d1", "reviewer": "po", "reason": "thin"}),
        ("bmad_doc", "update", {"doc_id": "d1", "content": "v2"}),
        ("bmad_doc", "approve", {"doc_id": "d1", "reviewer": "po"}),
        ("bmad_doc", "get", {"doc_id": "d1"}),
        ("bmad_doc", "list", {}),
        ("bmad_workflow", "start", {"template": "greenfield"}),
        ("bmad_workflow", "next", {"workflow_id": "w1", "note": "brief done"}),
        ("bmad_workflow", "execute", {"workflow_id": "w1", "until": "dev"}),
        ("bmad_workflow", "status", {"workflow_id": "w1"}),
        ("bmad_workflow", "get", {"workflow_id": "w1"}),
        ("bmad_workflow", "execute", {"workflow_id": "w1"}),
        ("bmad_workflow", "status", {"workflow_id": "w1"}),
        ("bmad_workflow", "list", {}),
        ("bmad_hil", "start_session", {"topic": "Approve?"}),
        ("bmad_hil", "continue_session", {"session_id": "h1", "message": "yes"}),
        ("bmad_hil", "status", {"session_id": "h1"}),
        ("bmad_hil", "end_session", {"session_id": "h1", "outcome": "approved"}),
        ("bmad_hil", "status", {}),
        ("bmad_git", "validate_changes", {"repo_path": repo}),
        ("bmad_git", "commit_changes", {"repo_path": repo, "message": "Add app"}),
        ("bmad_git", "push_changes", {"repo_path": repo}),
        ("bmad_git", "get_history", {"repo_path": repo}),
        ("bmad_orchestrator", "status", {}),
        ("bmad_orchestrator", "checklist", {}),
        ("bmad_orchestrator", "checklist", {"scope": "planning"}),
        ("bmad_orchestrator", "checklist", {"scope": "development"}),
        ("code.search_functions", "code.search_functions", {"query": "greet", "path": repo}),
        ("lint_full", "lint_full", {"path": repo}),
        ("test_analyze", "test_analyze", {"report_path": ws["report"]}),
        ("memory_add", "memory_add", {"content": "Ship on Fridays", "tags": ["ops"]}),
        ("memory_search", "memory_search", {"query": "friday"}),
        ("memory_search", "memory_search", {"query": "nothing"}),
    ]


def test_every_operation_returns_what_its_schema_declares(workspace: dict[str, str]) -> None:
    ops = operations()
    called: set[tuple[str, str]] = set()
    for tool, op_name, args in scenario(workspace):
        op = ops[(tool, op_name)]
        params = op.get("params") or {}
        assert set(args) <= set(params), f"{tool}.{op_name}: scenario passes undeclared args"
        kwargs = {name: (schema or {}).get("default") for name, schema in params.items()}
        kwargs.update(args)
        result = handler_for(tool, op_name)(**kwargs)
        assert isinstance(result, dict), f"{tool}.{op_name} returned {type(result).__name__}"
        errors = sorted(jsonschema.Draft202012Validator(op["returns"]).iter_errors(result), key=str)
        assert not errors, f"{tool}.{op_name}: {errors[0].message} at {list(errors[0].path)}"
        for key in op["returns"].get("properties", {}):
            assert key in result, f"{tool}.{op_name}: declared key {key} never returned"
        assert set(result) <= set(op["returns"]["properties"]), f"{tool}.{op_name}: undeclared keys"
        called.add((tool, op_name))
    assert called == set(ops), f"operations never exercised: {sorted(set(ops) - called)}"


def test_legacy_names_are_unique_and_never_tool_names() -> None:
    names: list[str] = []
    for op in operations().values():
        for entry in op.get("legacy", []):
            names.append(entry if isinstance(entry, str) else entry["name"])
    assert len(names) == len(set(names))
    assert not set(names) & set(CATALOG["tools"])
    assert 90 <= len(names) <= 100
