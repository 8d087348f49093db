"""Issue 4, end to end: the example catalog through the real server over stdio, real mcp client.

1. One ordered scenario calls every operation of every tool through the claude-code build and
   each call succeeds (push is expected to fail: the scenario's repository has no remote).
2. The same scenario, on a fresh database and a fresh git repository, called by legacy names
   (round k uses each operation's k-th legacy name, sending the OLD argument names) returns
   exactly what the master names return, step by step, once volatile values are normalised.
3. Every client build lists exactly the tools its tools_list.json and clients/<client>.yaml say.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pytest
import yaml
from mcp import Client, MCPError

from tests.e2e.runtime_support import ROOT, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GENERATED = ROOT / "generated"
CLIENT = "claude-code"


def _load_build(client: str) -> ModuleType:
    path = GENERATED / "clients" / client / "build.py"
    spec = importlib.util.spec_from_file_location(f"_e2e_build_{client.replace('-', '_')}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _load_build(CLIENT)
TOOLS: dict[str, dict[str, Any]] = BUILD.TOOLS
LEGACY: dict[str, dict[str, Any]] = BUILD.LEGACY
ALL_OPERATIONS = {(tool, op) for tool, table in TOOLS.items() for op in table["operations"]}
# (tool, operation) -> its legacy names, in build order
LEGACY_BY_OP: dict[tuple[str, str], list[str]] = {}
for _name, _entry in LEGACY.items():
    LEGACY_BY_OP.setdefault((_entry["tool"], _entry["operation"]), []).append(_name)
LEGACY_ROUNDS = max(len(names) for names in LEGACY_BY_OP.values())

Results = dict[str, Any]  # step label -> structured content of that step


class Step(NamedTuple):
    tool: str
    operation: str
    args: dict[str, Any] | Callable[[Results, Path], dict[str, Any]]
    label: str = ""
    error: str | None = None  # the step must fail with isError and this text in its message


PUSH_ERROR = "has no remote to push to"


SCENARIO: list[Step] = [
    # expansion packs first: the plan and workflow below use the game-dev pack's templates
    Step("bmad_expansion", "list", {}),
    Step("bmad_expansion", "install", {"pack": "game-dev"}),
    Step("bmad_expansion", "enable", {"pack": "game-dev", "enabled": True}),
    Step(
        "bmad_task",
        "add",
        {
            "title": "Write the catalog scenario",
            "description": "Every operation, end to end.",
            "priority": "high",
            "assignee": "qa",
            "tags": ["e2e"],
        },
        label="task",
    ),
    Step("bmad_task", "get", lambda r, ws: {"task_id": r["task"]["task_id"]}),
    Step("bmad_task", "update", lambda r, ws: {"task_id": r["task"]["task_id"], "status": "done"}),
    Step("bmad_task", "list", {"status": "done", "tag": "e2e"}),
    Step("bmad_task", "search", {"query": "catalog scenario"}),
    Step("bmad_task", "add", {"title": "Scratch task"}, label="scratch"),
    Step("bmad_task", "delete", lambda r, ws: {"task_id": r["scratch"]["task_id"]}),
    Step(
        "bmad_plan",
        "create",
        {"name": "Prototype", "goal": "A playable loop", "template": "game-prototype"},
        label="plan",
    ),
    Step(
        "bmad_plan",
        "update",
        lambda r, ws: {"plan_id": r["plan"]["plan_id"], "goal": "A fun playable loop"},
    ),
    Step("bmad_plan", "get", lambda r, ws: {"plan_id": r["plan"]["plan_id"]}),
    Step("bmad_plan", "validate", lambda r, ws: {"plan_id": r["plan"]["plan_id"]}),
    Step("bmad_plan", "list", {"status": "validated"}),
    Step(
        "bmad_plan", "execute", lambda r, ws: {"plan_id": r["plan"]["plan_id"], "assignee": "dev"}
    ),
    Step(
        "bmad_doc",
        "create",
        {"title": "Game PRD", "kind": "prd", "content": "v1", "author": "pm"},
        label="doc",
    ),
    Step("bmad_doc", "update", lambda r, ws: {"doc_id": r["doc"]["doc_id"], "content": "v2"}),
    Step(
        "bmad_doc",
        "approve",
        lambda r, ws: {"doc_id": r["doc"]["doc_id"], "reviewer": "po", "comment": "ship it"},
    ),
    Step("bmad_doc", "get", lambda r, ws: {"doc_id": r["doc"]["doc_id"]}),
    Step("bmad_doc", "create", {"title": "Loose story", "kind": "story"}, label="story"),
    Step(
        "bmad_doc",
        "reject",
        lambda r, ws: {"doc_id": r["story"]["doc_id"], "reviewer": "po", "reason": "no AC"},
    ),
    Step("bmad_doc", "list", {"kind": "prd"}),
    Step("bmad_workflow", "start", {"template": "game-jam", "name": "Jam"}, label="wf"),
    Step(
        "bmad_workflow",
        "next",
        lambda r, ws: {"workflow_id": r["wf"]["workflow"]["workflow_id"], "note": "designed"},
    ),
    Step(
        "bmad_workflow", "status", lambda r, ws: {"workflow_id": r["wf"]["workflow"]["workflow_id"]}
    ),
    Step(
        "bmad_workflow",
        "execute",
        lambda r, ws: {"workflow_id": r["wf"]["workflow"]["workflow_id"], "until": "release"},
    ),
    Step("bmad_workflow", "get", lambda r, ws: {"workflow_id": r["wf"]["workflow"]["workflow_id"]}),
    Step("bmad_workflow", "list", {"status": "running"}),
    Step("bmad_hil", "start_session", {"topic": "Scope of the jam", "context": "48h"}, label="hil"),
    Step(
        "bmad_hil",
        "continue_session",
        lambda r, ws: {"session_id": r["hil"]["session"]["session_id"], "message": "Keep it 2D"},
    ),
    Step("bmad_hil", "status", lambda r, ws: {"session_id": r["hil"]["session"]["session_id"]}),
    Step(
        "bmad_hil",
        "end_session",
        lambda r, ws: {"session_id": r["hil"]["session"]["session_id"], "outcome": "2D only"},
    ),
    Step("memory_add", "memory_add", {"content": "The jam game is 2D only", "tags": ["jam"]}),
    Step("memory_search", "memory_search", {"query": "jam 2D", "tag": "jam"}),
    Step("bmad_git", "validate_changes", lambda r, ws: {"repo_path": str(ws / "repo")}),
    Step("bmad_git", "commit_changes", {"message": "Add the jam notes"}),
    Step("bmad_git", "get_history", {"limit": 5}),
    Step("bmad_git", "push_changes", {}, error=PUSH_ERROR),
    Step(
        "code.search_functions",
        "code.search_functions",
        lambda r, ws: {"query": "widget", "path": str(ws / "code")},
        label="search",
    ),
    Step(
        "lint_full",
        "lint_full",
        lambda r, ws: {"path": str(ws / "lintme" / "bad.py"), "select": ["F"]},
        label="lint",
    ),
    Step(
        "test_analyze",
        "test_analyze",
        lambda r, ws: {"report_path": str(ws / "junit.xml")},
        label="junit",
    ),
    Step("bmad_orchestrator", "status", {}, label="status"),
    Step("bmad_orchestrator", "checklist", {"scope": "release"}),
]

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3">
<testcase classname="tests.test_game" name="test_loop" time="0.25"/>
<testcase classname="tests.test_game" name="test_score" time="0.5">
<failure message="assert 1 == 2">tests/test_game.py:7: AssertionError</failure></testcase>
<testcase classname="tests.test_game" name="test_audio" time="0"><skipped/></testcase>
</testsuite></testsuites>
"""

