"""The flat dialect's operation guide: what a master tool's description adds about its operations
that the flat schema (the union of their parameters) cannot say (see `operation_guide`)."""

from __future__ import annotations

import re

from .ir import Operation, Tool

# Words a description may add to an operation's name without saying more than the name does.
_FILLER = frozenset(
    (
        "a",
        "an",
        "the",
        "of",
        "to",
        "by",
        "for",
        "in",
        "on",
        "and",
        "or",
        "it",
        "its",
        "this",
        "that",
        "one",
        "all",
        "given",
        "from",
        "with",
    )
)


def says_more(op: Operation, tool: Tool) -> bool:
    """Whether the operation's description says more than the names its guide line already shows
    (the operation's, the tool's name and title, the operation's parameters)."""
    if not op.description:
        return False
    named = [op.name, tool.name, tool.title or "", *(p.name for p in op.params)]
    known = {w for text in named for w in _words(text)}
    return any(w not in known and w not in _FILLER for w in _words(op.description))


def _words(text: str) -> list[str]:
    """Lower-case words, plurals and possessives folded ("tasks", "task's" -> "task")."""
    return [_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w != "s"]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def operation_guide(tool: Tool, describe: str) -> str:
    """The lines a flat master tool's description adds about its operations ("" for none).

    A header naming the notation, then one line per operation that needs one,
    `- NAME(PARAMS): DESCRIPTION`:
    - `(PARAMS)` lists exactly the parameters the operation takes, `*` marking required ones;
      `()`: it takes none. `compact`: an operation that takes every parameter of the tool lists
      only its required ones and `...` ("the others"), or with none required has no parentheses.
    - `: DESCRIPTION` follows when the description says more than the operation's name
      (`says_more`).
    `compact` leaves out the lines that would say nothing beyond the operation's name (it takes
    every parameter, none required: the schema says so), and writes no guide when no line is
    left; `full` writes every operation with its whole parameter list and description; `names`
    writes no guide (the `operation` enum lists the names, and the runtime's errors name a
    missing or unknown parameter).
    """
    if describe == "names" or tool.kind != "master":
        return ""
    every = sorted({p.name for op in tool.operations for p in op.params})
    full = describe == "full"
    lines: list[str] = []
    rest = starred = False
    for op in tool.operations:
        if not full and sorted(p.name for p in op.params) == every:
            required = [f"{r}*" for r in op.required]
            rest = rest or bool(required)
            sig = f"({', '.join([*required, '...'])})" if required else ""
        else:
            sig = "(" + ", ".join(p.name + ("*" if p.required else "") for p in op.params) + ")"
        starred = starred or "*" in sig
        line = f"- {op.name}{sig}"
        if op.description and (full or says_more(op, tool)):
            line += ": " + op.description
        if full or line != f"- {op.name}":
            lines.append(line)
    if not lines:
        return ""  # every operation takes every parameter, none required, nothing to add
    notes = ["* required"] if starred or full else []
    if rest:
        notes.append("... the others")
    header = f"Operations ({'; '.join(notes)}):" if notes else "Operations:"
    return header + "\n" + "\n".join(lines)
