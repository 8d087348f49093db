"""Handlers for the compatibility golden cases: any function name answers, taking any arguments.

The cases only compile (load, validate, lower, resolve); nothing calls these.
"""

from __future__ import annotations

from collections.abc import Callable


def _echo(**kwargs: object) -> dict[str, object]:
    return dict(kwargs)


def __getattr__(name: str) -> Callable[..., dict[str, object]]:
    if name.startswith("__"):
        raise AttributeError(name)
    return _echo
