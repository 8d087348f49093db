"""The release changelog: what changed between two locks, per client, in Markdown.

Sections per client: added (tools, operations, parameters), deprecated (old names that answer
with a sunset), removed, and the migration table from every old name to the call that replaces it.
"""

from __future__ import annotations

from typing import Any


def _ops(client: dict[str, Any], name: str) -> dict[str, Any]:
    entry = client["names"].get(name) or {}
    tool = client["tools"].get(entry.get("tool"), {})
    ops: dict[str, Any] = tool.get("operations") or {}
    return ops


def _visible(client: dict[str, Any], tool: str) -> str:
    for name, entry in sorted(client["names"].items()):
        if entry.get("tool") == tool and entry.get("via") == "tool":
            return str(name)
    return tool


def _call(client: dict[str, Any], entry: dict[str, Any]) -> str:
    visible = _visible(client, entry["tool"])
    kind = client["tools"].get(entry["tool"], {}).get("kind")
    if entry.get("via") == "alias" or (kind == "plain"):
        call = f"`{visible}`"
    else:
        call = f'`{visible}` with `operation: "{entry.get("operation")}"`'
    renames = ", ".join(f"`{o}` → `{n}`" for o, n in sorted((entry.get("rename") or {}).items()))
    return call + (f" (arguments: {renames})" if renames else "")


def _client(name: str, b: dict[str, Any] | None, a: dict[str, Any]) -> list[str]:
    before_names = (b or {}).get("names") or {}
    added, deprecated, removed = [], [], []
    for n, e in sorted(a["names"].items()):
        if e.get("via") in ("tool", "rename") and n not in before_names:
            added.append(f"- tool `{n}`")
        elif e.get("via") == "tool" and b is not None:
            for op in sorted(set(_ops(a, n)) - set(_ops(b, n))):
                added.append(f"- operation `{n}` `{op}`")
        if e.get("via") in ("legacy", "alias"):
            old = before_names.get(n) or {}
            if n not in before_names or old.get("sunset") != e.get("sunset"):
                when = f", removed after {e['sunset']}" if e.get("sunset") else ""
                deprecated.append(f"- `{n}`: use {_call(a, e)}{when}")
    for n, e in sorted(before_names.items()):
        if n not in a["names"]:
            removed.append(
                f"- `{n}` ({'tool' if e.get('via') in ('tool', 'rename') else e.get('via')})"
            )
        elif b is not None and e.get("via") == "tool":
            for op in sorted(set(_ops(b, n)) - set(_ops(a, n))):
                removed.append(f"- operation `{n}` `{op}`")
    lines = [f"## {name}", ""]
    for title, items in (("Added", added), ("Deprecated", deprecated), ("Removed", removed)):
        lines += [f"### {title}", "", *(items or ["- nothing"]), ""]
    olds = sorted((n, e) for n, e in a["names"].items() if e.get("via") in ("legacy", "alias"))
    if olds:
        lines += [
            "### Migration",
            "",
            "| old name | call instead | sunset |",
            "| --- | --- | --- |",
        ]
        lines += [f"| `{n}` | {_call(a, e)} | {e.get('sunset') or '-'} |" for n, e in olds]
        lines.append("")
    return lines


def changelog(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """Markdown: one section per client of `after` (and a line per client that is gone)."""
    was = (before or {}).get("server", {}).get("version")
    now = after["server"]["version"]
    head = f"# {after['server']['name']} {now}"
    lines = [head, "", f"Changes since {was}." if was else "First locked release.", ""]
    clients_before = (before or {}).get("clients") or {}
    for name, client in sorted(after["clients"].items()):
        lines += _client(name, clients_before.get(name), client)
    for name in sorted(set(clients_before) - set(after["clients"])):
        lines += [f"## {name}", "", "Client removed.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
