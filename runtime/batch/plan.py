"""Check a batch call before anything runs: its own arguments, then every item, in order.

Each item is resolved and validated exactly as the single call `{"operation": op, **arguments}`
by the same name would be (`Dispatcher.resolve`, the operation's generated Input model,
`check_extra`), so a batch accepts precisely the items single calls accept. The first problem
raises `InvalidArguments` naming the item's index (`calls[6]`, 0-based) and the field; nothing
has run at that point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..dispatch import Dispatcher, Operation
from ..excerpt import excerpt
from ..validation import InvalidArguments, check_extra, validate

BATCH: Final = "batch"
CALLS: Final = "calls"
STOP_ON_ERROR: Final = "stop_on_error"
_KEYS: Final = frozenset({"operation", CALLS, STOP_ON_ERROR})
_ITEM_KEYS: Final = frozenset({"operation", "arguments"})


@dataclass(frozen=True, slots=True)
class Item:
    index: int
    op: Operation
    arguments: dict[str, Any]  # the single call's arguments, "operation" included


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[Item, ...]
    stop_on_error: bool


def _refuse(where: str, field: str, problem: str) -> InvalidArguments:
    return InvalidArguments(
        f'invalid arguments for {where}, nothing ran: "{field}": {problem}', (field,)
    )


def plan(
    dispatcher: Dispatcher, name: str, arguments: Mapping[str, Any], spec: Mapping[str, Any]
) -> Plan:
    """The checked items of a batch call by `name` (its BATCH table entry: `spec`)."""
    where = f'tool "{excerpt(name)}" operation "{BATCH}"'
    for key in arguments:
        if key not in _KEYS:
            raise _refuse(
                where, excerpt(key), "unknown parameter of a batch (calls, stop_on_error)"
            )
    stop = arguments.get(STOP_ON_ERROR, False)
    if not isinstance(stop, bool):
        raise _refuse(where, STOP_ON_ERROR, "should be true or false")
    calls = arguments.get(CALLS)
    if not isinstance(calls, list) or not calls:
        raise _refuse(
            where, CALLS, 'should be a non-empty list of {"operation": ..., "arguments": {...}}'
        )
    limit = int(spec["max_items"])
    if len(calls) > limit:
        raise _refuse(
            where,
            CALLS,
            f"{len(calls)} items, this tool takes at most {limit} per batch — split the list "
            "into several batch calls",
        )
    allowed: list[str] = list(spec["operations"])
    items = tuple(_item(dispatcher, name, where, i, raw, allowed) for i, raw in enumerate(calls))
    return Plan(items, stop)


def _item(
    dispatcher: Dispatcher, name: str, where: str, index: int, raw: Any, allowed: list[str]
) -> Item:
    at = f"{CALLS}[{index}]"
    if not isinstance(raw, dict):
        raise _refuse(where, at, 'should be an object {"operation": ..., "arguments": {...}}')
    for key in raw:
        if key not in _ITEM_KEYS:
            raise _refuse(
                where, f"{at}.{excerpt(key)}", 'unknown key of an item ("operation", "arguments")'
            )
    op_name = raw.get("operation")
    if op_name == BATCH:
        raise _refuse(where, f"{at}.operation", "a batch cannot contain a batch")
    if not isinstance(op_name, str) or op_name not in allowed:
        valid = ", ".join(f'"{n}"' for n in allowed)
        raise _refuse(
            where,
            f"{at}.operation",
            f'"{excerpt(op_name)}" cannot run in this batch — one of {valid}',
        )
    args = raw.get("arguments", {})
    if not isinstance(args, dict):
        raise _refuse(where, f"{at}.arguments", "should be an object of the operation's parameters")
    if "operation" in args:
        raise _refuse(
            where, f"{at}.arguments.operation", 'goes beside "arguments", not inside them'
        )
    single = {**args, "operation": op_name}
    try:
        found = dispatcher.resolve(name, single)
        model, _ = validate(found.op.input, found.args, found.op.where, found.old_names)
        if found.op.keywords:
            check_extra(model, found.op.keywords, found.op.where)
    except InvalidArguments as exc:
        raise InvalidArguments(
            f"invalid batch, nothing ran: {at} ({op_name}): {exc.message}",
            tuple(f"{at}.arguments.{f}" for f in exc.fields),
        ) from None
    return Item(index, found.op, single)
