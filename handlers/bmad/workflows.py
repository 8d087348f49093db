"""bmad_workflow: a state machine over a template's ordered steps.

States: `running` (current step = the first step not yet completed) -> `completed`. `next`
completes the current step; `execute` completes every remaining step (or those before `until`).
Every transition is recorded in `workflow_events`, in the same transaction as the state change.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from toolc import ToolError

from .. import store
from . import templates

PREFIX = "w"
HINT = "list workflows to see the ids that exist"


def _fetch(conn: sqlite3.Connection, workflow_id: str) -> sqlite3.Row:
    return store.fetch_row(conn, "workflows", PREFIX, workflow_id, "workflow", HINT)


def _to_dict(row: sqlite3.Row) -> dict[str, Any]:
    steps = store.loads_list(row["steps"])
    current = row["current"]
    return {
        "workflow_id": store.make_id(PREFIX, row["id"]),
        "name": row["name"],
        "template": row["template"],
        "status": row["status"],
        "steps": steps,
        "current_step": steps[current] if current < len(steps) else None,
        "completed": current,
        "total": len(steps),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _event(conn: sqlite3.Connection, rowid: int, event: str, step: str | None, note: str) -> None:
    conn.execute(
        "INSERT INTO workflow_events (workflow_id, event, step, note, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (rowid, event, step, note, store.now()),
    )


def _history(conn: sqlite3.Connection, rowid: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM workflow_events WHERE workflow_id = ? ORDER BY id", (rowid,)
    ).fetchall()
    return [
        {"event": r["event"], "step": r["step"], "note": r["note"], "created_at": r["created_at"]}
        for r in rows
    ]


def start(template: str, name: str | None = None) -> dict[str, Any]:
    """Start a workflow from a template (core or an enabled expansion pack)."""
    with store.transaction() as conn:
        steps = templates.workflow_template(conn, template)
        stamp = store.now()
        cur = conn.execute(
            "INSERT INTO workflows (name, template, steps, current, status, created_at,"
            " updated_at) VALUES (?, ?, ?, 0, 'running', ?, ?)",
            ((name or "").strip() or template, template, store.dumps(steps), stamp, stamp),
        )
        rowid = int(cur.lastrowid or 0)
        _event(conn, rowid, "started", steps[0], "")
        workflow = _to_dict(_fetch(conn, store.make_id(PREFIX, rowid)))
    return {"workflow": workflow}


def _advance(
    conn: sqlite3.Connection, row: sqlite3.Row, count: int, note: str
) -> tuple[list[str], sqlite3.Row]:
    steps = store.loads_list(row["steps"])
    current = row["current"]
    done = steps[current : current + count]
    for step in done:
        _event(conn, row["id"], "completed", step, note)
    current += len(done)
    status = "completed" if current >= len(steps) else "running"
    if status == "completed":
        _event(conn, row["id"], "finished", None, "")
    conn.execute(
        "UPDATE workflows SET current = ?, status = ?, updated_at = ? WHERE id = ?",
        (current, status, store.now(), row["id"]),
    )
    new_row = conn.execute("SELECT * FROM workflows WHERE id = ?", (row["id"],)).fetchone()
    return done, new_row


def _require_running(row: sqlite3.Row, workflow_id: str) -> None:
    if row["status"] != "running":
        raise ToolError(
            f'workflow "{workflow_id}" is {row["status"]} — start a new workflow instead'
        )


def next_step(workflow_id: str, note: str | None = None) -> dict[str, Any]:
    """Complete the current step and move to the next one."""
    with store.transaction() as conn:
        row = _fetch(conn, workflow_id)
        _require_running(row, workflow_id)
        done, row = _advance(conn, row, 1, note or "")
    return {"workflow": _to_dict(row), "completed_step": done[0]}


def execute(workflow_id: str, until: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Complete every remaining step, or the steps before `until`."""
    with store.transaction() as conn:
        row = _fetch(conn, workflow_id)
        _require_running(row, workflow_id)
        steps = store.loads_list(row["steps"])
        remaining = steps[row["current"] :]
        count = len(remaining)
        if until is not None:
            if until not in remaining:
                raise ToolError(
                    f'step "{until}" is not ahead in workflow "{workflow_id}" — '
                    f"remaining steps: {', '.join(remaining)}"
                )
            count = remaining.index(until)
        done, row = _advance(conn, row, count, note or "executed")
    return {"workflow": _to_dict(row), "completed_steps": done}


def get(workflow_id: str) -> dict[str, Any]:
    """One workflow with its full history of transitions."""
    with store.reader() as conn:
        row = _fetch(conn, workflow_id)
        return {"workflow": _to_dict(row), "history": _history(conn, row["id"])}


def list_workflows(status: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Workflows, oldest first."""
    clause, args = ("", []) if status is None else (" WHERE status = ?", [status])
    with store.reader() as conn:
        total = conn.execute(f"SELECT COUNT(*) FROM workflows{clause}", args).fetchone()[0]
        rows = conn.execute(
            f"SELECT * FROM workflows{clause} ORDER BY id LIMIT ?", [*args, limit]
        ).fetchall()
    return {"workflows": [_to_dict(r) for r in rows], "total": int(total)}


def status(workflow_id: str) -> dict[str, Any]:
    """Where a workflow stands: current step, progress, remaining steps."""
    with store.reader() as conn:
        workflow = _to_dict(_fetch(conn, workflow_id))
    return {
        "workflow_id": workflow["workflow_id"],
        "status": workflow["status"],
        "current_step": workflow["current_step"],
        "completed": workflow["completed"],
        "total": workflow["total"],
        "remaining": workflow["steps"][workflow["completed"] :],
    }
