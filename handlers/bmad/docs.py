"""bmad_doc: project documents (PRD, architecture, stories) with an approve/reject review trail.

A document starts as a draft at version 1. A draft can be approved or rejected; every review is
kept in `doc_reviews`. Changing the content of any document bumps its version and sends it back
to draft, so an approval always refers to the exact version reviewed.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from toolc import ToolError

from .. import store

PREFIX = "d"
KINDS = ("brief", "prd", "architecture", "epic", "story", "other")
HINT = "list docs to see the ids that exist"


def _fetch(conn: sqlite3.Connection, doc_id: str) -> sqlite3.Row:
    return store.fetch_row(conn, "docs", PREFIX, doc_id, "doc", HINT)


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "doc_id": store.make_id(PREFIX, row["id"]),
        "title": row["title"],
        "kind": row["kind"],
        "author": row["author"],
        "status": row["status"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _full(row: sqlite3.Row) -> dict[str, Any]:
    return {**_summary(row), "content": row["content"]}


def _reviews(conn: sqlite3.Connection, rowid: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM doc_reviews WHERE doc_id = ? ORDER BY id", (rowid,)
    ).fetchall()
    return [
        {
            "action": r["action"],
            "reviewer": r["reviewer"],
            "comment": r["comment"],
            "version": r["version"],
            "created_at": r["created_at"],
        }
        for r in rows
    ]


def create(
    title: str,
    kind: str = "other",
    content: str | None = None,
    author: str | None = None,
) -> dict[str, Any]:
    """Create a draft document at version 1."""
    if not title.strip():
        raise ToolError("a doc needs a non-empty title — pass title")
    if kind not in KINDS:
        raise ToolError(f'unknown kind "{kind}" — use one of {", ".join(KINDS)}')
    stamp = store.now()
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO docs (title, kind, content, author, status, version, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 'draft', 1, ?, ?)",
            (title.strip(), kind, content or "", author, stamp, stamp),
        )
        doc = _full(conn.execute("SELECT * FROM docs WHERE id = ?", (cur.lastrowid,)).fetchone())
    return {"doc_id": doc["doc_id"], "doc": doc}


def update(doc_id: str, title: str | None = None, content: str | None = None) -> dict[str, Any]:
    """Change title and/or content; new content bumps the version and needs a new review."""
    if title is None and content is None:
        raise ToolError("nothing to update — pass title, content or both")
    if title is not None and not title.strip():
        raise ToolError("title cannot be empty — pass a non-empty title or omit it")
    with store.transaction() as conn:
        row = _fetch(conn, doc_id)
        new_title = title.strip() if title is not None else row["title"]
        version, status = row["version"], row["status"]
        if content is not None and content != row["content"]:
            version, status = version + 1, "draft"
        conn.execute(
            "UPDATE docs SET title = ?, content = ?, version = ?, status = ?, updated_at = ?"
            " WHERE id = ?",
            (
                new_title,
                content if content is not None else row["content"],
                version,
                status,
                store.now(),
                row["id"],
            ),
        )
        doc = _full(_fetch(conn, doc_id))
    return {"doc": doc}


def get(doc_id: str) -> dict[str, Any]:
    """One document with its content and its full review trail."""
    with store.reader() as conn:
        row = _fetch(conn, doc_id)
        return {"doc": _full(row), "reviews": _reviews(conn, row["id"])}


def list_docs(
    status: str | None = None, kind: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """Documents without their content, oldest first."""
    where, args = [], []
    for column, value in (("status", status), ("kind", kind)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    with store.reader() as conn:
        total = conn.execute(f"SELECT COUNT(*) FROM docs{clause}", args).fetchone()[0]
        rows = conn.execute(
            f"SELECT * FROM docs{clause} ORDER BY id LIMIT ?", [*args, limit]
        ).fetchall()
    return {"docs": [_summary(r) for r in rows], "total": int(total)}


def _review(doc_id: str, action: str, reviewer: str, comment: str) -> dict[str, Any]:
    if not reviewer.strip():
        raise ToolError("a review needs a reviewer — pass reviewer")
    with store.transaction() as conn:
        row = _fetch(conn, doc_id)
        if row["status"] != "draft":
            raise ToolError(
                f'doc "{doc_id}" is {row["status"]} at version {row["version"]}, not a draft — '
                "only drafts are reviewed; update its content to start a new version"
            )
        stamp = store.now()
        status = "approved" if action == "approve" else "rejected"
        conn.execute(
            "INSERT INTO doc_reviews (doc_id, action, reviewer, comment, version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row["id"], action, reviewer.strip(), comment, row["version"], stamp),
        )
        conn.execute(
            "UPDATE docs SET status = ?, updated_at = ? WHERE id = ?", (status, stamp, row["id"])
        )
        doc = _full(_fetch(conn, doc_id))
        review = _reviews(conn, row["id"])[-1]
    return {"doc": doc, "review": review}


def approve(doc_id: str, reviewer: str, comment: str | None = None) -> dict[str, Any]:
    """Approve the current version of a draft."""
    return _review(doc_id, "approve", reviewer, comment or "")


def reject(doc_id: str, reviewer: str, reason: str) -> dict[str, Any]:
    """Reject the current version of a draft, saying why."""
    if not reason.strip():
        raise ToolError("a rejection needs a reason — pass reason so the author can act on it")
    return _review(doc_id, "reject", reviewer, reason.strip())