CODE = '''"""Game helpers."""


def parse_widget(text: str) -> dict:
    """Parse a widget description."""
    return {"text": text}


class Board:
    def draw_widget(self) -> None:
        pass
'''


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True)


def make_workspace(ws: Path) -> Path:
    """A fresh workspace: a git repo with one commit and a staged change, lint/junit/code files."""
    repo = ws / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.name", "E2E Tester")
    _git(repo, "config", "user.email", "e2e@example.com")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "config", "core.hooksPath", str(ws / "no-hooks"))
    _git(repo, "checkout", "-q", "-b", "main")
    (repo / "README.md").write_text("# jam\n")
    _git(repo, "add", "README.md")
    _git(repo, "commit", "-q", "-m", "Initial commit")
    (repo / "notes.md").write_text("2D only\n")
    _git(repo, "add", "notes.md")
    (ws / "lintme").mkdir()
    (ws / "lintme" / "bad.py").write_text("import os\n\nX = 1\n")  # F401: os imported, unused
    (ws / "junit.xml").write_text(JUNIT)
    (ws / "code").mkdir()
    (ws / "code" / "game.py").write_text(CODE)
    return ws


def _env(ws: Path) -> dict[str, str]:
    return {
        "TOOLC_BMAD_DB": str(ws / "bmad.sqlite3"),
        "TOOLC_GIT_REPO": str(ws / "repo"),
        "TOOLC_WORKSPACE": str(ws),  # the file tools read only under it
    }


