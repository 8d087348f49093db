"""Batch calls (`batch:` on a master tool): the policy, and which operations a batch may run.

`batch: {max_items, writes}` on a master tool (or in `defaults`) adds operation "batch": one call
carries `calls: [{operation, arguments}]` (and `stop_on_error`), every item is validated before
any runs, and the result holds one entry per item (README: "Batch calls"). The runtime half
lives in `runtime/batch/`; this package decides the policy (`policy`), what a client's listing
shows (`listing.with_batch`), the runtime table (`table.batch_table`) and the rules (`rules`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from ..ir import BatchPolicy, Operation, Span, Tool

BATCH: Final = "batch"  # the operation's name
CALLS: Final = "calls"
STOP_ON_ERROR: Final = "stop_on_error"
RESERVED_PARAMS: Final = (CALLS, STOP_ON_ERROR)  # a flat listing puts these beside the params
DEFAULT_MAX_ITEMS: Final = 50
DEFAULT_WRITES: Final = "ordered"

__all__ = [
    "BATCH",
    "CALLS",
    "DEFAULT_MAX_ITEMS",
    "RESERVED_PARAMS",
    "STOP_ON_ERROR",
    "batch_operations",
    "policy",
]


def policy(own: Any, default: Any, span: Span) -> BatchPolicy | None:
    """A master tool's batch policy from its `batch` (`own`, absent: None) and `defaults.batch`.

    `true` means the defaults (50 items, ordered writes); `false` turns batching off, also when
    `defaults` turns it on. An object sets `max_items` and `writes`.
    """
    chosen = default if own is None else own
    if chosen is None or chosen is False:
        return None
    data = chosen if isinstance(chosen, dict) else {}
    return BatchPolicy(
        max_items=int(data.get("max_items", DEFAULT_MAX_ITEMS)),
        writes=data.get("writes", DEFAULT_WRITES),
        span=span,
    )


def batch_operations(
    tool: Tool, operations: Iterable[Operation] | None = None
) -> tuple[Operation, ...]:
    """The operations a batch of `tool` may run, declaration order: all of `operations` (default:
    the tool's), or only the reads under `writes: refuse`; () when the tool does not batch."""
    if tool.batch is None or tool.kind != "master":
        return ()
    ops = tuple(tool.operations if operations is None else operations)
    if tool.batch.writes == "refuse":
        return tuple(op for op in ops if op.effect == "read")
    return ops
