"""generated/manifest.json: hashes of inputs and outputs; the runtime's reload trigger.

Emitted after formatting, because it hashes the final bytes of every other generated file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from . import GENERATED, OutputFile
from .views import json_text

FORMAT = 1
PATH = f"{GENERATED}/manifest.json"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def emit_manifest(
    files: Iterable[OutputFile],
    inputs: Mapping[str, str],
    models_key: str,
    toolc: str,
    list_tokens: Mapping[str, int] | None = None,
) -> OutputFile:
    """`inputs`: path -> sha256 of each input file; `toolc`: the compiler's version (a new
    toolc regenerates everything, see generator/noop.py); `list_tokens`: sha256 of each
    client's compact tools/list payload -> its estimated tokens (reused by the next run, see
    tokens.py)."""
    doc: dict[str, Any] = {
        "toolc": toolc,
        "format": FORMAT,
        "inputs": dict(sorted(inputs.items())),
        "files": {f.path: sha256(f.text) for f in sorted(files, key=lambda f: f.path)},
        "models_key": models_key,
    }
    if list_tokens:
        doc["list_tokens"] = dict(sorted(list_tokens.items()))
    return OutputFile(path=PATH, text=json_text(doc), formatted=True)


def parse_manifest(text: str | None) -> dict[str, Any] | None:
    """The previous manifest, or None when it is missing or unreadable."""
    if text is None:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    return doc
