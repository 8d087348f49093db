"""Move a project's packages to install names of their own by rewriting import statements.

`toolc dist` installs the handler packages of server `bmad` as `bmad_handlers` (not `handlers`)
and a client's build as `bmad_cursor` (not `generated`), so two projects, or two clients of one
project, never share a top-level name in site-packages. Code is never executed: each absolute
`import` / `from ... import` whose top-level name is renamed is found with `ast` and replaced,
statement by statement, by the same statement with the new name. Relative imports need nothing.
"""

from __future__ import annotations

import ast


class RenameError(Exception):
    """An import that cannot be renamed; the message says where and what to write instead."""


def _renamed(dotted: str, mapping: dict[str, str]) -> str | None:
    top, dot, rest = dotted.partition(".")
    new = mapping.get(top)
    return None if new is None else new + dot + rest


def _offset(lines: list[str], line: int, col: int) -> int:
    """Character offset of (1-based line, 0-based UTF-8 byte column) in the joined text."""
    before = sum(len(text) for text in lines[: line - 1])
    return before + len(lines[line - 1].encode()[:col].decode())


def rename_imports(source: bytes, path: str, mapping: dict[str, str]) -> bytes:
    """`source` with every absolute import of a top-level name in `mapping` renamed.

    `import handlers.store` (which binds `handlers`) cannot be renamed without renaming every
    use, so it is refused; `import handlers.store as store` and `from handlers import store`
    are fine.
    """
    text = source.decode("utf-8")
    tree = ast.parse(source, filename=path)
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        new_node: ast.stmt | None = None
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = _renamed(node.module, mapping)
            if module is not None:
                new_node = ast.ImportFrom(module=module, names=node.names, level=0)
        elif isinstance(node, ast.Import):
            names = []
            for alias in node.names:
                name = _renamed(alias.name, mapping)
                if name is not None and alias.asname is None:
                    raise RenameError(
                        f"{path}:{node.lineno}: `import {alias.name}` binds the name "
                        f'"{alias.name.partition(".")[0]}", which is installed under another '
                        f"name — write `from {alias.name.rpartition('.')[0] or alias.name} "
                        "import ...` or a relative import."
                    )
                names.append(ast.alias(name=name or alias.name, asname=alias.asname))
            if any(a.name != b.name for a, b in zip(names, node.names, strict=True)):
                new_node = ast.Import(names=names)
        if new_node is not None and isinstance(node, ast.Import | ast.ImportFrom):
            end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or 0
            start = _offset(lines, node.lineno, node.col_offset)
            edits.append((start, _offset(lines, end_line, end_col), ast.unparse(new_node)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text.encode("utf-8")
