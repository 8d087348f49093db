"""`toolc init [DIR]`: scaffold a project that generates, serves, tests and ships as it is.

    toolc init [DIR] [--name SERVER] [--force]

Writes, from `template/` (placeholders `@SERVER@`, `@TITLE@`, `@ENV@`, `@TOOLC_VERSION@`):
tools.yaml (one master tool with four operations, a legacy name with an argument rename, a
cache policy its writes invalidate, a breaker), clients/desktop.yaml and clients/mobile.yaml
(a tight `max_tools`), the handlers package, a pyproject.toml whose dev extra depends on toolc,
an end-to-end test with the real MCP client, a .gitignore, a GitHub Actions workflow running
`toolc check`, and the config language's JSON Schemas under .toolc/schemas/, which the YAML
files' `$schema` modelines point at. A folder that is not empty is refused unless `--force`.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from toolc import __version__

_SERVER_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
# template path -> project path, where they differ
_TARGETS = {"gitignore": ".gitignore", "github/workflows/toolc.yml": ".github/workflows/toolc.yml"}


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if child.name != "__pycache__":
                found.extend(_walk(child, rel + "/"))
        elif child.is_file():
            found.append((rel, child))
    return found


def files(server: str) -> dict[str, str]:
    """Project path -> content of every scaffolded file (schemas included)."""
    ident = re.sub(r"[^a-z0-9]+", "_", server)
    values = {
        "@SERVER@": server,
        "@TITLE@": server.replace("-", " ").title(),
        "@ENV@": ident.upper(),
        "@TOOLC_VERSION@": __version__,
    }
    package = resources.files("toolc.generator")
    out: dict[str, str] = {}
    for rel, item in _walk(package / "init" / "template"):
        text = item.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        target = _TARGETS.get(rel, rel.removesuffix(".tmpl"))
        out[target] = text
    for name in ("tools.schema.json", "client.schema.json"):
        schema = package / "schemas" / name
        out[f".toolc/schemas/{name}"] = schema.read_text(encoding="utf-8")
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="toolc init", description="Scaffold a toolc project in DIR (default: .)."
    )
    p.add_argument("dir", nargs="?", default=".", help="project folder (created if missing)")
    p.add_argument("--name", help="server name (default: the folder's name)")
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(args.dir).resolve()
    raw = args.name or root.name
    server = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")
    if not _SERVER_NAME.match(server):
        print(
            f'init: "{raw[:60]}" does not make a server name — pass --name with lower-case '
            "letters, digits and '-', starting with a letter.",
            file=sys.stderr,
        )
        return 1
    if root.exists() and not root.is_dir():
        print(f"init: {root} is a file — choose a folder.", file=sys.stderr)
        return 1
    if root.is_dir() and any(root.iterdir()) and not args.force:
        print(
            f"init: {root} is not empty — choose an empty folder, or pass --force to write "
            "the project's files into it (files of the same name are replaced).",
            file=sys.stderr,
        )
        return 1
    scaffold = files(server)
    for rel, text in scaffold.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    where = "" if root == Path.cwd() else f"cd {args.dir} && "
    print(
        f'init: server "{server}" in {root} ({len(scaffold)} files). Next:\n'
        f"  {where}toolc generate && toolc serve --client desktop",
        file=sys.stderr,
    )
    return 0
