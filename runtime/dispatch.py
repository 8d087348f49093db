"""Resolve a called name to an operation: master tool + `operation`, plain tool, client rename,
`split: effect` half (`<tool>_read` / `<tool>_write`: a subset of the operations), or legacy name
(accept / list / refuse) with argument renames and fixed arguments (`set`).

A client with `param_rule` renames sends some keys under its own names (`param_keys`: client
key -> declared key); they are mapped back first, so handlers see what other clients send.

A master tool answers only the operations its client's build lists; one the catalog declares but
this client does not see gets an error naming the operations that exist for this client.

Per-tool state (dispatch module, models, breakers, limiter) is built on the tool's first call.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS
from pydantic import BaseModel

from .build import Build
from .excerpt import excerpt
from .policies.breaker import Breaker
from .policies.cache import ResultCache
from .validation import InvalidArguments

MAX_NAME = 128  # the longest tool name MCP allows; longer names get no did-you-mean search


@dataclass(slots=True, eq=False)
class Operation:
    tool: str  # declared tool name
    name: str
    where: str  # 'tool "x" operation "y"', for messages
    call: Callable[..., Any]
    is_async: bool
    input: type[BaseModel]
    output: type[BaseModel] | None
    timeout: float
    breaker: Breaker | None
    cache: ResultCache | None
    invalidates: tuple[tuple[ResultCache, str, tuple[str, ...]], ...]  # (cache, tool, operations)
    limiter: anyio.CapacityLimiter  # the tool's
    limiter_what: str
    streams: bool  # the handler takes `ctx`: it may send progress or logs mid-call
    # `additional_params: allow`: keyword names an undeclared argument may not take
    keywords: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Tool:
    name: str
    visible: str
    ops: dict[str, Operation]
    single: Operation | None  # a plain tool's only operation
    valid_ops: str
    param_keys: Mapping[str, str] | None = None  # client key -> declared key (param_rule)
    hidden: frozenset[str] = frozenset()  # declared operations this client's build leaves out


@dataclass(frozen=True, slots=True)
class Resolved:
    op: Operation
    args: Mapping[str, Any]
    legacy: str | None
    old_names: Mapping[str, str] | None  # declared parameter -> the key this caller used
    fixed: Mapping[str, Any] | None = None  # the legacy name's `set`


def invalid(message: str) -> MCPError:
    """A protocol error (-32602): the called name is not one this build answers."""
    return MCPError(INVALID_PARAMS, message)


def map_keys(arguments: Mapping[str, Any], keys: Mapping[str, str], name: str) -> dict[str, Any]:
    """`arguments` with each key renamed through `keys`; a key sent under both names is refused."""
    out: dict[str, Any] = {}
    for key, value in arguments.items():
        target = keys.get(key, key)
        if target in out:
            raise InvalidArguments(
                f'tool "{excerpt(name)}" got "{excerpt(target)}" twice (also as '
                f'"{excerpt(key)}") — send it once',
                (excerpt(target),),
            )
        out[target] = value
    return out


def _close_match(word: object, pool: Iterable[str], cutoff: float) -> str | None:
    """The pool's name closest to `word`, for a did-you-mean hint. Only a string no longer than a
    tool name can be (MCP: 128 characters) is compared: difflib's cost grows with its length."""
    if not isinstance(word, str) or len(word) > MAX_NAME:
        return None
    close = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return close[0] if close else None


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


@dataclass(frozen=True, slots=True)
class _Legacy:
    tool: str
    operation: str
    rename: dict[str, str]  # key the caller sends -> declared parameter (param_rule, rename)
    old_names: dict[str, str] | None  # declared parameter -> key the caller sends
    fixed: dict[str, Any] | None

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> _Legacy:
        rename = dict(raw.get("rename") or {})
        for client_key, old in (raw.get("param_keys") or {}).items():
            rename[client_key] = rename.pop(old, old)
        old_names = {new: old for old, new in rename.items() if old != new} or None
        return cls(
            raw["tool"],
            raw["operation"],
            {k: v for k, v in rename.items() if k != v},
            old_names,
            dict(raw["set"]) if raw.get("set") else None,
        )


