"""Plans, docs, workflows, HIL sessions, expansion packs and the orchestrator, for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handlers import store
from handlers.bmad import docs, expansion, hil, orchestrator, plans, tasks, workflows
from toolc import ToolError


@pytest.fixture(autouse=True)
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bmad.sqlite3"
    monkeypatch.setenv(store.ENV_DB, str(path))
    monkeypatch.setenv("TOOLC_WORKSPACE", str(tmp_path))
    return path


# --- plans ------------------------------------------------------------------------------------


def test_plan_life_cycle_creates_tasks_and_reports_progress() -> None:
    created = plans.create(name="Fix login", template="bugfix", steps=["Announce"])
    plan_id = created["plan_id"]
    assert created["plan"]["steps"][-1] == "Announce"
    assert created["plan"]["status"] == "draft"
    with pytest.raises(ToolError, match="validate it first"):
        plans.execute(plan_id=plan_id)
    assert plans.validate(plan_id=plan_id)["valid"] is True
    executed = plans.execute(plan_id=plan_id, assignee="dev")
    assert len(executed["task_ids"]) == 6
    assert tasks.get(task_id=executed["task_ids"][0])["task"]["assignee"] == "dev"
    with pytest.raises(ToolError, match="already executing"):
        plans.execute(plan_id=plan_id)
    with pytest.raises(ToolError, match="update those tasks"):
        plans.update(plan_id=plan_id, goal="x")
    for task_id in executed["task_ids"]:
        tasks.update(task_id=task_id, status="done")
    plan = plans.get(plan_id=plan_id)["plan"]
    assert (plan["status"], plan["progress"]) == ("done", {"total": 6, "done": 6})
    assert [p["plan_id"] for p in plans.list_plans(status="done")["plans"]] == [plan_id]


def test_plan_validation_finds_problems_and_update_resets_to_draft() -> None:
    plan_id = plans.create(name="p", steps=["a", "A"])["plan_id"]
    result = plans.validate(plan_id=plan_id)
    assert result["valid"] is False and result["status"] == "draft"
    assert "repeats" in result["problems"][0]
    plans.update(plan_id=plan_id, steps=["a", "b"])
    assert plans.validate(plan_id=plan_id)["status"] == "validated"
    assert plans.update(plan_id=plan_id, steps=["a"])["plan"]["status"] == "draft"
    empty = plans.create(name="empty")["plan_id"]
    assert plans.validate(plan_id=empty)["problems"] == [
        "the plan has no steps — add steps with update"
    ]


def test_plan_errors() -> None:
    with pytest.raises(ToolError, match='plan template "nope" does not exist — use one of'):
        plans.create(name="x", template="nope")
    with pytest.raises(ToolError, match='plan "p7" does not exist'):
        plans.get(plan_id="p7")
    with pytest.raises(ToolError, match="nothing to update"):
        plans.update(plan_id="p1")
    assert plans.list_plans()["total"] == 0


# --- docs -------------------------------------------------------------------------------------


def test_doc_review_trail() -> None:
    doc_id = docs.create(title="PRD", kind="prd", content="v1", author="pm")["doc_id"]
    rejected = docs.reject(doc_id=doc_id, reviewer="po", reason="too thin")
    assert rejected["doc"]["status"] == "rejected"
    assert rejected["review"]["comment"] == "too thin"
    with pytest.raises(ToolError, match="not a draft"):
        docs.approve(doc_id=doc_id, reviewer="po")
    updated = docs.update(doc_id=doc_id, content="v2")["doc"]
    assert (updated["status"], updated["version"]) == ("draft", 2)
    approved = docs.approve(doc_id=doc_id, reviewer="po", comment="good")
    assert approved["doc"]["status"] == "approved"
    got = docs.get(doc_id=doc_id)
    assert [(r["action"], r["version"]) for r in got["reviews"]] == [("reject", 1), ("approve", 2)]
    assert docs.update(doc_id=doc_id, title="PRD v2")["doc"]["status"] == "approved"
    listed = docs.list_docs(kind="prd")
    assert listed["total"] == 1 and "content" not in listed["docs"][0]


def test_doc_errors() -> None:
    with pytest.raises(ToolError, match="unknown kind"):
        docs.create(title="x", kind="memo")
    doc_id = docs.create(title="x")["doc_id"]
    with pytest.raises(ToolError, match="needs a reason"):
        docs.reject(doc_id=doc_id, reviewer="po", reason=" ")
    with pytest.raises(ToolError, match="nothing to update"):
        docs.update(doc_id=doc_id)
    with pytest.raises(ToolError, match='doc "d5" does not exist'):
        docs.approve(doc_id="d5", reviewer="po")
    assert docs.get(doc_id=doc_id)["reviews"] == []


# --- workflows --------------------------------------------------------------------------------


def test_workflow_state_machine() -> None:
    wf = workflows.start(template="story", name="Story 1.1")["workflow"]
    wid = wf["workflow_id"]
    assert (wf["current_step"], wf["completed"], wf["total"]) == ("draft", 0, 5)
    moved = workflows.next_step(workflow_id=wid, note="drafted")
    assert (moved["completed_step"], moved["workflow"]["current_step"]) == ("draft", "approve")
    partial = workflows.execute(workflow_id=wid, until="review")
    assert partial["completed_steps"] == ["approve", "implement"]
    assert workflows.status(workflow_id=wid)["remaining"] == ["review", "done"]
    finished = workflows.execute(workflow_id=wid)
    assert finished["workflow"]["status"] == "completed"
    assert finished["workflow"]["current_step"] is None
    with pytest.raises(ToolError, match="is completed — start a new workflow"):
        workflows.next_step(workflow_id=wid)
    history = workflows.get(workflow_id=wid)["history"]
    assert [h["event"] for h in history] == ["started", *["completed"] * 5, "finished"]
    assert history[1]["note"] == "drafted"
    assert workflows.list_workflows(status="completed")["total"] == 1


def test_workflow_errors() -> None:
    with pytest.raises(ToolError, match='workflow template "agile" does not exist'):
        workflows.start(template="agile")
    wid = workflows.start(template="greenfield")["workflow"]["workflow_id"]
    with pytest.raises(ToolError, match="not ahead"):
        workflows.execute(workflow_id=wid, until="nope")
    with pytest.raises(ToolError, match='workflow "w9" does not exist'):
        workflows.status(workflow_id="w9")


# --- HIL --------------------------------------------------------------------------------------


def test_hil_sessions() -> None:
    sid = hil.start_session(topic="Approve the schema?", context="see d1")["session"]["session_id"]
    assert (
        hil.continue_session(session_id=sid, message="Yes, ship it")["session"]["message_count"]
        == 1
    )
    hil.continue_session(session_id=sid, message="Thanks", role="agent")
    assert hil.status()["open_count"] == 1
    ended = hil.end_session(session_id=sid, outcome="approved")["session"]
    assert (ended["status"], ended["outcome"]) == ("closed", "approved")
    with pytest.raises(ToolError, match="is closed"):
        hil.continue_session(session_id=sid, message="late")
    with pytest.raises(ToolError, match="already closed"):
        hil.end_session(session_id=sid)
    one = hil.status(session_id=sid)
    assert [m["role"] for m in one["messages"]] == ["human", "agent"]
    assert hil.status() == {"open_count": 0, "sessions": [], "messages": []}
    with pytest.raises(ToolError, match="unknown role"):
        hil.continue_session(session_id=sid, message="x", role="robot")


# --- expansion packs --------------------------------------------------------------------------


def test_builtin_pack_adds_templates_only_when_enabled() -> None:
    names = {p["name"]: p for p in expansion.list_packs()["packs"]}
    assert names["game-dev"]["installed"] is False
    with pytest.raises(ToolError, match="not installed"):
        expansion.enable(pack="game-dev")
    assert expansion.install(pack="game-dev")["pack"]["enabled"] is False
    with pytest.raises(ToolError, match="game-jam"):
        workflows.start(template="game-jam")
    expansion.enable(pack="game-dev")
    assert workflows.start(template="game-jam")["workflow"]["steps"][0] == "game-designer"
    assert plans.create(name="g", template="game-prototype")["plan"]["template"] == "game-prototype"
    assert expansion.install(pack="game-dev")["pack"]["enabled"] is True  # reinstall keeps state
    expansion.enable(pack="game-dev", enabled=False)
    with pytest.raises(ToolError):
        plans.create(name="g", template="game-prototype")


def test_pack_from_file(tmp_path: Path) -> None:
    pack = {
        "name": "research",
        "version": "0.1.0",
        "description": "User research",
        "plan_templates": {"interviews": ["Recruit", "Interview", "Synthesize"]},
        "workflow_templates": {},
    }
    path = tmp_path / "research.json"
    path.write_text(json.dumps(pack))
    assert expansion.install(pack="research", source=str(path))["pack"]["plan_templates"] == [
        "interviews"
    ]
    expansion.enable(pack="research")
    assert plans.create(name="r", template="interviews")["plan"]["steps"][0] == "Recruit"
    with pytest.raises(ToolError, match='holds pack "research", not "other"'):
        expansion.install(pack="other", source=str(path))
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "bad", "version": "1", "plan_templates": {"x": []}}')
    with pytest.raises(ToolError, match="non-empty list"):
        expansion.install(pack="bad", source=str(bad))
    bad.write_text("{not json")
    with pytest.raises(ToolError, match="not valid JSON"):
        expansion.install(pack="bad", source=str(bad))
    with pytest.raises(ToolError, match="no built-in pack"):
        expansion.install(pack="bad")
    assert "bad" not in {p["name"] for p in expansion.list_packs()["packs"]}


# --- orchestrator -----------------------------------------------------------------------------


def test_orchestrator_reads_the_real_data() -> None:
    empty = orchestrator.status()
    assert empty["tasks"]["todo"] == 0
    assert empty["next_actions"] == ["nothing pending — start a workflow or create a plan"]
    assert orchestrator.checklist()["passed"] is False  # no tasks at all is not releasable

    tasks.add(title="a")
    tasks.add(title="b")
    tasks.update(task_id="t2", status="blocked")
    docs.create(title="PRD", kind="prd")
    hil.start_session(topic="q")
    workflows.start(template="story")
    status = orchestrator.status()
    assert status["tasks"]["blocked"] == 1 and status["docs"]["draft"] == 1
    assert status["hil_open_sessions"] == 1
    assert any("unblock task(s) t2" in a for a in status["next_actions"])
    assert any("advance workflow w1 (draft)" in a for a in status["next_actions"])

    dev = orchestrator.checklist(scope="development")
    assert dev["passed"] is False
    assert {i["item"]: i["passed"] for i in dev["items"]}["no blocked tasks"] is False

    tasks.update(task_id="t1", status="done")
    tasks.update(task_id="t2", status="cancelled")
    docs.approve(doc_id="d1", reviewer="po")
    hil.end_session(session_id="h1")
    workflows.execute(workflow_id="w1")
    release = orchestrator.checklist(scope="release")
    assert release["passed"] is True, release
    planning = orchestrator.checklist(scope="planning")
    assert {i["item"]: i["passed"] for i in planning["items"]}["an approved prd doc exists"]
    with pytest.raises(ToolError, match="unknown scope"):
        orchestrator.checklist(scope="qa")
