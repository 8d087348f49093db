"""bmad_task: create, read, update, delete and search tasks (SQLite table `tasks`)."""

from __future__ import annotations

import sqlite3
from typing import Any

from toolc import ToolError

from .. import store

PREFIX = "t"
STATUSES = ("todo", "in_progress", "blocked", "done", "cancelled")
PRIORITIES = ("low", "normal", "high", "critical")
MAX_QUERY_WORDS = 32  # each word adds two LIKE terms to one SQL expression

# status -> statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "todo": frozenset({"in_progress", "blocked", "done", "cancelled"}),
    "in_progress": frozenset({"todo", "blocked", "done", "cancelled"}),
    "blocked": frozenset({"todo", "in_progress", "cancelled"}),
    "done": frozenset({"todo"}),
    "cancelled": frozenset({"todo"}),
}


def task_id_of(task_id: str) -> int:
    return store.parse_id(PREFIX, task_id, "task", "list tasks to see the ids that exist")


def to_dict(row: sqlite3.Row) -> dict[str, Any]:
    plan = row["plan_id"]
    return {
        "task_id": store.make_id(PREFIX, row["id"]),
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "priority": row["priority"],
        "assignee": row["assignee"],
        "tags": store.loads_list(row["tags"]),
        "plan_id": store.make_id("p", plan) if plan is not None else None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def fetch(conn: sqlite3.Connection, rowid: int, public_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM tasks WHERE id = ?", (rowid,)).fetchone()
    if row is None:
        raise ToolError(f'task "{public_id}" does not exist — list tasks to see the ids that exist')
    return row  # type: ignore[no-any-return]


def _clean_tags(tags: list[str] | None) -> list[str]:
    return sorted({t.strip() for t in tags or [] if t.strip()})


def insert(
    conn: sqlite3.Connection,
    *,
    title: str,
    description: str = "",
    priority: str = "normal",
    assignee: str | None = None,
    tags: list[str] | None = None,
    plan_rowid: int | None = None,
) -> int:
    """Insert one task inside the caller's transaction; returns its row id."""
    if not title.strip():
        raise ToolError("a task needs a non-empty title — pass title")
    if priority not in PRIORITIES:
        raise ToolError(f'unknown priority "{priority}" — use one of {", ".join(PRIORITIES)}')
    stamp = store.now()
    cur = conn.execute(
        "INSERT INTO tasks (title, description, status, priority, assignee, tags, plan_id,"
        " created_at, updated_at) VALUES (?, ?, 'todo', ?, ?, ?, ?, ?, ?)",
        (
            title.strip(),
            description or "",
            priority,
            assignee,
            store.dumps(_clean_tags(tags)),
            plan_rowid,
            stamp,
            stamp,
        ),
    )
    return int(cur.lastrowid or 0)


def add(
    title: str,
    description: str | None = None,
    priority: str = "normal",
    assignee: str | None = None,
    tags: list[str] | None = None,
    plan_id: str | None = None,
) -> dict[str, Any]:
    """Add a task; it starts in status `todo`."""
    with store.transaction() as conn:
        plan_rowid = None
        if plan_id is not None:
            plan_rowid = store.parse_id("p", plan_id, "plan", "list plans to see the ids")
            if conn.execute("SELECT 1 FROM plans WHERE id = ?", (plan_rowid,)).fetchone() is None:
                raise ToolError(f'plan "{plan_id}" does not exist — list plans to see the ids')
        rowid = insert(
            conn,
            title=title,
            description=description or "",
            priority=priority or "normal",
            assignee=assignee,
            tags=tags,
            plan_rowid=plan_rowid,
        )
        task = to_dict(fetch(conn, rowid, store.make_id(PREFIX, rowid)))
    return {"task_id": task["task_id"], "task": task}


def get(task_id: str) -> dict[str, Any]:
    """One task by id."""
    with store.reader() as conn:
        return {"task": to_dict(fetch(conn, task_id_of(task_id), task_id))}


def list_tasks(
    status: str | None = None,
    priority: str | None = None,
    assignee: str | None = None,
    tag: str | None = None,
    plan_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Tasks matching every given filter, oldest first."""
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("status", status), ("priority", priority), ("assignee", assignee)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if tag is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE value = ?)")
        args.append(tag)
    if plan_id is not None:
        where.append("plan_id = ?")
        args.append(store.parse_id("p", plan_id, "plan", "list plans to see the ids"))
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    with store.reader() as conn:
        total = conn.execute(f"SELECT COUNT(*) FROM tasks{clause}", args).fetchone()[0]
        rows = conn.execute(
            f"SELECT * FROM tasks{clause} ORDER BY id LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
    return {"tasks": [to_dict(r) for r in rows], "total": int(total)}


def update(
    task_id: str,
    title: str | None = None,
    description: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    assignee: str | None = None,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """Change the given fields of a task; status changes follow TRANSITIONS."""
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise ToolError("title cannot be empty — pass a non-empty title or omit it")
        changes["title"] = title.strip()
    if description is not None:
        changes["description"] = description
    if priority is not None:
        if priority not in PRIORITIES:
            raise ToolError(f'unknown priority "{priority}" — use one of {", ".join(PRIORITIES)}')
        changes["priority"] = priority
    if assignee is not None:
        changes["assignee"] = assignee or None
    if tags is not None:
        changes["tags"] = store.dumps(_clean_tags(tags))
    if not changes and status is None:
        raise ToolError(
            "nothing to update — pass at least one of title, description, status, "
            "priority, assignee, tags"
        )
    with store.transaction() as conn:
        rowid = task_id_of(task_id)
        row = fetch(conn, rowid, task_id)
        if status is not None and status != row["status"]:
            if status not in TRANSITIONS:
                raise ToolError(f'unknown status "{status}" — use one of {", ".join(STATUSES)}')
            if status not in TRANSITIONS[row["status"]]:
                allowed = ", ".join(sorted(TRANSITIONS[row["status"]]))
                raise ToolError(
                    f'task "{task_id}" cannot go from {row["status"]} to {status} — '
                    f"from {row['status']} it can go to: {allowed}"
                )
            changes["status"] = status
        changes["updated_at"] = store.now()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE tasks SET {assignments} WHERE id = ?", [*changes.values(), rowid])
        task = to_dict(fetch(conn, rowid, task_id))
    return {"task": task}


def delete(task_id: str) -> dict[str, Any]:
    """Delete a task for good."""
    with store.transaction() as conn:
        rowid = task_id_of(task_id)
        fetch(conn, rowid, task_id)
        conn.execute("DELETE FROM tasks WHERE id = ?", (rowid,))
    return {"task_id": task_id, "deleted": True}


def search(query: str, status: str | None = None, limit: int = 20) -> dict[str, Any]:
    """Tasks whose title or description contains every word of `query` (case-insensitive)."""
    words = query.split()
    if not words:
        raise ToolError("the search query is empty — pass at least one word")
    if len(words) > MAX_QUERY_WORDS:
        raise ToolError(
            f"the search query has {len(words)} words, more than {MAX_QUERY_WORDS} — "
            "search for fewer words"
        )
    where = []
    args: list[Any] = []
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')")
        args.extend([f"%{escaped}%", f"%{escaped}%"])
    if status is not None:
        where.append("status = ?")
        args.append(status)
    with store.reader() as conn:
        rows = conn.execute(
            f"SELECT * FROM tasks WHERE {' AND '.join(where)} ORDER BY id LIMIT ?",
            [*args, limit],
        ).fetchall()
    return {"query": query, "tasks": [to_dict(r) for r in rows], "count": len(rows)}
