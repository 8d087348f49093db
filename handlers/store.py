"""The catalog's embedded SQLite database: location, schema migrations, transactions.

Location: the file named by the environment variable `TOOLC_BMAD_DB` when it is set, otherwise
`bmad.sqlite3` in the user's data directory (`platformdirs.user_data_path("toolc")`, e.g.
`~/.local/share/toolc/bmad.sqlite3` on Linux). The directory is created on first use.

Schema: created and migrated on first use in each process; `PRAGMA user_version` records the
applied migration count, and migrations run inside one `BEGIN IMMEDIATE` transaction, so two
processes starting at once cannot both apply them.

Concurrency: handlers run in worker threads. Every call opens its own short-lived connection
(SQLite connections are cheap and must not cross threads); the database runs in WAL mode, so
readers never block the writer, and writers queue on `busy_timeout` (10 s, well inside every
operation's timeout). Every write goes through `transaction()`: all of it commits or none of it
does.

Failures the caller or the machine causes (a full disk or file size limit, a database locked for
longer than the busy timeout, an I/O error, a read-only or damaged file, a query SQLite finds too
large, a number SQLite cannot store) become one clear `ToolError` naming the cause, here in
`transaction()` / `reader()` (`_explain`), never an internal error. Our own SQL mistakes still
raise.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from toolc import ToolError

ENV_DB = "TOOLC_BMAD_DB"
BUSY_TIMEOUT_MS = 10_000
MAX_ID_DIGITS = 18  # every id fits a signed 64-bit SQLite integer
ID_BODY = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")
# SQLite's primary result codes (`sqlite_errorcode & 0xFF`) that a caller or the machine causes
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_TOOBIG, SQLITE_NOTADB = 11, 13, 14, 18, 26
WRITE_ERRORS = frozenset({"SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE"})
TOO_LARGE = ("expression tree is too large", "too many sql variables", "pattern too complex")

log = logging.getLogger(__name__)

# Each migration is a tuple of statements, applied in order; never edit one that has shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE tasks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'todo',
            priority TEXT NOT NULL DEFAULT 'normal',
            assignee TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            plan_id INTEGER REFERENCES plans(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX tasks_status ON tasks(status)",
        "CREATE INDEX tasks_plan ON tasks(plan_id)",
        """CREATE TABLE plans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            goal TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'draft',
            steps TEXT NOT NULL DEFAULT '[]',
            template TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE docs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            author TEXT,
            status TEXT NOT NULL DEFAULT 'draft',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE doc_reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER NOT NULL REFERENCES docs(id) ON DELETE CASCADE,
            action TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE workflows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            template TEXT NOT NULL,
            steps TEXT NOT NULL,
            current INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'running',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE workflow_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            event TEXT NOT NULL,
            step TEXT,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL)""",
        """CREATE TABLE hil_sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            context TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open',
            outcome TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE hil_messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES hil_sessions(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE packs (
            name TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            definition TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 0,
            installed_at TEXT NOT NULL)""",
        """CREATE TABLE memories (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            content TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            source TEXT,
            created_at TEXT NOT NULL)""",
        "CREATE VIRTUAL TABLE memories_fts USING fts5(content, tags, tokenize='unicode61')",
    ),
)

_lock = threading.Lock()
_ready: set[str] = set()


def db_path() -> Path:
    """The database file: `$TOOLC_BMAD_DB`, else `bmad.sqlite3` in the user's data directory."""
    override = os.environ.get(ENV_DB, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("toolc", appauthor=False) / "bmad.sqlite3"


def now() -> str:
    """The current UTC time as an ISO 8601 string (JSON-safe)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _open(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise ToolError(
            f"cannot open the BMAD database at {path} ({exc}) — "
            f"set {ENV_DB} to a writable file path"
        ) from exc
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise ToolError(
                f"the BMAD database is at schema version {version}, newer than this server "
                f"knows ({len(MIGRATIONS)}) — upgrade toolc or point {ENV_DB} at another file"
            )
        for number in range(version, len(MIGRATIONS)):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            log.info("BMAD database migrated to schema version %d", number + 1)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _connect() -> sqlite3.Connection:
    path = db_path()
    key = str(path.resolve())
    conn = _open(path)
    if key not in _ready:
        try:
            with _lock:
                if key not in _ready:
                    _migrate(conn)
                    _ready.add(key)
        except sqlite3.Error as exc:
            conn.close()
            raise ToolError(
                f"cannot prepare the BMAD database at {path} ({exc}) — "
                f"check the file or set {ENV_DB} to another path"
            ) from exc
        except BaseException:
            conn.close()
            raise
    return conn


def _explain(exc: BaseException) -> ToolError | None:
    """The caller-facing error for a failure the caller or the machine caused, else None."""
    if isinstance(exc, OverflowError):
        return ToolError("a number is too large for the BMAD database — pass a smaller value")
    if not isinstance(exc, sqlite3.Error):
        return None
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc).lower()
    path = db_path()
    if code == SQLITE_FULL:
        return ToolError(
            f"the BMAD database at {path} cannot grow: the disk is full or a file size limit "
            "was reached — free space (or raise the limit) and retry; nothing was saved"
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return ToolError(
            f"the BMAD database at {path} stayed locked by another writer for more than "
            f"{BUSY_TIMEOUT_MS // 1000} s — retry shortly; nothing was saved"
        )
    if code == SQLITE_IOERR and getattr(exc, "sqlite_errorname", "") in WRITE_ERRORS:
        return ToolError(
            f"the BMAD database at {path} could not be written: the disk is full, a quota or "
            "file size limit was reached, or the disk failed — free space (or raise the limit) "
            "and retry; nothing was saved"
        )
    if code == SQLITE_IOERR:
        return ToolError(
            f"the BMAD database at {path} hit a disk I/O error — check the disk and retry"
        )
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN):
        return ToolError(
            f"the BMAD database at {path} cannot be written — check its permissions or set "
            f"{ENV_DB} to a writable file"
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return ToolError(
            f"the BMAD database at {path} is damaged or not a database — restore it from a "
            f"backup or set {ENV_DB} to another file"
        )
    if code == SQLITE_TOOBIG or any(marker in text for marker in TOO_LARGE):
        return ToolError("the request is too large for the BMAD database — shorten it")
    return None


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:  # SQLite may have rolled back by itself (e.g. on a full disk)
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            log.warning("rollback failed; the connection closes without committing")


@contextmanager
def _explained() -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OverflowError) as exc:
        clear = _explain(exc)
        if clear is None:
            raise
        log.warning("BMAD database: %s", exc)
        raise clear from exc


@contextmanager
def transaction() -> Iterator[sqlite3.Connection]:
    """A write transaction (`BEGIN IMMEDIATE`): commits on success, rolls back on any error."""
    with _explained():
        conn = _connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                _rollback(conn)
                raise
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                _rollback(conn)
            conn.close()


@contextmanager
def reader() -> Iterator[sqlite3.Connection]:
    """A read transaction: every query inside it sees one consistent snapshot."""
    with _explained():
        conn = _connect()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                _rollback(conn)
        finally:
            conn.close()


def make_id(prefix: str, rowid: int) -> str:
    """The public id of a row: `t12` for task 12."""
    return f"{prefix}{rowid}"


def parse_id(prefix: str, text: str, what: str, hint: str) -> int:
    """The row id inside a public id; a malformed or out-of-range id is reported as unknown."""
    body = text.strip()
    if body.startswith(prefix) and ID_BODY.fullmatch(body[len(prefix) :]):
        return int(body[len(prefix) :])
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise ToolError(f'{what} "{shown}" does not exist — {hint}')


def fetch_row(
    conn: sqlite3.Connection, table: str, prefix: str, public_id: str, what: str, hint: str
) -> sqlite3.Row:
    """The row of `table` behind a public id such as "p12"; an unknown id is a ToolError.

    `table` is always one of this package's constant table names, never caller input.
    """
    rowid = parse_id(prefix, public_id, what, hint)
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rowid,)).fetchone()
    if row is None:
        raise ToolError(f'{what} "{public_id}" does not exist — {hint}')
    return row  # type: ignore[no-any-return]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def loads_list(text: str | None) -> list[Any]:
    value = json.loads(text) if text else []
    return value if isinstance(value, list) else []