class Outcome(NamedTuple):
    index: int
    step: Step
    name: str  # the tool name called (master or legacy)
    arguments: dict[str, Any]
    is_error: bool
    structured: Any
    dump: str  # the whole result as JSON text (protocol errors too), for comparisons

    def describe(self) -> str:
        label = f" [{self.step.label}]" if self.step.label else ""
        return (
            f"step {self.index}{label} {self.step.tool}/{self.step.operation} "
            f"called as {self.name}({json.dumps(self.arguments)}) -> {self.dump}"
        )


def _call(step: Step, args: dict[str, Any], legacy: str | None) -> tuple[str, dict[str, Any]]:
    if legacy is not None:
        back = {new: old for old, new in LEGACY[legacy]["rename"].items()}
        return legacy, {back.get(k, k): v for k, v in args.items()}
    if TOOLS[step.tool]["kind"] == "plain":
        return step.tool, dict(args)
    return step.tool, {"operation": step.operation, **args}


def _legacy_for(step: Step, legacy_round: int | None) -> str | None:
    if legacy_round is None:
        return None
    names = LEGACY_BY_OP.get((step.tool, step.operation), [])
    return names[legacy_round] if legacy_round < len(names) else None


async def run_scenario(ws: Path, legacy_round: int | None = None) -> list[Outcome]:
    """The whole scenario against one fresh server; master names, or one legacy round."""
    make_workspace(ws)
    results: Results = {}
    outcomes: list[Outcome] = []
    async with Client(stdio_params(CLIENT, GENERATED, env=_env(ws), cwd=ws)) as c:
        for index, step in enumerate(SCENARIO):
            args = step.args(results, ws) if callable(step.args) else step.args
            name, arguments = _call(step, args, _legacy_for(step, legacy_round))
            try:
                result = await c.call_tool(name, arguments)
            except MCPError as exc:  # a protocol error: record it, the caller's asserts name it
                dump = json.dumps({"protocol_error": exc.error.model_dump(mode="json")})
                outcomes.append(Outcome(index, step, name, arguments, True, None, dump))
                continue
            body = result.model_dump(mode="json", exclude={"meta"})
            outcome = Outcome(
                index,
                step,
                name,
                arguments,
                result.is_error,
                result.structured_content,
                json.dumps(body, sort_keys=True),
            )
            outcomes.append(outcome)
            if step.label and not result.is_error:
                results[step.label] = result.structured_content
    return outcomes


# Volatile values only: ISO 8601 timestamps (store.now, git %aI) and git object ids.
VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"), "<time>"),
    (re.compile(r"\b[0-9a-f]{40}\b"), "<sha>"),
]


def normalise(text: str, ws: Path) -> str:
    for path in {str(ws.resolve()), str(ws)}:  # each round has its own workspace
        text = text.replace(json.dumps(path)[1:-1], "<ws>")
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _failures(outcomes: list[Outcome]) -> list[str]:
    bad = []
    for o in outcomes:
        if o.step.error is None and o.is_error:
            bad.append(f"expected success: {o.describe()}")
        elif o.step.error is not None and not (o.is_error and o.step.error in o.dump):
            bad.append(f"expected isError with {o.step.error!r}: {o.describe()}")
    return bad


