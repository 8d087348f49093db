"""The `toolc` command. Each subcommand works on the project in the current folder or `--root DIR`.

    toolc init [DIR]          scaffold a project (tools.yaml, clients/, handlers, a test, CI)
    toolc generate            compile tools.yaml + clients/ into generated/, print each client
    toolc check               what CI runs: every diagnostic, limits, generated/ up to date
    toolc lock                write tools.lock (each client's contract) and print the changelog
    toolc breaking --against REF  the breaking changes since a git ref (main, a tag, a commit)
    toolc import --command CMD  draft tools.yaml + clients/ from an existing MCP server's tools
    toolc docs                each client's reference page: docs/clients/<client>.md and .html
    toolc dist                one installable server per client (wheels + host snippets) in dist/
    toolc serve --client NAME serve one client's build over stdio or Streamable HTTP
    toolc report [FILE]       p50/p95, cache hits, breakers and legacy use from a span file

The CLI only parses the command name; each command's module parses its own options and is
imported on use, so `toolc serve` never loads the compiler.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import cast

from toolc import __version__

# command -> (module, whether the module's main takes the command name as its first argument)
COMMANDS: dict[str, tuple[str, bool]] = {
    "init": ("toolc.generator.init", False),
    "import": ("toolc.generator.importer", False),
    "generate": ("toolc.generator.__main__", True),
    "check": ("toolc.generator.__main__", True),
    "docs": ("toolc.generator.docs.cli", False),
    "dist": ("toolc.generator.__main__", True),
    "lock": ("toolc.generator.__main__", True),
    "breaking": ("toolc.generator.__main__", True),
    "serve": ("toolc.runtime.__main__", True),
    "report": ("toolc.runtime.__main__", True),
}


def _usage() -> str:
    return (__doc__ or "").split("\n\n")[
        1
    ] + "\n\nRun `toolc COMMAND --help` for a command's options.\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write("usage: toolc COMMAND [options]\n\n" + _usage())
        return 0 if args else 2
    if args[0] in ("-V", "--version"):
        sys.stdout.write(f"toolc {__version__}\n")
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        sys.stderr.write(
            f'toolc: unknown command "{args[0][:40]}" — choose one of: {", ".join(COMMANDS)}.\n'
        )
        return 2
    module_name, takes_command = command
    module = importlib.import_module(module_name)
    entry = cast(Callable[[list[str]], int], module.main)
    return entry(args if takes_command else args[1:])


if __name__ == "__main__":
    sys.exit(main())
