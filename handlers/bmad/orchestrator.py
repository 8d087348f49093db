"""bmad_orchestrator: the project at a glance and readiness checklists, computed from the data."""

from __future__ import annotations

import sqlite3
from typing import Any

from toolc import ToolError

from .. import store
from . import tasks, workflows

SCOPES = ("planning", "development", "release")


def _counts(conn: sqlite3.Connection, table: str, states: tuple[str, ...]) -> dict[str, int]:
    found = {state: 0 for state in states}
    for row in conn.execute(f"SELECT status, COUNT(*) AS n FROM {table} GROUP BY status"):
        found[row["status"]] = int(row["n"])
    return found


def _ids(conn: sqlite3.Connection, sql: str, prefix: str) -> list[str]:
    return [store.make_id(prefix, r[0]) for r in conn.execute(sql)]


def status() -> dict[str, Any]:
    """Counts per state of every kind of record, enabled packs, and what to do next."""
    with store.reader() as conn:
        task_counts = _counts(conn, "tasks", tasks.STATUSES)
        plan_counts = _counts(conn, "plans", ("draft", "validated", "executing"))
        doc_counts = _counts(conn, "docs", ("draft", "approved", "rejected"))
        wf_counts = _counts(conn, "workflows", ("running", "completed"))
        hil_open = int(
            conn.execute("SELECT COUNT(*) FROM hil_sessions WHERE status = 'open'").fetchone()[0]
        )
        packs = [r[0] for r in conn.execute("SELECT name FROM packs WHERE enabled = 1 ORDER BY 1")]
        memories = int(conn.execute("SELECT COUNT(*) FROM memories").fetchone()[0])
        blocked = _ids(conn, "SELECT id FROM tasks WHERE status = 'blocked' ORDER BY id", "t")
        drafts = _ids(conn, "SELECT id FROM plans WHERE status = 'draft' ORDER BY id", "p")
        ready = _ids(conn, "SELECT id FROM plans WHERE status = 'validated' ORDER BY id", "p")
        running = conn.execute(
            "SELECT id, steps, current FROM workflows WHERE status = 'running' ORDER BY id"
        ).fetchall()
    actions: list[str] = []
    if hil_open:
        actions.append(f"answer {hil_open} open HIL session(s) (bmad_hil status)")
    if doc_counts["draft"]:
        actions.append(f"review {doc_counts['draft']} draft doc(s) (bmad_doc approve or reject)")
    if blocked:
        actions.append(f"unblock task(s) {', '.join(blocked)}")
    if drafts:
        actions.append(f"validate plan(s) {', '.join(drafts)}")
    if ready:
        actions.append(f"execute plan(s) {', '.join(ready)}")
    for row in running:
        steps = store.loads_list(row["steps"])
        step = steps[row["current"]] if row["current"] < len(steps) else "?"
        actions.append(f"advance workflow {store.make_id(workflows.PREFIX, row['id'])} ({step})")
    if not actions:
        actions.append("nothing pending — start a workflow or create a plan")
    return {
        "tasks": task_counts,
        "plans": plan_counts,
        "docs": doc_counts,
        "workflows": wf_counts,
        "hil_open_sessions": hil_open,
        "packs_enabled": packs,
        "memories": memories,
        "next_actions": actions,
    }


def _item(item: str, passed: bool, detail: str) -> dict[str, Any]:
    return {"item": item, "passed": passed, "detail": detail}


def _approved(conn: sqlite3.Connection, kind: str) -> dict[str, Any]:
    n = conn.execute(
        "SELECT COUNT(*) FROM docs WHERE kind = ? AND status = 'approved'", (kind,)
    ).fetchone()[0]
    return _item(f"an approved {kind} doc exists", n > 0, f"{n} approved")


def checklist(scope: str = "release") -> dict[str, Any]:
    """Readiness checks for a phase: planning, development or release."""
    if scope not in SCOPES:
        raise ToolError(f'unknown scope "{scope}" — use one of {", ".join(SCOPES)}')
    items: list[dict[str, Any]] = []
    with store.reader() as conn:
        t = _counts(conn, "tasks", tasks.STATUSES)
        d = _counts(conn, "docs", ("draft", "approved", "rejected"))
        p = _counts(conn, "plans", ("draft", "validated", "executing"))
        hil_open = conn.execute(
            "SELECT COUNT(*) FROM hil_sessions WHERE status = 'open'"
        ).fetchone()[0]
        wf_running = conn.execute(
            "SELECT COUNT(*) FROM workflows WHERE status = 'running'"
        ).fetchone()[0]
        if scope == "planning":
            items += [_approved(conn, "brief"), _approved(conn, "prd")]
            items.append(_approved(conn, "architecture"))
            ok = p["validated"] + p["executing"]
            items.append(_item("a plan is validated", ok > 0, f"{ok} validated or executing"))
        elif scope == "development":
            items.append(
                _item("a plan is executing", p["executing"] > 0, f"{p['executing']} executing")
            )
            items.append(_item("no blocked tasks", t["blocked"] == 0, f"{t['blocked']} blocked"))
            stories = conn.execute(
                "SELECT COUNT(*) FROM docs WHERE kind = 'story' AND status != 'approved'"
            ).fetchone()[0]
            items.append(_item("every story is approved", stories == 0, f"{stories} not approved"))
        else:
            total = sum(t.values())
            open_tasks = t["todo"] + t["in_progress"] + t["blocked"]
            items.append(
                _item(
                    "every task is done or cancelled",
                    total > 0 and open_tasks == 0,
                    f"{open_tasks} open of {total}",
                )
            )
            pending = d["draft"] + d["rejected"]
            items.append(_item("every doc is approved", pending == 0, f"{pending} not approved"))
            items.append(_item("no workflow is running", wf_running == 0, f"{wf_running} running"))
        items.append(_item("no open HIL sessions", hil_open == 0, f"{hil_open} open"))
    return {"scope": scope, "passed": all(i["passed"] for i in items), "items": items}
