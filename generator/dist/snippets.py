"""README.md next to each client's wheel: what it is, how to install it, how a host starts it.

Host config snippets are not written here: a snippet must name the installed server by absolute
path (GUI hosts do not inherit the shell's PATH), which only the installed build knows, so the
client's console script prints them: `<server>-<client> config HOST` (toolc/runtime/hosts.py).
"""

from __future__ import annotations

from .plan import Plan

# Client profile name -> the host whose snippet README.md shows first.
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
    """README.md for the folder `<out>/<client>/` and the wheel's description: what it is, how
    to install, run and connect it, then the client's reference page (`toolc docs`); a project
    without pages gets the list of tool names. `wheels` are the file names in `<out>/`."""
    s = plan.script
    host = HOSTS.get(plan.client, "generic")
    lines = [
        f"# {s} {plan.version}",
        "",
        f"The {plan.server} MCP server, the build for client `{plan.client}`. The wheels in the",
        f"folder above this one: {s}'s build (import name `{plan.package}`), the handler code every",
        "client of this server shares, and toolc's runtime; nothing of the compiler and nothing of",
        "other clients. Client builds of one server install side by side. Install from that",
        "folder, offline:",
        "",
        "```sh",
        *(f"# {w}" for w in wheels),
        f"pipx install --pip-args='--find-links .' {s}",
        f"uv tool install --find-links . {s}",
        f"pip install --find-links . {s}        # into the active environment",
        "```",
        "",
        "Run (stdio by default; the options are those of `toolc serve`):",
        "",
        "```sh",
        f"{s}",
        f"{s} --transport http --host 127.0.0.1 --port 8000",
        "```",
        "",
        "Connect a host: print its config snippet, which names the installed server by absolute",
        "path (GUI hosts do not see your shell's PATH), and merge it into the host's config:",
        "",
        "```sh",
        f"{s} config {host}",
        f"{s} config --help        # cursor, claude-code, claude-desktop, vscode, windsurf, ...",
        f"claude mcp add --transport stdio {plan.server} -- $({s} config command)",
        "```",
        "",
    ]
    if plan.page:
        head = f"The reference below is also in `{plan.client}.html` next to this file, and in the"
        lines += [head, f"installed package (`{plan.package}/docs/`).", "", "---", ""]
        return ("\n".join(lines) + "\n").encode() + plan.page
    lines += [f"Tools this build lists ({len(plan.tool_names)}):", ""]
    lines += [f"- `{t}`" for t in plan.tool_names]
    return ("\n".join(lines) + "\n").encode()
