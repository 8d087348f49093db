"""A handler module whose import fails: it needs a package that is not installed."""

from __future__ import annotations

import toolc_golden_missing_dependency  # type: ignore[import-not-found]  # noqa: F401


def add(text: str) -> str:
    return text