class Dispatcher:
    def __init__(self, build: Build) -> None:
        self.build = build
        self.tools: dict[str, Tool] = {}
        self.caches = {
            name: ResultCache(float(p["ttl"]), int(p["max_entries"]))
            for name, p in build.cache_policies.items()
        }
        self._legacy: dict[str, _Legacy] = {}

    def resolve(self, name: str, arguments: Mapping[str, Any]) -> Resolved:
        declared = self.build.names.get(name)
        subset: tuple[str, ...] | None = None
        if declared is None and name in self.build.split:
            part = self.build.split[name]
            declared, subset = str(part["tool"]), tuple(part["operations"])
        if declared is not None:
            tool = self.tools.get(declared) or self._load(declared)
            old_names = None
            if tool.param_keys:
                arguments = map_keys(arguments, tool.param_keys, name)
                old_names = {new: old for old, new in tool.param_keys.items()}
            if tool.single is not None:
                return Resolved(tool.single, arguments, None, old_names)
            valid = tool.valid_ops if subset is None else _quoted(subset)
            op_name = arguments.get("operation")
            if op_name is None:
                raise InvalidArguments(
                    f'tool "{name}" needs an "operation" argument — one of {valid}',
                    ("operation",),
                )
            op = tool.ops.get(op_name) if isinstance(op_name, str) else None
            if op is None or (subset is not None and op.name not in subset):
                raise self._no_operation(name, tool, op_name, subset or tuple(tool.ops), valid)
            args = {k: v for k, v in arguments.items() if k != "operation"}
            return Resolved(op, args, None, old_names)
        if name in self.build.aliases:
            return self._resolve_alias(name, arguments)
        return self._resolve_legacy(name, arguments)

    def _no_operation(
        self, name: str, tool: Tool, op_name: object, pool: tuple[str, ...], valid: str
    ) -> InvalidArguments:
        """The error for an operation `name` does not answer, naming the ones it does: an
        `isError` result (SEP-1303), like any other argument the model can correct."""
        if isinstance(op_name, str) and op_name in tool.ops:  # a split half: the other half has it
            other = self._split_name(tool.name, op_name) or tool.visible
            return InvalidArguments(
                f'tool "{name}" has no operation "{op_name}" — valid operations: {valid}; '
                f'call "{other}" for "{op_name}"',
                ("operation",),
            )
        if isinstance(op_name, str) and op_name in tool.hidden:
            return InvalidArguments(
                f'operation "{op_name}" of tool "{name}" is not available to this client — '
                f"valid operations: {valid}",
                ("operation",),
            )
        close = _close_match(op_name, pool, 0.6)
        hint = f' (did you mean "{close}"?)' if close else ""
        return InvalidArguments(
            f'tool "{name}" has no operation "{excerpt(op_name)}"{hint} — valid operations: '
            f"{valid}",
            ("operation",),
        )

    def _split_name(self, declared: str, op_name: str) -> str | None:
        """The `split: effect` tool of this build that answers `op_name` of `declared`."""
        for split_name, part in self.build.split.items():
            if part["tool"] == declared and op_name in part["operations"]:
                return split_name
        return None

    def _resolve_alias(self, name: str, arguments: Mapping[str, Any]) -> Resolved:
        """An old name of a whole tool: the same call as by the tool's name. `legacy: refuse`
        refuses flat legacy names only: a client may well have called the tool by this name."""
        declared = str(self.build.aliases[name]["tool"])
        visible = self.build.visible.get(declared, declared)
        found = self.resolve(visible, arguments)
        return Resolved(found.op, found.args, name, found.old_names)

    def _resolve_legacy(self, name: str, arguments: Mapping[str, Any]) -> Resolved:
        entry = self._legacy.get(name)
        if entry is None:
            raw = self.build.legacy.get(name)
            if raw is None:
                raise self._unknown(name)
            entry = _Legacy.of(raw)
            self._legacy[name] = entry
        declared, op_name = entry.tool, entry.operation
        rename, old_names = entry.rename, entry.old_names
        tool = self.tools.get(declared) or self._load(declared)
        if self.build.legacy_mode == "refuse":
            target = self._split_name(declared, op_name) or tool.visible
            replacement = (
                f'"{target}"'
                if tool.single is not None
                else f'"{target}" with "operation": "{op_name}"'
            )
            raise invalid(f'tool "{name}" was retired — call {replacement} instead')
        args = map_keys(arguments, rename, name) if rename else arguments
        return Resolved(tool.ops[op_name], args, name, old_names, entry.fixed)

    def _unknown(self, name: str) -> MCPError:
        listed = [str(t["name"]) for t in self.build.tools_list().get("tools", [])]
        pool = [*self.build.names, *listed]  # a master name answers even when split
        close = _close_match(name, pool, 0.5)
        hint = f' — did you mean "{close}"?' if close else " — list the tools to see names"
        return invalid(f'unknown tool "{excerpt(name)}"{hint}')

    def _cache_policy(self, tool: str, operation: str) -> str | None:
        """The cache policy of a tool's operation in this build; None when it has none."""
        table = self.build.tools.get(tool)
        spec = table["operations"].get(operation, {}) if table else {}
        policy = spec.get("cache")
        return str(policy) if policy else None

    def _load(self, declared: str) -> Tool:
        """Import the tool's dispatch module and build its operations (first call only)."""
        table = self.build.tools[declared]
        entries = self.build.dispatch_module(declared).OPERATIONS
        visible = self.build.visible.get(declared, declared)
        limiter = anyio.CapacityLimiter(int(table.get("max_concurrency") or 32))
        what = f'tool "{visible}"'
        op_tables: dict[str, dict[str, Any]] = table["operations"]
        ops: dict[str, Operation] = {}
        for op_name, spec in op_tables.items():
            entry = entries[op_name]
            breaker = None
            if spec.get("breaker"):
                p = self.build.breaker_policies[spec["breaker"]]
                breaker = Breaker(
                    p["failure_threshold"],
                    p["reset_timeout"],
                    p.get("half_open_max_calls", 1),
                    p.get("count"),
                )
            groups: dict[tuple[str, str], list[str]] = {}  # (policy, tool) -> operations
            targets = [(declared, t) for t in spec.get("invalidates") or ()]
            for other, names in (spec.get("invalidates_tools") or {}).items():
                targets.extend((other, t) for t in names)
            for target_tool, target in targets:
                policy = self._cache_policy(target_tool, target)
                if policy:
                    groups.setdefault((policy, target_tool), []).append(target)
            timeout = spec.get("timeout")
            ops[op_name] = Operation(
                keywords=frozenset(entry.get("keywords") or ()),
                tool=declared,
                name=op_name,
                where=(
                    f'tool "{visible}"'
                    if table["kind"] == "plain"
                    else f'tool "{visible}" operation "{op_name}"'
                ),
                call=entry["call"],
                is_async=bool(entry["is_async"]),
                input=entry["input"],
                output=entry.get("output"),
                timeout=float(timeout) if timeout else float("inf"),
                breaker=breaker,
                cache=self.caches[spec["cache"]] if spec.get("cache") else None,
                invalidates=tuple(
                    (self.caches[policy], target_tool, tuple(names))
                    for (policy, target_tool), names in groups.items()
                ),
                limiter=limiter,
                limiter_what=what,
                streams=bool(entry.get("streams")),
            )
        single = next(iter(ops.values())) if table["kind"] == "plain" else None
        tool = Tool(
            name=declared,
            visible=visible,
            ops=ops,
            single=single,
            valid_ops=_quoted(ops),
            param_keys=dict(table.get("param_keys") or {}) or None,
            hidden=frozenset(entries) - frozenset(ops),
        )
        self.tools[declared] = tool
        return tool