def test_scenario_covers_every_operation() -> None:
    covered = {(s.tool, s.operation) for s in SCENARIO}
    assert covered == ALL_OPERATIONS, (
        f"operations without a scenario step: {sorted(ALL_OPERATIONS - covered)}; "
        f"steps for unknown operations: {sorted(covered - ALL_OPERATIONS)}"
    )


async def test_every_operation_succeeds(tmp_path: Path) -> None:
    outcomes = await run_scenario(tmp_path / "master")
    assert not _failures(outcomes), "\n".join(_failures(outcomes))
    assert {(o.step.tool, o.step.operation) for o in outcomes} == ALL_OPERATIONS

    by_label = {o.step.label: o.structured for o in outcomes if o.step.label}
    push = next(o for o in outcomes if o.step.operation == "push_changes")
    assert "add one with git remote add origin URL" in push.dump
    history = next(o for o in outcomes if o.step.operation == "get_history").structured
    assert [c["subject"] for c in history["commits"]] == ["Add the jam notes", "Initial commit"]
    assert by_label["lint"]["by_code"] == {"F401": 1}
    junit = by_label["junit"]
    assert (junit["tests"], junit["passed"], junit["failures"], junit["skipped"]) == (3, 1, 1, 1)
    assert {m["qualname"] for m in by_label["search"]["matches"]} == {
        "parse_widget",
        "Board.draw_widget",
    }
    assert by_label["status"]["packs_enabled"] == ["game-dev"]
    assert by_label["status"]["memories"] == 1


async def test_legacy_names_return_what_master_returns(tmp_path: Path) -> None:
    master_ws = tmp_path / "master"
    master = await run_scenario(master_ws)
    assert not _failures(master), "\n".join(_failures(master))
    expected = [normalise(o.dump, master_ws) for o in master]

    exercised: set[str] = set()
    renamed_sent: set[tuple[str, str]] = set()
    mismatches: list[str] = []
    for k in range(LEGACY_ROUNDS):
        ws = tmp_path / f"legacy{k}"
        outcomes = await run_scenario(ws, legacy_round=k)
        for o, want in zip(outcomes, expected, strict=True):
            if o.name not in LEGACY:
                continue
            exercised.add(o.name)
            renamed_sent |= {
                (o.name, old) for old in LEGACY[o.name]["rename"] if old in o.arguments
            }
            got = normalise(o.dump, ws)
            if got != want:
                mismatches.append(f"round {k}: {o.describe()}\n  master returned {want}")
    assert not mismatches, "legacy calls that differ from master:\n" + "\n".join(mismatches)
    assert exercised == set(LEGACY), f"legacy names never called: {sorted(set(LEGACY) - exercised)}"
    all_renames = {(name, old) for name, e in LEGACY.items() for old in e["rename"]}
    assert renamed_sent == all_renames, (
        f"renamed (old) arguments never sent: {sorted(all_renames - renamed_sent)}"
    )


CLIENTS = sorted(p.name for p in (GENERATED / "clients").glob("*") if (p / "build.py").is_file())


def _legacy_names(entry: dict[str, Any]) -> list[str]:
    return [x if isinstance(x, str) else x["name"] for x in entry.get("legacy") or []]


def _effects(entry: dict[str, Any]) -> list[str]:
    ops = entry.get("operations") or {"": entry}
    return [op.get("effect", "write") for op in ops.values()]


