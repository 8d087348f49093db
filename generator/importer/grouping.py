"""Propose master tools from flat tool names.

The rule, per name (see `names.read`): words split at `_`, `-`, `.` and camelCase; a verb
first (`create_issue`), last (`issue_create`) or after a namespace (`jira_create_issue`) is the
operation's verb, the rest are nouns, compared in the singular. Candidate group keys are the
namespace plus the first 1, 2, ... nouns; each name takes the candidate most names share, the
longer one on a tie (`get_pull_request_files` joins `pull_request`, not `pull`), and a key
only one name has is no group; without a shared candidate, the last noun (a shared suffix:
`get_latest_release` joins `releases`), then the namespace alone. The group is named by its
key with the last word in the plural (`issues`, `jira_issues`); an operation is named by the
words of the original name that are not the key (`create`, `add_comment`).

Then, the tools that agree with most of their group first, then by name: a tool whose
parameter conflicts with one already in its group (same name, a schema that differs beyond
description/title/examples) moves to the next group of the same key (`issues_2`) it fits; a
tool with a parameter named `operation` stays a plain tool; a group of one is a plain tool
under its original name. Every such decision is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .names import Reading, namespaces, plural, read, singular, words

ANNOTATION_KEYS = frozenset({"description", "title", "examples", "$comment"})
_OP_SAFE = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True, slots=True)
class Member:
    operation: str  # operation name in the group ("" for a plain tool)
    original: str  # the original tool name


@dataclass(frozen=True, slots=True)
class Group:
    name: str  # the draft's tool name
    members: tuple[Member, ...]

    @property
    def plain(self) -> bool:
        return len(self.members) == 1 and self.members[0].operation == ""


@dataclass(frozen=True, slots=True)
class Proposal:
    groups: tuple[Group, ...]
    notes: tuple[tuple[str, str], ...] = field(default=())  # (code, message)


def _strip(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items() if k not in ANNOTATION_KEYS}
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


def conflicts(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Parameter names both declare with schemas that differ beyond annotations."""
    return sorted(n for n in a.keys() & b.keys() if _strip(a[n]) != _strip(b[n]))


def _choose_key(reading: Reading, support: dict[tuple[str, ...], int]) -> tuple[str, ...] | None:
    """The candidate most names share (the longer on a tie); else the last noun (a shared
    suffix: `get_latest_release` joins `releases`); else the namespace alone."""
    best: tuple[str, ...] | None = None
    for key in reading.candidates():
        if support.get(key, 0) < 2:
            continue
        if best is None or support[key] >= support[best]:
            best = key
    if best is None:
        for key in reading.fallbacks():
            if support.get(key, 0) >= 2:
                return key
    return best


def group_name(key: tuple[str, ...]) -> str:
    return "_".join((*key[:-1], plural(key[-1])))


def operation_name(reading: Reading, key: tuple[str, ...]) -> str:
    """The original's words without the key's words (first match each), joined by `_`."""
    left = list(key)
    kept: list[str] = []
    for word in reading.words:
        if left and singular(word) == left[0]:
            left.pop(0)
            continue
        kept.append(word)
    name = _OP_SAFE.sub("_", "_".join(kept)).strip("_")
    return name or "run"


def _op_name_for(original: str, group: str) -> str:
    """An operation name under a group given by --group-map: the words not in the group name."""
    gw = {singular(w) for w in words(group)}
    kept = [w for w in words(original) if singular(w) not in gw]
    return _OP_SAFE.sub("_", "_".join(kept)).strip("_") or "run"


def _assign(
    order: list[str],
    wanted: dict[str, tuple[str, str]],
    params: Mapping[str, Mapping[str, Any]],
    notes: list[tuple[str, str]],
) -> dict[str, list[tuple[str, str]]]:
    """Place each tool in its wanted group, or the next numbered one its parameters fit. Tools
    that agree with more of their group are placed first, so the majority keeps the name."""
    agree: dict[str, int] = {}
    for original, (base, _) in wanted.items():
        agree[original] = sum(
            1
            for other, (b, _) in wanted.items()
            if b == base and other != original and not conflicts(params[original], params[other])
        )
    order = sorted(order, key=lambda n: (-agree.get(n, 0), n))
    bins: dict[str, list[tuple[str, str]]] = {}
    merged: dict[str, dict[str, Any]] = {}
    for original in order:
        target = wanted.get(original)
        if target is None or "operation" in params[original]:
            if target is not None:
                notes.append(
                    (
                        "W092",
                        f'"{original}" has a parameter named "operation", which picks the '
                        "operation of a master tool — it stays a plain tool instead of "
                        f'joining "{target[0]}"',
                    )
                )
            bins.setdefault(f"\0{original}", []).append(("", original))
            continue
        base, op = target
        n = 1
        while True:
            name = base if n == 1 else f"{base}_{n}"
            clash = conflicts(merged.get(name, {}), params[original])
            if not clash:
                break
            if n == 1:
                notes.append(
                    (
                        "W092",
                        f'"{original}" declares {", ".join(repr(c) for c in clash)} unlike '
                        f'another tool of "{base}" — it goes to a group of its own',
                    )
                )
            n += 1
        bins.setdefault(name, []).append((op, original))
        merged.setdefault(name, {}).update(params[original])
    return bins


def _unique_ops(
    name: str, members: list[tuple[str, str]], notes: list[tuple[str, str]]
) -> list[Member]:
    seen: dict[str, str] = {}
    out: list[Member] = []
    for op, original in members:
        final = op
        if final in seen:
            final = _OP_SAFE.sub("_", "_".join(words(original))).strip("_") or "run"
            k = 2
            while final in seen:
                final = f"{op}_{k}"
                k += 1
            notes.append(
                (
                    "W093",
                    f'"{original}" and "{seen[op]}" both become operation "{op}" of "{name}" — '
                    f'"{original}" is operation "{final}"',
                )
            )
        seen[final] = original
        out.append(Member(final, original))
    return out


def propose(
    tools: Mapping[str, Mapping[str, Any]],
    *,
    group_map: Mapping[str, str] | None = None,
    no_group: bool = False,
) -> Proposal:
    """Group tools (original name -> parameter schemas by name), in name order."""
    order = sorted(tools)
    notes: list[tuple[str, str]] = []
    wanted: dict[str, tuple[str, str]] = {}
    if group_map is not None:
        for original in order:
            group = group_map.get(original)
            if group:
                wanted[original] = (group, _op_name_for(original, group))
    elif not no_group:
        spaces = namespaces(order)
        readings = {n: read(n, spaces) for n in order}
        support: dict[tuple[str, ...], int] = {}
        for r in readings.values():
            for key in {*r.candidates(), *r.fallbacks()}:
                support[key] = support.get(key, 0) + 1
        for original, r in readings.items():
            chosen = _choose_key(r, support)
            if chosen is not None:
                wanted[original] = (group_name(chosen), operation_name(r, chosen))
    bins = _assign(order, wanted, tools, notes)
    taken = set(tools)
    groups: list[Group] = []
    for name, unsorted in bins.items():
        members = sorted(unsorted, key=lambda m: m[1])
        if name.startswith("\0") or len(members) == 1:
            groups.append(Group(members[0][1], (Member("", members[0][1]),)))
            continue
        final = name
        if final in taken:
            final = f"{name}_tools"
            notes.append(
                ("W093", f'group "{name}" is also an original tool name — it is named "{final}"')
            )
        taken.add(final)
        groups.append(Group(final, tuple(_unique_ops(final, members, notes))))
    groups.sort(key=lambda g: g.name)
    return Proposal(tuple(groups), tuple(notes))
