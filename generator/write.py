"""Stage 7: write what changed, atomically; or, for `check`, report the difference.

Only paths under `generated/` and the reference pages (`docs/clients/*.md`, `*.html`, see
generator/docs) are ever written or deleted. Each changed file goes to a temporary file in its
own folder, then `os.replace`. Files there that the build no longer produces are deleted (caches
such as `__pycache__` are left alone; in `docs/clients/` only `.md` and `.html` files count), and
folders left empty under `generated/` go too.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .docs import DOCS, SUFFIXES
from .emit import GENERATED, OutputFile

_IGNORED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteResult:
    changed: tuple[str, ...]  # created or rewritten (check: would be)
    deleted: tuple[str, ...]  # stale files removed (check: would be)
    diff: str  # unified diff, filled in check mode only

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.deleted)


def _base(rel: str) -> str | None:
    """The managed folder `rel` lies in: generated/, or docs/clients/ for a page."""
    parts = Path(rel).parts
    if ".." in parts or Path(rel).is_absolute():
        return None
    if parts[:1] == (GENERATED,):
        return GENERATED
    docs = tuple(DOCS.split("/"))
    if parts[: len(docs)] == docs and len(parts) == len(docs) + 1 and rel.endswith(SUFFIXES):
        return DOCS
    return None


def _safe(root: Path, rel: str) -> Path:
    base = _base(rel)
    if base is None:
        raise ValueError(
            f"refusing to touch {rel!r}: only paths under {GENERATED}/ and {DOCS}/ are written"
        )
    target = root / rel
    # load refuses links that lead out of generated/ (E007); this keeps write honest regardless
    if target.parent.exists() and not target.parent.resolve().is_relative_to(
        (root / base).resolve()
    ):
        raise ValueError(f"refusing to touch {rel!r}: its folder is a link out of {base}/")
    if target.is_symlink():
        raise ValueError(f"refusing to touch {rel!r}: it is a symbolic link")
    if base == DOCS and any((root / p).is_symlink() for p in ("docs", DOCS)):
        raise ValueError(f"refusing to touch {rel!r}: docs/ or {DOCS}/ is a symbolic link")
    return target


def read_tree(root: Path) -> dict[str, str]:
    """Every file under root/generated/ (path relative to root -> text), caches excluded."""
    base = root / GENERATED
    out: dict[str, str] = {}
    if not base.is_dir():
        return out
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or _IGNORED_PARTS.intersection(rel.parts) or path.suffix == ".pyc":
            continue
        try:
            out[rel.as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            out[rel.as_posix()] = ""  # not ours; it will show up as changed or stale
    out.update(read_docs(root))
    return out


def read_docs(root: Path) -> dict[str, str]:
    """The reference pages under root/docs/clients/ (path -> text); links are not followed."""
    base = root / DOCS
    out: dict[str, str] = {}
    if not base.is_dir() or base.is_symlink() or (root / "docs").is_symlink():
        return out
    for path in sorted(base.iterdir()):
        if path.name.endswith(SUFFIXES) and path.is_file() and not path.is_symlink():
            try:
                out[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                out[path.relative_to(root).as_posix()] = ""
    return out


def _diff(path: str, old: str | None, new: str | None) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        (new or "").splitlines(keepends=True),
        fromfile=f"a/{path}" if old is not None else "/dev/null",
        tofile=f"b/{path}" if new is not None else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(
    root: Path,
    files: Iterable[OutputFile],
    *,
    check: bool = False,
    existing: dict[str, str] | None = None,
) -> WriteResult:
    """Bring root/generated/ to exactly `files`; with `check`, only report the difference."""
    wanted = {f.path: f.text for f in files}
    for rel in wanted:
        _safe(root, rel)
    current = read_tree(root) if existing is None else existing
    changed = tuple(p for p in sorted(wanted) if current.get(p) != wanted[p])
    deleted = tuple(p for p in sorted(current) if p not in wanted)
    if check:
        diff = "".join(_diff(p, current.get(p), wanted[p]) for p in changed)
        diff += "".join(_diff(p, current[p], None) for p in deleted)
        return WriteResult(changed=changed, deleted=deleted, diff=diff)
    for rel in changed:
        _atomic_write(_safe(root, rel), wanted[rel])
    for rel in deleted:
        _safe(root, rel).unlink(missing_ok=True)
    _prune_empty(root / GENERATED)
    return WriteResult(changed=changed, deleted=deleted, diff="")


def _prune_empty(base: Path) -> None:
    if not base.is_dir():
        return
    for folder in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
        if folder.name in _IGNORED_PARTS:
            continue
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty
