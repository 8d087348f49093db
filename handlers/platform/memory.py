"""memory_add / memory_search: notes kept in SQLite with an FTS5 full-text index.

`memories` holds the rows; `memories_fts` indexes content and tags under the same rowid, written
in the same transaction. Search text is split into words; each word is quoted and prefix-matched
and any word matches (bm25 ranks memories matching more and rarer words first). Quoting means
FTS5 query syntax in user input (quotes, AND, NEAR, *) is matched literally, never parsed.
"""

from __future__ import annotations

import re
from typing import Any

from toolc import ToolError

from .. import store

PREFIX = "m"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 32


def add(content: str, tags: list[str] | None = None, source: str | None = None) -> dict[str, Any]:
    """Store a memory and index it for full-text search."""
    if not content.strip():
        raise ToolError("the memory is empty — pass the text to remember")
    clean_tags = sorted({t.strip() for t in tags or [] if t.strip()})
    stamp = store.now()
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO memories (content, tags, source, created_at) VALUES (?, ?, ?, ?)",
            (content, store.dumps(clean_tags), source, stamp),
        )
        conn.execute(
            "INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, ?)",
            (cur.lastrowid, content, " ".join(clean_tags)),
        )
        rowid = int(cur.lastrowid or 0)
    return {"memory_id": store.make_id(PREFIX, rowid), "tags": clean_tags, "created_at": stamp}


def search(query: str, limit: int = 10, tag: str | None = None) -> dict[str, Any]:
    """Memories matching any word of `query` (prefix match), best first (bm25 ranking)."""
    words = WORD.findall(query)
    if not words:
        raise ToolError("the query has no words — pass words to search for")
    if len(words) > MAX_QUERY_WORDS:
        raise ToolError(
            f"the query has {len(words)} words, more than {MAX_QUERY_WORDS} — "
            "search for fewer words"
        )
    match = " OR ".join(f'"{w}"*' for w in words)
    sql = (
        "SELECT m.id, m.content, m.tags, m.source, m.created_at, bm25(memories_fts) AS rank,"
        " snippet(memories_fts, 0, '[', ']', '…', 12) AS snip"
        " FROM memories_fts JOIN memories m ON m.id = memories_fts.rowid"
        " WHERE memories_fts MATCH ?"
    )
    args: list[Any] = [match]
    if tag is not None:
        sql += " AND EXISTS (SELECT 1 FROM json_each(m.tags) WHERE value = ?)"
        args.append(tag)
    sql += " ORDER BY rank, m.id LIMIT ?"
    args.append(limit)
    with store.reader() as conn:
        rows = conn.execute(sql, args).fetchall()
    results = [
        {
            "memory_id": store.make_id(PREFIX, r["id"]),
            "content": r["content"],
            "snippet": r["snip"],
            "tags": store.loads_list(r["tags"]),
            "source": r["source"],
            "score": round(-float(r["rank"]), 6),
            "created_at": r["created_at"],
        }
        for r in rows
    ]
    return {"query": query, "results": results, "count": len(results)}
