"""Where the example handlers may look: one configured root per kind, symlinks resolved.

File tools (`code.search_functions`, `lint_full`, `test_analyze`, `bmad_expansion install`'s
`source`) read only under the directory named by `TOOLC_WORKSPACE`; `bmad_git` works only on
repositories under `TOOLC_GIT_REPO`. Neither has a default: until the variable is set, the
operation refuses and says which variable to set. A caller's path is taken relative to the root
(absolute paths are accepted when they lie under it), resolved with every symlink followed, and
refused when the result is outside the root, before anything is read or said about its existence.

`walk` lists files under a folder for the tools that scan trees, and stops by itself: after
`MAX_FILES` matching files, `MAX_ENTRIES` directory entries looked at, or `WALK_SECONDS`, whichever
comes first, and says which limit stopped it. It never follows a symlinked directory, never lists
anything but regular files, and skips symlinked files that lead outside the root.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from toolc import ToolError

ENV_WORKSPACE = "TOOLC_WORKSPACE"
ENV_REPO = "TOOLC_GIT_REPO"
MAX_FILES = 5000
MAX_ENTRIES = 20_000
WALK_SECONDS = 15.0
# folders no scan descends into (tool caches, virtual environments, build output)
SKIP_DIRS = frozenset(
    {".git", ".hg", ".venv", "venv", "__pycache__", "node_modules", ".tox", ".mypy_cache",
     ".ruff_cache", ".pytest_cache", "build", "dist", ".eggs"}
)  # fmt: skip
SHOWN = 120  # characters of a caller's value quoted back in an error


def show(value: str) -> str:
    """A caller's value fit for an error message: bounded and on one line."""
    flat = value.replace("\n", " ").replace("\r", " ").replace("\x00", "\\0")
    return flat if len(flat) <= SHOWN else flat[:SHOWN] + "…"


def root(env: str) -> Path:
    """The resolved directory named by the environment variable `env`; ToolError when unset."""
    raw = os.environ.get(env, "").strip()
    if not raw:
        raise ToolError(
            f"{env} is not set on the server, so this operation may not touch any path — "
            f"set {env} to the directory it may use"
        )
    try:
        resolved = Path(raw).expanduser().resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise ToolError(
            f"{env} names {raw}, which does not exist — set {env} to a directory"
        ) from exc
    if not resolved.is_dir():
        raise ToolError(f"{env} names {raw}, which is not a directory — set {env} to a directory")
    return resolved


def inside(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def confine(value: str | None, env: str, what: str) -> Path:
    """`value` (relative to the root of `env`, or absolute under it) resolved; it must exist.

    `what` names the argument in messages ("path", "report_path").
    """
    base = root(env)
    raw = value if value is not None and value.strip() else "."
    if "\x00" in raw:
        raise ToolError(f"{what} contains a NUL character — pass a plain path")
    try:
        resolved = (base / raw).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ToolError(f'{what} "{show(raw)}" cannot be resolved — pass a plain path') from exc
    if not inside(resolved, base):
        raise ToolError(
            f'{what} "{show(raw)}" is outside the workspace {base} — pass a path under it, or '
            f"set {env} on the server to a directory that holds it"
        )
    try:
        present = resolved.exists()
    except (OSError, ValueError):  # e.g. a name longer than the file system allows
        present = False
    if not present:
        raise ToolError(f'{what} "{show(raw)}" does not exist under {base} — pass an existing path')
    return resolved


def is_regular(path: Path) -> bool:
    """True for a regular file (never a FIFO, device or socket: reading those can block)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class Walk:
    files: tuple[Path, ...]
    truncated: str | None  # why the walk stopped early, or None when it saw everything


def walk(
    start: Path,
    base: Path,
    suffix: str,
    skip_dirs: frozenset[str] = frozenset(),
    *,
    max_files: int = MAX_FILES,
    max_entries: int = MAX_ENTRIES,
    deadline: float | None = None,
) -> Walk:
    """Regular files named `*suffix` under `start` (itself when it is a file), sorted per folder."""
    if not start.is_dir():
        return Walk((start,) if is_regular(start) else (), None)
    stop_at = deadline if deadline is not None else time.monotonic() + WALK_SECONDS
    found: list[Path] = []
    entries = 0
    pending = [start]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[Path] = []
        for entry in items:
            entries += 1
            if entries > max_entries:
                return Walk(tuple(found), f"stopped after {max_entries} directory entries")
            if time.monotonic() > stop_at:
                return Walk(tuple(found), "stopped when its time budget ran out")
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in skip_dirs and not entry.name.endswith(".egg-info"):
                        subdirs.append(Path(entry.path))
                    continue
                if not entry.name.endswith(suffix):
                    continue
                path = Path(entry.path)
                if entry.is_symlink() and not inside(path.resolve(), base):
                    continue
            except (OSError, RuntimeError):
                continue
            if not is_regular(path):
                continue
            if len(found) == max_files:
                return Walk(tuple(found), f"stopped after {max_files} files")
            found.append(path)
        pending.extend(reversed(subdirs))
    return Walk(tuple(found), None)
