"""toolc runtime: serve one client build over MCP. Installed as `toolc.runtime`.

This folder is imported only as `toolc.runtime` (its modules import each other relatively): a
second name would load every module twice, and an `except ToolError` would miss the other copy.
"""

if __name__ != "toolc.runtime":
    raise ImportError(
        f'toolc\'s runtime is imported as "toolc.runtime", not "{__name__}" — '
        "use `toolc serve` or `from toolc import ToolError`."
    )
