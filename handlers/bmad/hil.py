"""bmad_hil: human-in-the-loop sessions, an open conversation an agent holds with a person.

A session is `open` until `end_session` closes it with an outcome; messages of a closed session
are refused. Messages are stored in `hil_messages`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from toolc import ToolError

from .. import store

PREFIX = "h"
HINT = "call status without session_id to see the sessions that exist"


def _fetch(conn: sqlite3.Connection, session_id: str) -> sqlite3.Row:
    return store.fetch_row(conn, "hil_sessions", PREFIX, session_id, "HIL session", HINT)


def _to_dict(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    count = conn.execute(
        "SELECT COUNT(*) FROM hil_messages WHERE session_id = ?", (row["id"],)
    ).fetchone()[0]
    return {
        "session_id": store.make_id(PREFIX, row["id"]),
        "topic": row["topic"],
        "context": row["context"],
        "status": row["status"],
        "outcome": row["outcome"],
        "message_count": int(count),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def start_session(topic: str, context: str | None = None) -> dict[str, Any]:
    """Open a session about `topic`."""
    if not topic.strip():
        raise ToolError("a session needs a topic — pass topic")
    stamp = store.now()
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO hil_sessions (topic, context, status, created_at, updated_at)"
            " VALUES (?, ?, 'open', ?, ?)",
            (topic.strip(), context or "", stamp, stamp),
        )
        row = conn.execute("SELECT * FROM hil_sessions WHERE id = ?", (cur.lastrowid,)).fetchone()
        return {"session": _to_dict(conn, row)}


def continue_session(session_id: str, message: str, role: str = "human") -> dict[str, Any]:
    """Add a message to an open session."""
    if not message.strip():
        raise ToolError("the message is empty — pass the text to add")
    if role not in ("human", "agent"):
        raise ToolError(f'unknown role "{role}" — use human or agent')
    with store.transaction() as conn:
        row = _fetch(conn, session_id)
        if row["status"] != "open":
            raise ToolError(
                f'HIL session "{session_id}" is closed — start a new session to continue'
            )
        stamp = store.now()
        conn.execute(
            "INSERT INTO hil_messages (session_id, role, content, created_at) VALUES (?, ?, ?, ?)",
            (row["id"], role, message, stamp),
        )
        conn.execute("UPDATE hil_sessions SET updated_at = ? WHERE id = ?", (stamp, row["id"]))
        return {"session": _to_dict(conn, _fetch(conn, session_id))}


def end_session(session_id: str, outcome: str | None = None) -> dict[str, Any]:
    """Close an open session, recording its outcome."""
    with store.transaction() as conn:
        row = _fetch(conn, session_id)
        if row["status"] != "open":
            raise ToolError(f'HIL session "{session_id}" is already closed — nothing to end')
        conn.execute(
            "UPDATE hil_sessions SET status = 'closed', outcome = ?, updated_at = ? WHERE id = ?",
            (outcome or "", store.now(), row["id"]),
        )
        return {"session": _to_dict(conn, _fetch(conn, session_id))}


def status(session_id: str | None = None) -> dict[str, Any]:
    """Open sessions, or one session (open or closed) with its messages."""
    with store.reader() as conn:
        open_count = int(
            conn.execute("SELECT COUNT(*) FROM hil_sessions WHERE status = 'open'").fetchone()[0]
        )
        if session_id is None:
            rows = conn.execute(
                "SELECT * FROM hil_sessions WHERE status = 'open' ORDER BY id"
            ).fetchall()
            return {
                "open_count": open_count,
                "sessions": [_to_dict(conn, r) for r in rows],
                "messages": [],
            }
        row = _fetch(conn, session_id)
        messages = conn.execute(
            "SELECT role, content, created_at FROM hil_messages WHERE session_id = ? ORDER BY id",
            (row["id"],),
        ).fetchall()
        return {
            "open_count": open_count,
            "sessions": [_to_dict(conn, row)],
            "messages": [dict(m) for m in messages],
        }