def expected_names(client: str) -> set[str]:
    """The tool names clients/<client>.yaml selects from tools.yaml, renamed, split by effect,
    legacy listed."""
    catalog = yaml.safe_load((ROOT / "tools.yaml").read_text())["tools"]
    cfg = yaml.safe_load((ROOT / "clients" / f"{client}.yaml").read_text())
    select, exclude = cfg.get("select") or {}, cfg.get("exclude") or {}
    assert set(select) <= {"tools"} and set(exclude) <= {"tags"}, f"rules this test reads: {cfg}"
    chosen = [n for n in catalog if "tools" not in select or n in select["tools"]]
    if "tools" in select:
        assert set(select["tools"]) <= set(catalog), f"{client} selects unknown tools"
    chosen = [n for n in chosen if not set(exclude.get("tags", [])) & set(catalog[n]["tags"])]
    if cfg.get("read_only"):
        chosen = [n for n in chosen if "read" in _effects(catalog[n])]
    names: set[str] = set()
    for n in chosen:
        visible = (cfg.get("rename") or {}).get(n, n)
        effects = {e == "read" for e in _effects(catalog[n])}
        mixed = "operations" in catalog[n] and effects == {True, False}
        if cfg.get("split") == "effect" and mixed and not cfg.get("read_only"):
            names.update({visible + "_read", visible + "_write"})
        else:
            names.add(visible)
    if cfg.get("legacy") == "list":
        assert not cfg.get("read_only"), "rules this test reads"
        for n in chosen:
            names.update(_legacy_names(catalog[n]))
            for op in (catalog[n].get("operations") or {}).values():
                names.update(_legacy_names(op))
    if "max_tools" in cfg:
        assert len(names) <= cfg["max_tools"]
    return names


@pytest.mark.parametrize("client", CLIENTS)
async def test_client_lists_exactly_its_tools(client: str, tmp_path: Path) -> None:
    env = {"TOOLC_BMAD_DB": str(tmp_path / "bmad.sqlite3")}
    async with Client(stdio_params(client, GENERATED, env=env, cwd=tmp_path)) as c:
        listed = [t.name for t in (await c.list_tools()).tools]
    built = json.loads((GENERATED / "clients" / client / "tools_list.json").read_text())
    assert listed == [t["name"] for t in built["tools"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected_names(client)
    if client == "claude-code":  # split: effect, the 7 master tools that mix reads and writes
        assert len(listed) == 20 and {"bmad_task_read", "bmad_task_write"} <= set(listed)
    if client == "reviewer":  # read_only: the 12 tools that have a read operation
        assert len(listed) == 12 and "memory_add" not in listed
    if client == "cursor":
        assert len(listed) == 8
    if client == "mobile":
        assert set(listed) == {"bmad_task", "bmad_hil", "memory_add", "memory_search"}
    if client == "windsurf":
        assert "code_search_functions" in listed and "code.search_functions" not in listed


async def test_cross_tool_writes_refresh_cached_reads(tmp_path: Path) -> None:
    """A write drops the other tools' cached reads it declares: {tool, operations} in invalidates.

    bmad_plan execute creates tasks (bmad_task list is cached for 10 s), and task progress decides
    a plan's status (bmad_plan get is cached for 30 s); without cross-tool invalidation both
    reads below would be stale.
    """
    env = {"TOOLC_BMAD_DB": str(tmp_path / "bmad.sqlite3")}
    async with Client(stdio_params(CLIENT, GENERATED, env=env, cwd=tmp_path)) as c:

        async def call(tool: str, op: str, **args: Any) -> Any:
            result = await c.call_tool(tool, {"operation": op, **args})
            assert not result.is_error, result.content
            return result.structured_content

        assert (await call("bmad_task", "list"))["total"] == 0  # now cached
        plan_id = (await call("bmad_plan", "create", name="p", steps=["a"]))["plan_id"]
        await call("bmad_plan", "validate", plan_id=plan_id)
        (task_id,) = (await call("bmad_plan", "execute", plan_id=plan_id))["task_ids"]
        assert (await call("bmad_plan", "get", plan_id=plan_id))["plan"]["status"] == "executing"
        await call("bmad_task", "update", task_id=task_id, status="done")
        stale = []
        if (await call("bmad_task", "list"))["total"] != 1:
            stale.append("bmad_task list misses the tasks bmad_plan execute created")
        if (await call("bmad_plan", "get", plan_id=plan_id))["plan"]["status"] != "done":
            stale.append("bmad_plan get still says executing after its only task is done")
        assert not stale, stale
