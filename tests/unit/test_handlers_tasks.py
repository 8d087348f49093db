"""bmad_task handlers against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import store
from handlers.bmad import plans, tasks
from toolc import ToolError


@pytest.fixture(autouse=True)
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bmad.sqlite3"
    monkeypatch.setenv(store.ENV_DB, str(path))
    return path


def test_add_get_update_delete_round_trip() -> None:
    added = tasks.add(title="  Write PRD ", description="v1", priority="high", tags=["b", "a", "a"])
    assert added["task_id"] == "t1"
    task = added["task"]
    assert (task["title"], task["status"], task["priority"], task["tags"]) == (
        "Write PRD",
        "todo",
        "high",
        ["a", "b"],
    )
    assert tasks.get(task_id="t1") == {"task": task}
    updated = tasks.update(task_id="t1", status="in_progress", assignee="pm")["task"]
    assert (updated["status"], updated["assignee"]) == ("in_progress", "pm")
    assert tasks.update(task_id="t1", assignee="")["task"]["assignee"] is None
    assert tasks.delete(task_id="t1") == {"task_id": "t1", "deleted": True}
    with pytest.raises(ToolError, match='task "t1" does not exist'):
        tasks.get(task_id="t1")
    with pytest.raises(ToolError, match="does not exist"):
        tasks.delete(task_id="t1")


def test_status_transitions_are_enforced() -> None:
    tasks.add(title="x")
    tasks.update(task_id="t1", status="done")
    with pytest.raises(ToolError, match=r"cannot go from done to in_progress — .*todo"):
        tasks.update(task_id="t1", status="in_progress")
    assert tasks.get(task_id="t1")["task"]["status"] == "done"
    assert tasks.update(task_id="t1", status="todo")["task"]["status"] == "todo"


def test_update_needs_a_change_and_valid_values() -> None:
    tasks.add(title="x")
    with pytest.raises(ToolError, match="nothing to update"):
        tasks.update(task_id="t1")
    with pytest.raises(ToolError, match="title cannot be empty"):
        tasks.update(task_id="t1", title="  ")
    with pytest.raises(ToolError, match="unknown priority"):
        tasks.update(task_id="t1", priority="urgent")
    with pytest.raises(ToolError, match="unknown status"):
        tasks.update(task_id="t1", status="finished")


def test_add_checks_plan_and_title() -> None:
    with pytest.raises(ToolError, match='plan "p9" does not exist'):
        tasks.add(title="x", plan_id="p9")
    with pytest.raises(ToolError, match="non-empty title"):
        tasks.add(title=" ")
    assert tasks.list_tasks()["total"] == 0
    plan = plans.create(name="p")["plan_id"]
    assert tasks.add(title="x", plan_id=plan)["task"]["plan_id"] == plan


def test_list_filters_and_pages() -> None:
    for i in range(5):
        tasks.add(title=f"task {i}", priority="high" if i % 2 else "low", tags=[f"g{i % 2}"])
    tasks.update(task_id="t2", status="blocked")
    assert tasks.list_tasks()["total"] == 5
    assert [t["task_id"] for t in tasks.list_tasks(priority="high")["tasks"]] == ["t2", "t4"]
    assert [t["task_id"] for t in tasks.list_tasks(tag="g0")["tasks"]] == ["t1", "t3", "t5"]
    assert tasks.list_tasks(status="blocked")["tasks"][0]["task_id"] == "t2"
    page = tasks.list_tasks(limit=2, offset=2)
    assert ([t["task_id"] for t in page["tasks"]], page["total"]) == (["t3", "t4"], 5)


def test_search_matches_every_word_case_insensitively_and_literally() -> None:
    tasks.add(title="Deploy the API", description="blue green rollout")
    tasks.add(title="Write docs", description="100% coverage of the api")
    assert [t["task_id"] for t in tasks.search(query="api")["tasks"]] == ["t1", "t2"]
    assert [t["task_id"] for t in tasks.search(query="API green")["tasks"]] == ["t1"]
    assert [t["task_id"] for t in tasks.search(query="100%")["tasks"]] == ["t2"]
    assert tasks.search(query="_")["count"] == 0  # LIKE wildcards are escaped
    with pytest.raises(ToolError, match="empty"):
        tasks.search(query="   ")
