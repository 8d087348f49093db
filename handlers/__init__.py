"""The example catalog's real implementations: the functions `tools.yaml` points at.

State lives in one embedded SQLite database (see `handlers.store`); nothing is kept only in
memory. Handlers never write to stdout (it is the MCP stdio channel); they raise
`runtime.errors.ToolError` for every expected failure.
"""
