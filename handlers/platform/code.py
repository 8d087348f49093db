"""code.search_functions: find Python functions by name or docstring, with `ast` (no imports).

Reads only under `$TOOLC_WORKSPACE` (see `handlers.workspace`); `path` is relative to it. The scan
stops by itself after `workspace.MAX_FILES` files, `workspace.MAX_ENTRIES` directory entries or
`SCAN_SECONDS` (walk and parsing together), and says so in `truncated` / `truncated_reason`.
"""

from __future__ import annotations

import ast
import time
from typing import Any

from toolc import ToolError

from .. import workspace

SKIP_DIRS = workspace.SKIP_DIRS
MAX_FILES = workspace.MAX_FILES
MAX_FILE_BYTES = 2 * 1024 * 1024
SCAN_SECONDS = 20.0  # well inside the operation's 60 s timeout


def _functions(tree: ast.AST) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """(qualified name, node, kind) for every function, methods included."""
    out: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, str]] = []

    def visit(node: ast.AST, prefix: str, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                kind = "method" if in_class else "function"
                if isinstance(child, ast.AsyncFunctionDef):
                    kind = "async " + kind
                out.append((prefix + child.name, child, kind))
                visit(child, f"{prefix}{child.name}.<locals>.", False)
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.", True)
            else:
                visit(child, prefix, in_class)

    visit(tree, "", False)
    return out


def search_functions(
    query: str, path: str = ".", search_in: str = "any", limit: int = 50
) -> dict[str, Any]:
    """Functions whose name or docstring contains `query` (case-insensitive)."""
    needle = query.strip().casefold()
    if not needle:
        raise ToolError("the query is empty — pass part of a function name or docstring")
    if search_in not in ("name", "docstring", "any"):
        raise ToolError(f'unknown search_in "{search_in}" — use name, docstring or any')
    target = workspace.confine(path, workspace.ENV_WORKSPACE, "path")
    deadline = time.monotonic() + SCAN_SECONDS
    base = workspace.root(workspace.ENV_WORKSPACE)
    listing = workspace.walk(target, base, ".py", SKIP_DIRS, max_files=MAX_FILES, deadline=deadline)
    truncated = listing.truncated
    matches: list[dict[str, Any]] = []
    skipped: list[str] = []
    scanned = 0
    for file in listing.files:
        if time.monotonic() > deadline:
            truncated = f"stopped after parsing {scanned} files when its time budget ran out"
            break
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                skipped.append(f"{file}: larger than {MAX_FILE_BYTES} bytes")
                continue
            tree = ast.parse(file.read_bytes(), filename=str(file))
        except (OSError, SyntaxError, ValueError) as exc:
            skipped.append(f"{file}: {type(exc).__name__}")
            continue
        scanned += 1
        for qualname, node, kind in _functions(tree):
            doc = ast.get_docstring(node) or ""
            hit_name = needle in node.name.casefold()
            hit_doc = needle in doc.casefold()
            wanted = {"name": hit_name, "docstring": hit_doc, "any": hit_name or hit_doc}
            if wanted[search_in]:
                matches.append(
                    {
                        "name": node.name,
                        "qualname": qualname,
                        "kind": kind,
                        "path": str(file),
                        "line": node.lineno,
                        "signature": f"{node.name}({ast.unparse(node.args)})",
                        "docstring": doc.strip().splitlines()[0] if doc.strip() else "",
                    }
                )
    matches.sort(key=lambda m: (m["name"].casefold() != needle, m["path"], m["line"]))
    return {
        "query": query,
        "matches": matches[:limit],
        "total": len(matches),
        "files_scanned": scanned,
        "skipped": skipped[:50],
        "truncated": truncated is not None,
        "truncated_reason": truncated,
    }
