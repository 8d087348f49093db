"""The files next to each wheel: MCP host config snippets and README.txt.

Every snippet launches the console script the wheel installs, over stdio. Hosts with a known
config format get theirs when the client profile is named after them (`cursor`, `claude-code`,
`vscode`, ...); every client also gets the generic stdio command, which any other host takes.
"""

from __future__ import annotations

import json
from typing import Any

from generator.dist_plan import Plan

# Client profile name -> the host config formats it gets besides the generic one.
HOSTS: dict[str, tuple[str, ...]] = {
    "cursor": ("cursor",),
    "claude-code": ("claude-code",),
    "claude": ("claude-code",),
    "vscode": ("vscode",),
    "vs-code": ("vscode",),
    "copilot": ("vscode",),
    "windsurf": ("windsurf",),
}


def _json(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def snippets(plan: Plan) -> dict[str, bytes]:
    """File name -> content of every snippet for this client."""
    name, command = plan.server, plan.script
    files: dict[str, bytes] = {
        "stdio-command.txt": f"{command}\n".encode(),
        "mcp-servers.json": _json(
            {"mcpServers": {name: {"command": command, "args": [], "type": "stdio"}}}
        ),
    }
    for host in HOSTS.get(plan.client, ()):
        if host == "cursor":
            files["cursor-mcp.json"] = _json(
                {"mcpServers": {name: {"command": command, "args": []}}}
            )
        elif host == "claude-code":
            files["claude-code-mcp.json"] = _json(
                {"mcpServers": {name: {"type": "stdio", "command": command, "args": [], "env": {}}}}
            )
            files["claude-mcp-add.txt"] = (
                f"claude mcp add --transport stdio --scope project {name} -- {command}\n"
            ).encode()
        elif host == "windsurf":
            files["windsurf-mcp-config.json"] = _json(
                {"mcpServers": {name: {"command": command, "args": []}}}
            )
        elif host == "vscode":
            files["vscode-mcp.json"] = _json(
                {"servers": {name: {"type": "stdio", "command": command, "args": []}}}
            )
    return files


WHERE = {
    "cursor-mcp.json": "Cursor: merge into .cursor/mcp.json (~/.cursor/mcp.json: all projects).",
    "claude-code-mcp.json": "Claude Code: merge into .mcp.json at the project root.",
    "claude-mcp-add.txt": "Claude Code: or run this command instead of editing .mcp.json.",
    "vscode-mcp.json": 'VS Code: merge into .vscode/mcp.json (note the top-level "servers" key).',
    "windsurf-mcp-config.json": "Windsurf: merge into ~/.codeium/windsurf/mcp_config.json.",
    "mcp-servers.json": 'Other hosts with an "mcpServers" config (Claude Desktop, Cline, ...).',
    "stdio-command.txt": "Any other MCP host: the stdio command to launch.",
}


def readme(plan: Plan, wheel: str, snippet_names: list[str]) -> bytes:
    """README.txt: what the wheel is, how to install and run it, which snippet goes where."""
    lines = [
        f"{plan.script} {plan.version}: the {plan.server} MCP server, client {plan.client}",
        "",
        f"This wheel holds the toolc runtime, the {plan.client} build and the handler code it",
        "uses; nothing of the compiler and nothing of other clients. Install it into its own",
        "environment (pipx and uv do that), one client build per environment.",
        "",
        "Install:",
        f"  pipx install ./{wheel}",
        f"  uv tool install ./{wheel}",
        "",
        "Run (stdio by default; the options are those of `python -m runtime serve`):",
        f"  {plan.script}",
        f"  {plan.script} --transport http --host 127.0.0.1 --port 8000",
        "",
        "Config snippets in this folder:",
        *(f"  {n}: {WHERE[n]}" for n in snippet_names),
        "",
        f"Tools this build lists ({len(plan.tool_names)}):",
        *(f"  {t}" for t in plan.tool_names),
        "",
    ]
    return "\n".join(lines).encode()
