"""The input files of a project, confined to its root.

The compiler reads `tools.yaml` and `clients/*.yaml`, and `generate` writes `generated/` (and
`docs/clients/`). An
input that resolves outside the project root (a symlink to anywhere: a secret, a device, another
checkout) is refused unread with E007, so no diagnostic can quote it and no hash depends on it;
the message names the link, never its target.
"""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostic, error
from .ir import Span

CATALOG_PATH = "tools.yaml"
CLIENTS_DIR = "clients"
GENERATED_DIR = "generated"
DOCS_DIR = "docs"
PAGES_DIR = "docs/clients"


def inside_root(root: Path, path: Path) -> bool:
    """Whether `path`, with every symlink followed, lies inside `root` (also resolved)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop or an unreadable folder
        return False


def _outside(rel: str, what: str = "file") -> Diagnostic:
    # Names the link only: neither the target's path nor anything of its content.
    return error(
        Span(rel, 1, 1),
        "E007",
        f'the {what} "{rel}" resolves outside the project root',
        f"replace the symlink with a real {'file' if what == 'link' else what} in the project",
    )


def _links_out(root: Path, folder: Path) -> list[str]:
    """Paths (relative to `root`) of the entries under `folder` that resolve outside `root`."""
    found: list[str] = []
    for parent, dirs, names in os.walk(folder):  # does not descend into linked folders
        for name in sorted((*dirs, *names)):
            path = Path(parent) / name
            if path.is_symlink() and not inside_root(root, path):
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def input_files(root: Path) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """(path relative to `root`, file) of every input, and what is wrong with the layout.

    Inputs that resolve outside `root` are refused unread: the compiler never reads, hashes or
    quotes a file outside the project. So are links under `generated/` (or the folder itself)
    that lead outside, since `check` would read and diff them and `generate` write through them.
    """
    diagnostics: list[Diagnostic] = []
    files: list[tuple[str, Path]] = []
    catalog_file = root / CATALOG_PATH
    if catalog_file.exists() and not inside_root(root, catalog_file):
        diagnostics.append(_outside(CATALOG_PATH))
    elif catalog_file.is_file():
        files.append((CATALOG_PATH, catalog_file))
    else:
        diagnostics.append(
            error(
                Span(CATALOG_PATH, 1, 1),
                "E006",
                f'"{CATALOG_PATH}" does not exist in the project root',
                f'create "{CATALOG_PATH}" with "version: 1", "server" and "tools"',
            )
        )
    clients_dir = root / CLIENTS_DIR
    if clients_dir.is_dir() and not inside_root(root, clients_dir):
        diagnostics.append(_outside(CLIENTS_DIR, "folder"))
    elif clients_dir.is_dir():
        for path in sorted(clients_dir.glob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            if not inside_root(root, path):
                diagnostics.append(_outside(rel))
            elif path.is_file():
                files.append((rel, path))
    generated = root / GENERATED_DIR
    if generated.is_symlink() and not inside_root(root, generated):
        diagnostics.append(_outside(GENERATED_DIR, "folder"))
    elif generated.is_dir():
        diagnostics.extend(_outside(rel, "link") for rel in _links_out(root, generated))
    for folder in (DOCS_DIR, PAGES_DIR):  # the reference pages `generate` writes (generator/docs)
        path = root / folder
        if path.is_symlink() and not inside_root(root, path):
            diagnostics.append(_outside(folder, "folder"))
            break
    else:
        if (root / PAGES_DIR).is_dir():
            diagnostics.extend(_outside(r, "link") for r in _links_out(root, root / PAGES_DIR))
    return files, diagnostics
