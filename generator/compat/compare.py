"""Compare two locks (or a lock and the current catalog) client by client.

A change only concerns the clients whose contract shows it, and is reported once per subject,
with every client it hits. Legacy-aware: a name that still answers is compared through what it
calls (a renamed tool with an alias, a legacy name with its argument renames), so a rename that
keeps the old name answering is not a change; a legacy name or alias removed after its sunset is
allowed and reported as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .schema_diff import input_changes, output_changes

# MCP's defaults for absent annotations (2025-11-25 ToolAnnotations)
_HINT_DEFAULTS = {
    "readOnlyHint": False,
    "destructiveHint": True,
    "idempotentHint": False,
    "openWorldHint": True,
}
_HINT_RULES = (
    ("readOnlyHint", True, "READ_ONLY_LOST", "is no longer read-only"),
    ("destructiveHint", False, "DESTRUCTIVE_ADDED", "is now destructive"),
    ("idempotentHint", True, "IDEMPOTENT_LOST", "is no longer idempotent"),
    ("openWorldHint", False, "OPEN_WORLD_ADDED", "now reaches outside systems"),
)


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """One breaking change for one client. `target` locates it in the current catalog:
    ("tool", t), ("op", t, op), ("param", t, op, p) or ("name", n); `removed` says the thing is
    only in the lock (located at its lock entry, `lock_path`)."""

    rule: str
    subject: str  # what allow_breaking's `name` matches: tool, tool.op, tool.op.param, old name
    message: str
    client: str
    target: tuple[str, ...]
    lock_path: tuple[str, ...]  # ("clients", client, "names", name) or the like
    removed: bool = False
    sunset: str | None = None  # a removed legacy name or alias: its sunset date
    fix: str = ""  # a fix naming this change's names; the rule's own fix when empty


@dataclass(frozen=True, slots=True)
class _Call:
    tool: str  # declared tool
    kind: str  # "master" | "plain"
    operations: dict[str, Any]  # op -> {input, output, annotations}
    rename: dict[str, str]  # legacy argument renames (old -> new)
    operation: str | None  # a legacy name's operation


def _call(client: dict[str, Any], entry: dict[str, Any]) -> _Call | None:
    tool = client["tools"].get(entry["tool"])
    if tool is None:
        return None
    ops = tool["operations"]
    if entry.get("via") == "legacy":
        op = str(entry.get("operation"))
        if op not in ops:
            return None
        return _Call(
            entry["tool"], tool["kind"], {op: ops[op]}, dict(entry.get("rename") or {}), op
        )
    return _Call(entry["tool"], tool["kind"], ops, {}, None)


def _single(call: _Call) -> bool:
    """Whether the name calls one operation (a plain tool or a legacy name), not a master tool."""
    return call.kind == "plain" or call.operation is not None


def _shape(call: _Call) -> str:
    return "a master tool" if call.kind == "master" and not call.operation else "one operation"


_VIA_ORDER = {"tool": 0, "rename": 1, "alias": 2, "legacy": 3}


def _renamed(schema: Any, rename: dict[str, str]) -> Any:
    """An operation's input schema as a legacy caller sees it: renamed arguments by old name."""
    if not rename or not isinstance(schema, dict):
        return schema
    old_of = {new: old for old, new in rename.items()}
    out = dict(schema)
    out["properties"] = {old_of.get(k, k): v for k, v in (schema.get("properties") or {}).items()}
    if "required" in schema:
        out["required"] = [old_of.get(r, r) for r in schema["required"]]
    return out


def compare(before: dict[str, Any], after: dict[str, Any], today: str) -> list[Change]:
    """Every breaking change from lock `before` to lock `after`, and every legacy name or alias
    removed after its sunset (`sunset` set, dates compared as ISO text with `today`)."""
    found: list[Change] = []
    for client, b in sorted((before.get("clients") or {}).items()):
        a = (after.get("clients") or {}).get(client)
        if a is None:
            found.append(
                Change(
                    "CLIENT_REMOVED",
                    client,
                    f'client "{client}" is gone',
                    client,
                    ("client", client),
                    ("clients", client),
                    removed=True,
                )
            )
            continue
        found.extend(_client_changes(client, b, a, today))
    return sorted(set(found))


def _client_changes(
    client: str, b: dict[str, Any], a: dict[str, Any], today: str
) -> Iterator[Change]:
    added = {n: e for n, e in a["names"].items() if n not in b["names"]}
    done: set[tuple[str, ...]] = set()
    for name, entry in sorted(
        b["names"].items(), key=lambda kv: (_VIA_ORDER.get(kv[1].get("via"), 4), kv[0])
    ):
        lock_path = ("clients", client, "names", name)
        new = a["names"].get(name)
        if new is None:
            yield _removed(client, name, entry, b, a, added, today, lock_path)
            continue
        yield from _sunset(client, name, entry, new)
        old_call, new_call = _call(b, entry), _call(a, new)
        if old_call is None or new_call is None:
            continue
        if _single(old_call) != _single(new_call):
            yield Change(
                "CALL_SHAPE_CHANGED",
                name,
                f'"{name}" now calls {_shape(new_call)}',
                client,
                ("name", name),
                lock_path,
            )
            continue
        if (
            old_call.operation
            and new_call.operation
            and old_call.kind == new_call.kind == "master"
            and old_call.operation != new_call.operation
        ):
            yield Change(
                "LEGACY_TARGET_CHANGED",
                name,
                f'legacy name "{name}" now calls operation "{new_call.operation}" '
                f'(was "{old_call.operation}")',
                client,
                ("name", name),
                lock_path,
            )
            continue
        yield from _operations(client, name, old_call, new_call, done)


def _removed(
    client: str,
    name: str,
    entry: dict[str, Any],
    b: dict[str, Any],
    a: dict[str, Any],
    added: dict[str, Any],
    today: str,
    lock_path: tuple[str, ...],
) -> Change:
    via = entry.get("via")
    sunset = entry.get("sunset")
    if via in ("legacy", "alias"):
        rule = "LEGACY_NAME_REMOVED" if via == "legacy" else "ALIAS_REMOVED"
        what = "legacy name" if via == "legacy" else "alias"
        when = f" before its sunset {sunset}" if sunset else " (it has no sunset)"
        passed = bool(sunset) and today > str(sunset)
        if passed:
            when = f" after its sunset {sunset}"
        target = (
            ("op", entry["tool"], entry.get("operation") or "")
            if via == "legacy"
            else ("tool", entry["tool"])
        )
        return Change(
            rule,
            name,
            f'{what} "{name}" was removed{when}',
            client,
            target,
            lock_path,
            removed=True,
            sunset=sunset if passed else None,
        )
    old_ops = set(b["tools"].get(entry["tool"], {}).get("operations") or ())
    old_kind = b["tools"].get(entry["tool"], {}).get("kind")
    for new_name, new in sorted(added.items()):
        tool = a["tools"].get(new.get("tool"), {})
        if (
            new.get("via") in ("tool", "rename")
            and tool.get("kind") == old_kind
            and set(tool.get("operations") or ()) == old_ops
        ):
            return Change(
                "TOOL_NAME_CHANGED",
                name,
                f'tool "{name}" now answers only as "{new_name}"',
                client,
                ("tool", new["tool"]),
                lock_path,
                removed=True,
                fix=f'declare "{name}" in the aliases of tool "{new["tool"]}"',
            )
    return Change(
        "TOOL_REMOVED",
        name,
        f'tool "{name}" no longer answers',
        client,
        ("tool", entry["tool"]),
        lock_path,
        removed=True,
    )


def _sunset(client: str, name: str, entry: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    old, now = entry.get("sunset"), new.get("sunset")
    if old and now and str(now) < str(old):
        yield Change(
            "SUNSET_MOVED_EARLIER",
            name,
            f'"{name}" now goes away after {now} (was {old})',
            client,
            ("name", name),
            ("clients", client, "names", name),
        )


def _operations(
    client: str, name: str, old: _Call, new: _Call, done: set[tuple[str, ...]]
) -> Iterator[Change]:
    pairs: list[tuple[str, str | None]] = (
        [(next(iter(old.operations)), next(iter(new.operations)))]
        if _single(old)
        else [(op, op if op in new.operations else None) for op in old.operations]
    )
    for op_before, op_after in pairs:
        # an alias or legacy name without renames calls what the tool's own name calls:
        # each (operation, renames) pair is compared once per client
        key: tuple[str, ...] = (old.tool, op_before, str(sorted(old.rename.items())))
        key = (*key, str(op_after), str(sorted(new.rename.items())))
        if key in done:
            continue
        done.add(key)
        if op_after is None:
            yield Change(
                "OPERATION_REMOVED",
                f"{name}.{op_before}",
                f'tool "{name}" has no operation "{op_before}" any more',
                client,
                ("tool", new.tool),
                ("clients", client, "tools", old.tool, "operations", op_before),
                removed=True,
            )
            continue
        subject = name if old.operation or old.kind == "plain" else f"{name}.{op_before}"
        target = ("op", new.tool, op_after)
        base: tuple[str, ...] = (old.tool, op_before, "[]", str(op_after), "[]")
        # the operation itself was compared under the tool's name: only the renames are new here
        only = None
        if base in done and key != base:
            only = {k for k in {*old.rename, *new.rename} if old.rename.get(k) != new.rename.get(k)}
            if not only:
                continue
        yield from _contract(
            client,
            subject,
            target,
            old.operations[op_before],
            new.operations[op_after],
            (old.rename, new.rename),
            only,
        )


def _contract(
    client: str,
    subject: str,
    target: tuple[str, ...],
    b: dict[str, Any],
    a: dict[str, Any],
    renames: tuple[dict[str, str], dict[str, str]],
    only: set[str] | None = None,
) -> Iterator[Change]:
    """Changes of one operation's contract; `only`: report just these arguments' input changes
    (a legacy name's renamed arguments, when the operation was already compared)."""
    ib, ia = _renamed(b["input"], renames[0]), _renamed(a["input"], renames[1])
    lock = ("clients", client)
    for rule, path, message in input_changes(ib, ia, (ib, ia)):
        if only is not None and (not path or path[0] not in only):
            continue
        where = (*target, path[0]) if path else target
        if where[0] == "op" and path:
            where = ("param", *where[1:])
        yield Change(
            rule, ".".join((subject, *path)), f'"{subject}": {message}', client, where, lock
        )
    if only is not None:
        return
    ob, oa = b.get("output"), a.get("output")
    if ob is not None and oa is None:
        yield Change(
            "OUTPUT_SCHEMA_REMOVED",
            subject,
            f'"{subject}" no longer declares its result',
            client,
            target,
            lock,
        )
    elif isinstance(ob, dict) and isinstance(oa, dict):
        for rule, path, message in output_changes(ob, oa, (ob, oa)):
            yield Change(
                rule, ".".join((subject, *path)), f'"{subject}": {message}', client, target, lock
            )
    hb, ha = b.get("annotations") or {}, a.get("annotations") or {}
    for key, good, rule, text in _HINT_RULES:
        was, now = hb.get(key, _HINT_DEFAULTS[key]), ha.get(key, _HINT_DEFAULTS[key])
        if was == good and now != good:
            yield Change(rule, subject, f'"{subject}" {text}', client, target, lock)
