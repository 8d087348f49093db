"""MCP host config snippets with absolute paths: `<server>-<client> config [HOST]`.

GUI hosts (Cursor, Claude Desktop, VS Code) do not inherit the shell's PATH, so a snippet with a
bare command name fails there with `spawn ENOENT`. An installed client build prints its snippet
itself, naming the interpreter of the environment it is installed in by absolute path
(`/…/venvs/bmad-cursor/bin/python -m bmad_cursor`), which starts wherever the host runs.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from typing import Any

# host -> (where its snippet goes)
HOSTS: dict[str, str] = {
    "cursor": "merge into .cursor/mcp.json (or ~/.cursor/mcp.json for all projects)",
    "claude-code": "merge into .mcp.json at the project root",
    "claude-desktop": "merge into claude_desktop_config.json (Settings > Developer > Edit Config)",
    "vscode": 'merge into .vscode/mcp.json (note the top-level "servers" key)',
    "windsurf": "merge into ~/.codeium/windsurf/mcp_config.json",
    "generic": 'any other host with an "mcpServers" config (Cline, ...)',
    "command": "the stdio command line, e.g. claude mcp add NAME -- $(... config command)",
}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def snippet(host: str, server: str, command: Sequence[str]) -> str:
    """HOST's config snippet that starts `command` (absolute executable first) over stdio."""
    exe, args = command[0], list(command[1:])
    if host == "vscode":
        return _json({"servers": {server: {"type": "stdio", "command": exe, "args": args}}})
    if host == "command":
        return shlex.join(command) + "\n"
    if host in ("claude-code", "generic"):
        entry = {"type": "stdio", "command": exe, "args": args}
        return _json({"mcpServers": {server: entry}})
    return _json({"mcpServers": {server: {"command": exe, "args": args}}})


def config_main(server: str, command: Sequence[str], argv: Sequence[str]) -> int:
    """`config [HOST]`: print HOST's snippet (default generic) to stdout."""
    host = argv[0] if argv else "generic"
    if host in ("-h", "--help") or host not in HOSTS or len(argv) > 1:
        lines = [f"  {name:15} {where}" for name, where in HOSTS.items()]
        out = sys.stdout if host in ("-h", "--help") else sys.stderr
        out.write("usage: config [HOST]   print HOST's MCP config snippet; HOST is one of:\n")
        out.write("\n".join(lines) + "\n")
        return 0 if out is sys.stdout else 2
    sys.stdout.write(snippet(host, server, command))
    return 0
