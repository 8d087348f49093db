"""How a master tool's operations are grouped for one client, and whether its hints hold.

MCP annotations are per tool, so a master tool mixing reads and writes can only say
`readOnlyHint: false` for all of them. `split: effect` lists such a tool as `<tool>_read` (every
read operation) and `<tool>_write` (the rest); both, the master name and the legacy names answer.
A client that does not split gets W005 when a master tool's merged hints misstate some of the
operations it sees.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, Note, error
from .ir import Catalog, ClientBuild, ClientProfile, Operation, Tool

READ_SUFFIX = "_read"
WRITE_SUFFIX = "_write"


def hints(operations: Iterable[Operation]) -> dict[str, bool]:
    """The annotations that hold for every one of `operations` (MCP's conservative reading).

    `openWorldHint` is listed only when some operation declares `open_world`; an operation that
    does not counts as open (MCP's default).
    """
    ops = tuple(operations)
    out = {
        "readOnlyHint": all(op.effect == "read" for op in ops),
        "destructiveHint": any(op.effect == "destructive" for op in ops),
        "idempotentHint": all(op.idempotent for op in ops),
    }
    if any(op.open_world is not None for op in ops):
        out["openWorldHint"] = any(op.open_world is not False for op in ops)
    return out


def halves(tool: Tool, profile: ClientProfile) -> tuple[tuple[str, tuple[Operation, ...]], ...]:
    """(suffix, operations) of the tools `tool` lists as under `split: effect`; () when it is
    listed whole (a plain tool, no split, or operations that all share read/non-read)."""
    if profile.split != "effect" or tool.kind != "master":
        return ()
    reads = tuple(op for op in tool.operations if op.effect == "read")
    rest = tuple(op for op in tool.operations if op.effect != "read")
    if not reads or not rest:
        return ()
    return ((READ_SUFFIX, reads), (WRITE_SUFFIX, rest))


def half_title(tool: Tool, suffix: str, ops: tuple[Operation, ...]) -> str | None:
    """A split tool's title: its only operation's title, else the tool's with (read)/(write)."""
    if len(ops) == 1 and ops[0].title:
        return ops[0].title
    if tool.title is None:
        return None
    return f"{tool.title} ({suffix.lstrip('_')})"


def misstated(tool: Tool) -> tuple[Operation, ...]:
    """The operations whose own read-only or destructive hint differs from the tool's merged one."""
    if tool.kind != "master":
        return ()
    merged = hints(tool.operations)
    out: list[Operation] = []
    for op in tool.operations:
        own = hints((op,))
        if any(own[k] != merged[k] for k in ("readOnlyHint", "destructiveHint")):
            out.append(op)
    return tuple(out)


def check_hints(tools: Iterable[Tool], profile: ClientProfile) -> list[Diagnostic]:
    """W005: one warning per client that lists master tools whose hints misstate operations."""
    if profile.split == "effect":
        return []
    notes: list[Note] = []
    for tool in tools:
        wrong = misstated(tool)
        if wrong:
            names = ", ".join(f'"{op.name}" ({op.effect})' for op in wrong)
            notes.append(
                Note(
                    tool.span,
                    f'"{tool.name}" is listed {_describe(hints(tool.operations))}, '
                    f"which misstates {names}.",
                )
            )
    if not notes:
        return []
    count = "1 master tool whose" if len(notes) == 1 else f"{len(notes)} master tools whose"
    return [
        Diagnostic(
            profile.span,
            "W005",
            f'client "{profile.name}" lists {count} merged hints misstate some operations — '
            f'set "split: effect" in {profile.path} to list reads and writes apart.',
            tuple(notes),
        )
    ]


def _describe(merged: dict[str, bool]) -> str:
    read = str(merged["readOnlyHint"]).lower()
    destructive = str(merged["destructiveHint"]).lower()
    return f"readOnlyHint: {read}, destructiveHint: {destructive}"


def check_split_names(catalog: Catalog, build: ClientBuild) -> list[Diagnostic]:
    """E027: a split tool's name is already a declared tool or a legacy name (which answer too)."""
    taken = {t.name: f'tool "{t.name}"' for t in catalog.tools}
    for tool in catalog.tools:
        for op in tool.operations:
            for old in op.legacy:
                taken[old.name] = f'a legacy name of tool "{tool.name}"'
    taken.update({new: f'tool "{old}" renamed' for old, new in build.profile.rename})
    diags: list[Diagnostic] = []
    for entry in build.exposed:
        if entry.operations and entry.name in taken:
            declared = catalog.tool(entry.tool)
            assert declared is not None, entry.tool
            diags.append(
                error(
                    build.profile.span,
                    "E027",
                    f'client "{build.profile.name}" splits tool "{entry.tool}" into '
                    f'"{entry.name}", which is already {taken[entry.name]}',
                    f'rename "{entry.tool}" for this client in {build.profile.path}',
                    Note(declared.span, f'"{entry.tool}" is declared here.'),
                )
            )
    return diags
