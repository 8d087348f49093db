"""Short excerpts of caller input for error messages: no error echoes unbounded input.

A caller controls tool names, operation names, argument keys and values; an error that quotes one
quotes at most `LIMIT` characters of it, then says how long it was.
"""

from __future__ import annotations

from typing import Final

LIMIT: Final = 64


def excerpt(value: object, limit: int = LIMIT) -> str:
    """`value` as text, cut to `limit` characters (a cut one ends with `…` and its length)."""
    text = value if isinstance(value, str) else _text(value, limit)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def _text(value: object, limit: int) -> str:
    """str() of a non-string, without rendering more of a large container than is shown."""
    if isinstance(value, dict) and len(value) > limit:
        return f"an object of {len(value)} members"
    if isinstance(value, list | tuple) and len(value) > limit:
        return f"an array of {len(value)} items"
    return str(value)
