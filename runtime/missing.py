"""`MISSING`: what a handler receives for a nullable argument the caller did not send.

For a parameter that is optional, has no schema `default` and whose schema accepts `null`, the
handler tells the three cases apart: a value, `None` (the caller sent `null`) and `MISSING` (the
caller omitted it). `MISSING` is falsy; test it with `is MISSING`, which narrows the type of a
parameter annotated `str | Missing | None`.
"""

from __future__ import annotations

import enum
from typing import Final, Literal


class Missing(enum.Enum):
    MISSING = "MISSING"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing.MISSING
