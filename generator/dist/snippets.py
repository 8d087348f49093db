"""README.txt next to each client's wheel: what it is, how to install it, how a host starts it.

Host config snippets are not written here: a snippet must name the installed server by absolute
path (GUI hosts do not inherit the shell's PATH), which only the installed build knows, so the
client's console script prints them: `<server>-<client> config HOST` (toolc/runtime/hosts.py).
"""

from __future__ import annotations

from .plan import Plan

# Client profile name -> the host whose snippet README.txt shows first.
HOSTS: dict[str, str] = {
    "cursor": "cursor",
    "claude-code": "claude-code",
    "claude": "claude-code",
    "claude-desktop": "claude-desktop",
    "desktop": "claude-desktop",
    "vscode": "vscode",
    "vs-code": "vscode",
    "copilot": "vscode",
    "windsurf": "windsurf",
}


def readme(plan: Plan, wheels: list[str]) -> bytes:
    """README.txt for the folder `<out>/<client>/`; `wheels` are the file names in `<out>/`."""
    s = plan.script
    host = HOSTS.get(plan.client, "generic")
    lines = [
        f"{s} {plan.version}: the {plan.server} MCP server, client {plan.client}",
        "",
        f"The wheels in the folder above this one: {s}'s build (import name {plan.package}),",
        "the handler code every client of this server shares, and toolc's runtime; nothing of",
        "the compiler and nothing of other clients. Client builds of one server install side",
        "by side. Install from that folder, offline:",
        "",
        *(f"  {w}" for w in wheels),
        "",
        f"  pipx install --pip-args='--find-links .' {s}",
        f"  uv tool install --find-links . {s}",
        f"  pip install --find-links . {s}        (into the active environment)",
        "",
        "Run (stdio by default; the options are those of `toolc serve`):",
        f"  {s}",
        f"  {s} --transport http --host 127.0.0.1 --port 8000",
        "",
        "Connect a host: print its config snippet, which names the installed server by absolute",
        "path (GUI hosts do not see your shell's PATH), and merge it into the host's config:",
        f"  {s} config {host}",
        f"  {s} config --help        (cursor, claude-code, claude-desktop, vscode, windsurf, ...)",
        f"  claude mcp add --transport stdio {plan.server} -- $({s} config command)",
        "",
        f"Tools this build lists ({len(plan.tool_names)}):",
        *(f"  {t}" for t in plan.tool_names),
        "",
    ]
    return "\n".join(lines).encode()
