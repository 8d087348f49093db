"""bmad_expansion: expansion packs, data that adds plan and workflow templates.

`list` shows the built-in packs (see `handlers.bmad.templates.BUILTIN_PACKS`) and every installed
pack. `install` stores a pack in the database, disabled; `enable` switches its templates on or off.
A pack that is not built in is installed from a JSON file (`source`), which must lie under
`$TOOLC_WORKSPACE` (see `handlers.workspace`; a relative `source` is taken relative to it).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from toolc import ToolError

from .. import store, workspace
from . import templates

MAX_PACK_BYTES = 1024 * 1024


def _describe(definition: dict[str, Any], installed: bool, enabled: bool) -> dict[str, Any]:
    return {
        "name": definition["name"],
        "version": definition["version"],
        "description": definition.get("description", ""),
        "installed": installed,
        "enabled": enabled,
        "plan_templates": sorted(definition.get("plan_templates", {})),
        "workflow_templates": sorted(definition.get("workflow_templates", {})),
    }


def _row(conn: sqlite3.Connection, pack: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM packs WHERE name = ?", (pack,)).fetchone()
    return row


def list_packs() -> dict[str, Any]:
    """Built-in and installed packs, by name."""
    with store.reader() as conn:
        rows = conn.execute("SELECT * FROM packs ORDER BY name").fetchall()
    found = {
        r["name"]: _describe(json.loads(r["definition"]), True, bool(r["enabled"])) for r in rows
    }
    for name, definition in templates.BUILTIN_PACKS.items():
        found.setdefault(name, _describe(definition, False, False))
    return {"packs": [found[name] for name in sorted(found)]}


def _load_source(source: str) -> dict[str, Any]:
    path = workspace.confine(source, workspace.ENV_WORKSPACE, "source")
    if not workspace.is_regular(path):
        raise ToolError(f"pack file {path} does not exist — pass the path of a pack JSON file")
    if path.stat().st_size > MAX_PACK_BYTES:
        raise ToolError(f"pack file {path} is larger than {MAX_PACK_BYTES} bytes — trim it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ToolError(f"pack file {path} is not valid JSON ({exc}) — fix the file") from exc
    return templates.check_pack(data, str(path))


def install(pack: str, source: str | None = None) -> dict[str, Any]:
    """Install a built-in pack by name, or a pack from a JSON file; it starts disabled."""
    if source is not None:
        definition = _load_source(source)
        if definition["name"] != pack:
            raise ToolError(
                f'{workspace.show(source)} holds pack "{definition["name"]}", not "{pack}" — '
                "pass the name the file declares"
            )
    elif pack in templates.BUILTIN_PACKS:
        definition = templates.check_pack(templates.BUILTIN_PACKS[pack], f'built-in pack "{pack}"')
    else:
        names = ", ".join(sorted(templates.BUILTIN_PACKS))
        raise ToolError(
            f'no built-in pack named "{pack}" — use one of {names}, or pass source '
            "with the path of a pack JSON file"
        )
    with store.transaction() as conn:
        existing = _row(conn, pack)
        if existing is not None and json.loads(existing["definition"]) == definition:
            return {"pack": _describe(definition, True, bool(existing["enabled"]))}
        enabled = bool(existing["enabled"]) if existing is not None else False
        conn.execute(
            "INSERT INTO packs (name, version, description, definition, enabled, installed_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version,"
            " description = excluded.description, definition = excluded.definition,"
            " installed_at = excluded.installed_at",
            (
                pack,
                definition["version"],
                definition["description"],
                store.dumps(definition),
                int(enabled),
                store.now(),
            ),
        )
    return {"pack": _describe(definition, True, enabled)}


def enable(pack: str, enabled: bool = True) -> dict[str, Any]:
    """Switch an installed pack's templates on (or off with enabled: false)."""
    with store.transaction() as conn:
        row = _row(conn, pack)
        if row is None:
            raise ToolError(f'pack "{pack}" is not installed — install it first')
        conn.execute("UPDATE packs SET enabled = ? WHERE name = ?", (int(enabled), pack))
        definition = json.loads(row["definition"])
    return {"pack": _describe(definition, True, enabled)}
