"""The in-project import closure of a set of modules, found by reading source with `ast`.

`toolc dist` ships only the handler code a client's dispatch modules reach. Nothing is imported
or executed: each module's file is parsed and its `import` / `from ... import` statements are
followed while they stay inside the project (a module or package under the project root).
Third-party and standard-library imports end the walk; so does `toolc` (the public API, which
ships as the toolc-runtime distribution). Reaching a folder that must never ship (`generator`,
`runtime`: import them as `toolc`; `tests`) is an error.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, kw_only=True)
class Closure:
    """Modules found, as dotted name -> path relative to the project root (POSIX)."""

    modules: tuple[tuple[str, str], ...]  # sorted by dotted name
    forbidden: tuple[tuple[str, str], ...]  # (importing module, forbidden module it imports)
    missing: tuple[tuple[str, str], ...]  # (importing module, in-project name with no file)


def module_path(root: Path, dotted: str) -> Path | None:
    """The file of in-project module `dotted`: `a/b.py` or `a/b/__init__.py`, else None."""
    base = root.joinpath(*dotted.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _is_package_dir(root: Path, dotted: str) -> bool:
    """True for a package, including a namespace package (a folder without `__init__.py`)."""
    return root.joinpath(*dotted.split(".")).is_dir()


def _parents(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imported_names(tree: ast.Module, dotted: str, is_package: bool) -> list[tuple[str, str]]:
    """Every (module, member) a file may import; member is "" for `import x`.

    `from a import b` may import module `a.b` or just the name `b` of `a`; the caller decides
    by looking for a file.
    """
    package = dotted if is_package else dotted.rpartition(".")[0]
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".") if package else []
                if node.level - 1 > len(anchor):
                    continue  # beyond the top level: Python rejects it at import time
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base:
                found.extend((base, alias.name) for alias in node.names if alias.name != "*")
                if any(alias.name == "*" for alias in node.names):
                    found.append((base, ""))
    return found


def closure(
    root: Path,
    start: Iterable[str],
    *,
    whole: frozenset[str] = frozenset({"toolc"}),
    forbidden: frozenset[str] = frozenset({"generator", "runtime", "tests"}),
) -> Closure:
    """Walk imports from the modules `start` (dotted names) and return what they reach.

    A name is in-project when its top-level package or module exists under `root`. Top-level
    names in `whole` are not walked (they ship complete); names in `forbidden` are reported.
    """
    seen: dict[str, str] = {}
    bad: set[tuple[str, str]] = set()
    missing: set[tuple[str, str]] = set()
    todo: list[tuple[str, str]] = [("", name) for name in start]

    def in_project(top: str) -> bool:
        return module_path(root, top) is not None or _is_package_dir(root, top)

    while todo:
        importer, dotted = todo.pop()
        top = dotted.partition(".")[0]
        if top in forbidden:
            bad.add((importer, dotted))
            continue
        if top in whole or dotted in seen or not in_project(top):
            continue
        path = module_path(root, dotted)
        if path is None:
            if not _is_package_dir(root, dotted):
                missing.add((importer, dotted))
            continue
        seen[dotted] = path.relative_to(root).as_posix()
        todo.extend((dotted, parent) for parent in _parents(dotted))
        tree = ast.parse(path.read_bytes(), filename=str(path))
        is_package = path.name == "__init__.py"
        for base, member in _imported_names(tree, dotted, is_package):
            if member and (
                module_path(root, f"{base}.{member}") is not None
                or _is_package_dir(root, f"{base}.{member}")
            ):
                todo.append((dotted, f"{base}.{member}"))
            else:
                todo.append((dotted, base))
    return Closure(
        modules=tuple(sorted(seen.items())),
        forbidden=tuple(sorted(bad)),
        missing=tuple(sorted(missing)),
    )
