"""toolc's public API for handlers: the names this module exports stay stable across versions.

    from toolc import ToolContext, ToolError, TransientError
    from toolc import Audio, Image, Resource, Text   # rich MCP content a handler may return
    from toolc import MISSING, Missing               # an omitted nullable argument

`ToolError(message)`: an expected failure; the caller gets an `isError` result whose text is
exactly `message`. `TransientError` (or `ToolError(message, transient=True)`): a failing
dependency, which also counts toward the circuit breaker. `ToolContext`: what a handler that
declares a `ctx` parameter receives (progress, logging, SSE stream control). Nothing else under
`toolc.runtime` is promised. `MISSING` (of type `Missing`): what a handler receives for an
optional nullable argument the caller omitted, where `None` means the caller sent `null`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolc.runtime.errors import ToolError, TransientError
from toolc.runtime.missing import MISSING, Missing

if TYPE_CHECKING:
    from toolc.runtime.content import Audio, Image, Resource, Text
    from toolc.runtime.context import ToolContext

__version__ = "0.1.0"
__all__ = [
    "MISSING",
    "Audio",
    "Image",
    "Missing",
    "Resource",
    "Text",
    "ToolContext",
    "ToolError",
    "TransientError",
    "__version__",
]

# These pull in the MCP SDK: they load on first use, so `from toolc import ToolError` (and the
# compiler, which imports handler modules to check them) stays light.
_LAZY = {
    "ToolContext": "toolc.runtime.context",
    "Audio": "toolc.runtime.content",
    "Image": "toolc.runtime.content",
    "Resource": "toolc.runtime.content",
    "Text": "toolc.runtime.content",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolc' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
