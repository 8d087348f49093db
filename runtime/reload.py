"""--reload: poll the build's manifest.json; when it changes, load the new build and swap."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

import anyio

from .build import BuildError, load_build

if TYPE_CHECKING:
    from .server import App

POLL: Final = 0.5
SETTLE: Final = 0.2
log = logging.getLogger("toolc.runtime")


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


async def watch(app: App) -> None:
    build = app.engine.build
    manifest = build.manifest_path
    seen = _digest(manifest)
    while True:
        await anyio.sleep(POLL)
        current = _digest(manifest)
        if current is None or current == seen:
            continue
        await anyio.sleep(SETTLE)  # let the generator finish writing the rest of the tree
        if _digest(manifest) != current:
            continue  # still changing; look again on the next poll
        seen = current
        try:
            new = load_build(build.client, build.root, fresh=True)
        except BuildError as exc:
            log.error("reload skipped, still serving the previous build: %s", exc)
            continue
        await app.swap(new)
