"""bmad_plan: plans are ordered steps; validated plans execute into tasks.

Life cycle: draft -> (validate) -> validated -> (execute) -> executing, reported as done once
every task the plan created is done. Changing the steps of a validated plan sends it back to
draft. `execute` creates all tasks and moves the plan in one transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from toolc import ToolError

from .. import store
from . import tasks, templates

PREFIX = "p"
MAX_STEP_LENGTH = 200
HINT = "list plans to see the ids that exist"


def _fetch(conn: sqlite3.Connection, plan_id: str) -> sqlite3.Row:
    return store.fetch_row(conn, "plans", PREFIX, plan_id, "plan", HINT)


def _to_dict(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    task_rows = conn.execute(
        "SELECT id, status FROM tasks WHERE plan_id = ? ORDER BY id", (row["id"],)
    ).fetchall()
    done = sum(1 for t in task_rows if t["status"] == "done")
    status = row["status"]
    if status == "executing" and task_rows and done == len(task_rows):
        status = "done"
    return {
        "plan_id": store.make_id(PREFIX, row["id"]),
        "name": row["name"],
        "goal": row["goal"],
        "status": status,
        "steps": store.loads_list(row["steps"]),
        "template": row["template"],
        "task_ids": [store.make_id(tasks.PREFIX, t["id"]) for t in task_rows],
        "progress": {"total": len(task_rows), "done": done},
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _clean_steps(steps: list[str]) -> list[str]:
    return [s.strip() for s in steps]


def create(
    name: str,
    goal: str | None = None,
    steps: list[str] | None = None,
    template: str | None = None,
) -> dict[str, Any]:
    """Create a draft plan from explicit steps, a template, or both (template steps first)."""
    if not name.strip():
        raise ToolError("a plan needs a non-empty name — pass name")
    with store.transaction() as conn:
        all_steps = templates.plan_template(conn, template) if template else []
        all_steps += _clean_steps(steps or [])
        stamp = store.now()
        cur = conn.execute(
            "INSERT INTO plans (name, goal, status, steps, template, created_at, updated_at)"
            " VALUES (?, ?, 'draft', ?, ?, ?, ?)",
            (name.strip(), goal or "", store.dumps(all_steps), template, stamp, stamp),
        )
        row = conn.execute("SELECT * FROM plans WHERE id = ?", (cur.lastrowid,)).fetchone()
        plan = _to_dict(conn, row)
    return {"plan_id": plan["plan_id"], "plan": plan}


def update(
    plan_id: str,
    name: str | None = None,
    goal: str | None = None,
    steps: list[str] | None = None,
) -> dict[str, Any]:
    """Change a plan that has not started executing; new steps send it back to draft."""
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise ToolError("name cannot be empty — pass a non-empty name or omit it")
        changes["name"] = name.strip()
    if goal is not None:
        changes["goal"] = goal
    if steps is not None:
        changes["steps"] = store.dumps(_clean_steps(steps))
        changes["status"] = "draft"
    if not changes:
        raise ToolError("nothing to update — pass at least one of name, goal, steps")
    with store.transaction() as conn:
        row = _fetch(conn, plan_id)
        if row["status"] == "executing":
            raise ToolError(
                f'plan "{plan_id}" is executing and its steps are tasks now — '
                "update those tasks with bmad_task instead"
            )
        changes["updated_at"] = store.now()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE plans SET {assignments} WHERE id = ?", [*changes.values(), row["id"]])
        plan = _to_dict(conn, _fetch(conn, plan_id))
    return {"plan": plan}


def get(plan_id: str) -> dict[str, Any]:
    """One plan with its tasks' progress."""
    with store.reader() as conn:
        return {"plan": _to_dict(conn, _fetch(conn, plan_id))}


def list_plans(status: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Plans, oldest first; `status` filters on the reported status (done is derived)."""
    with store.reader() as conn:
        rows = conn.execute("SELECT * FROM plans ORDER BY id").fetchall()
        plans = [_to_dict(conn, r) for r in rows]
    if status is not None:
        plans = [p for p in plans if p["status"] == status]
    return {"plans": plans[:limit], "total": len(plans)}


def problems_of(steps: list[str]) -> list[str]:
    """Why a list of steps cannot execute; empty when it can."""
    problems: list[str] = []
    if not steps:
        problems.append("the plan has no steps — add steps with update")
    seen: set[str] = set()
    for number, step in enumerate(steps, 1):
        if not step:
            problems.append(f"step {number} is empty — give it a title or remove it")
        elif len(step) > MAX_STEP_LENGTH:
            problems.append(f"step {number} is longer than {MAX_STEP_LENGTH} characters — shorten")
        key = step.casefold()
        if step and key in seen:
            problems.append(f'step {number} "{step}" repeats an earlier step — merge or rename')
        seen.add(key)
    return problems


def validate(plan_id: str) -> dict[str, Any]:
    """Check a draft plan; a plan without problems becomes `validated`."""
    with store.transaction() as conn:
        row = _fetch(conn, plan_id)
        if row["status"] == "executing":
            raise ToolError(f'plan "{plan_id}" is already executing — nothing to validate')
        problems = problems_of(store.loads_list(row["steps"]))
        status = "draft" if problems else "validated"
        conn.execute(
            "UPDATE plans SET status = ?, updated_at = ? WHERE id = ?",
            (status, store.now(), row["id"]),
        )
    return {"plan_id": plan_id, "valid": not problems, "problems": problems, "status": status}


def execute(plan_id: str, assignee: str | None = None) -> dict[str, Any]:
    """Turn every step of a validated plan into a task, all at once or not at all."""
    with store.transaction() as conn:
        row = _fetch(conn, plan_id)
        if row["status"] != "validated":
            hint = (
                "it is already executing"
                if row["status"] == "executing"
                else "validate it first with operation validate"
            )
            raise ToolError(f'plan "{plan_id}" is {row["status"]}, not validated — {hint}')
        task_ids = []
        for number, step in enumerate(store.loads_list(row["steps"]), 1):
            rowid = tasks.insert(
                conn,
                title=step,
                description=f"Step {number} of plan {plan_id} ({row['name']}).",
                assignee=assignee,
                tags=["plan"],
                plan_rowid=row["id"],
            )
            task_ids.append(store.make_id(tasks.PREFIX, rowid))
        conn.execute(
            "UPDATE plans SET status = 'executing', updated_at = ? WHERE id = ?",
            (store.now(), row["id"]),
        )
    return {"plan_id": plan_id, "status": "executing", "task_ids": task_ids}
