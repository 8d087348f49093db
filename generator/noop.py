"""`generate` / `check` with nothing to do, answered from content hashes without parsing any YAML.

`generated/manifest.json` records the sha256 of every input file (`tools.yaml`, `clients/*.yaml`),
of every generated file, and the toolc version. A full run that ends clean (no error, and
`generated/` current; warnings are recorded and shown again by every no-op run until fixed) also
writes `.toolc/generate-state.json`, a local cache (git-ignored, never committed): the manifest's
own hash, the hashes of the handler code (every `.py` of the catalog's first-party handler
packages: their signatures shape the dispatch modules), the per-client table the CLI prints, and
for `check` that the compatibility gate passed with this tools.lock, until which day (the next
sunset of a legacy name or alias). The next `generate` or `check` returns at once when all of it
still holds: same toolc, same inputs, same handler code, and every generated file hashing to what
the manifest says with no file missing or extra. Anything else (a fresh checkout without the cache
included) runs the full pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CATALOG = "tools.yaml"
CLIENTS = "clients"

STATE_PATH = ".toolc/generate-state.json"
FORMAT = 1
MANIFEST = "generated/manifest.json"
LOCK = "tools.lock"  # toolc lock's record: `check` compares the catalog with it


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def toolc_version() -> str:
    from toolc import __version__

    return __version__


def handler_files(root: Path, packages: Iterable[str]) -> dict[str, str]:
    """path relative to `root` -> sha256 of each `.py` file of the first-party `packages`."""
    out: dict[str, str] = {}
    for name in packages:
        folder, module = root / name, root / f"{name}.py"
        paths = [module] if module.is_file() else []
        if folder.is_dir():
            for parent, dirs, names in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
                paths.extend(Path(parent) / n for n in sorted(names) if n.endswith(".py"))
        for path in paths:
            try:
                out[path.relative_to(root).as_posix()] = _sha(path.read_bytes())
            except OSError:
                continue
    return out


def _inputs(root: Path) -> dict[str, str] | None:
    """path -> sha256 of tools.yaml and clients/*.yaml, as the load stage reads them; None when
    a symlink is involved anywhere (the full pipeline decides what those mean: E007)."""
    catalog, clients = root / CATALOG, root / CLIENTS
    if catalog.is_symlink() or clients.is_symlink() or (root / "generated").is_symlink():
        return None
    paths = [catalog, *sorted(clients.glob("*.yaml"))] if clients.is_dir() else [catalog]
    out: dict[str, str] = {}
    for path in paths:
        if path.is_symlink():
            return None
        try:
            out[path.relative_to(root).as_posix()] = _sha(path.read_bytes())
        except OSError:
            return None
    return out


def _generated_hashes(root: Path) -> dict[str, str] | None:
    """path -> sha256 of every file under generated/ but the manifest, as the write stage sees
    them (caches and .pyc excluded; the bytes, so a file that is not plain LF UTF-8 simply does
    not match), or None when one cannot be read or is a symlink (the full pipeline reports
    those, E007: nothing is read through a link)."""
    from .write import _IGNORED_PARTS

    out: dict[str, str] = {}
    base = root / "generated"
    try:
        for parent, dirs, names in os.walk(base):
            folder = Path(parent)
            for name in dirs:
                if (folder / name).is_symlink():
                    return None
            dirs[:] = [d for d in dirs if d not in _IGNORED_PARTS]
            for name in names:
                path = folder / name
                if path.is_symlink():
                    return None
                if name.endswith(".pyc"):
                    continue
                out[path.relative_to(root).as_posix()] = _sha(path.read_bytes())
    except OSError:
        return None
    out.pop(MANIFEST, None)
    from .docs import DOCS, SUFFIXES  # the reference pages are generated files too

    docs = root / DOCS
    if docs.is_symlink() or (root / "docs").is_symlink():
        return None
    try:
        for path in sorted(docs.iterdir()) if docs.is_dir() else []:
            if path.name.endswith(SUFFIXES) and (path.is_file() or path.is_symlink()):
                if path.is_symlink():
                    return None
                out[path.relative_to(root).as_posix()] = _sha(path.read_bytes())
    except OSError:
        return None
    return out


def today() -> str:
    """As `toolc check` counts days for sunsets (generator/compat/sunset.py)."""
    import datetime

    text = os.environ.get("TOOLC_TODAY")
    if text:
        return datetime.date.fromisoformat(text).isoformat()
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def _lock(root: Path) -> str | None:
    try:
        return _sha((root / LOCK).read_bytes())
    except OSError:
        return None


def unchanged(root: Path, gated: bool = False) -> list[dict[str, Any]] | None:
    """The per-client rows of the last clean run when nothing changed since; None otherwise.

    `gated` (for `check`): the run recorded must have passed the compatibility gate too (tools.lock
    comparison and sunsets), with tools.lock unchanged and no sunset passed since.
    """
    try:
        state = json.loads((root / STATE_PATH).read_text(encoding="utf-8"))
        manifest_text = (root / MANIFEST).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return None
    if state.get("manifest") != _sha(manifest_text):
        return None
    try:
        manifest = json.loads(manifest_text)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or manifest.get("toolc") != toolc_version():
        return None
    inputs = _inputs(root)
    if inputs is None:
        return None
    if inputs != manifest.get("inputs"):
        return None
    handlers = state.get("handlers")
    if not isinstance(handlers, dict):
        return None
    for rel, sha in handlers.items():
        try:
            if _sha((root / rel).read_bytes()) != sha:
                return None
        except OSError:
            return None
    if _generated_hashes(root) != manifest.get("files"):
        return None
    if gated:
        if state.get("gated") is not True or state.get("lock") != _lock(root):
            return None
        next_sunset = state.get("next_sunset")
        try:
            if isinstance(next_sunset, str) and today() > next_sunset:
                return None  # a legacy name is past its sunset now: W001
        except ValueError:
            return None
    rows = state.get("clients")
    return rows if isinstance(rows, list) else None


def remember(
    root: Path,
    packages: Iterable[str],
    rows: list[dict[str, Any]],
    sunsets: Iterable[str] = (),
    gated: bool = False,
    warnings: str = "",
) -> None:
    """Record a clean run for the next `unchanged()`; a cache, so failing to write is fine.

    `gated`: the run was a `check` and passed the compatibility gate; `sunsets`: every sunset
    date of the catalog (the next one still ahead limits how long the record holds)."""
    try:
        manifest_text = (root / MANIFEST).read_bytes()
        day = today()
    except (OSError, ValueError):
        return
    ahead = sorted(d for d in sunsets if d >= day)
    state = {
        "format": FORMAT,
        "gated": gated,
        "lock": _lock(root),
        "next_sunset": ahead[0] if ahead else None,
        "manifest": _sha(manifest_text),
        "handlers": handler_files(root, packages),
        "clients": rows,
        "warnings": warnings,
    }
    path = root / STATE_PATH
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return


def recorded_warnings(root: Path) -> str:
    """The rendered warnings of the run `unchanged()` answers for ("" when it had none)."""
    try:
        state = json.loads((root / STATE_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    text = state.get("warnings") if isinstance(state, dict) else None
    return text if isinstance(text, str) else ""


def forget(root: Path) -> None:
    """Drop the cache (a run that did not end clean)."""
    try:
        (root / STATE_PATH).unlink()
    except OSError:
        return
