"""Shared helpers of the runtime security tests (real stdio servers, real mcp client)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tests.runtime_fixture import ROOT, SOURCE


def text(result: Any) -> str:
    return str(result.content[0].text)


def compile_variant(edit: dict[str, Any], tools: dict[str, dict[str, Any]]) -> Path:
    """The fixture catalog with extra `policies` and per-operation overrides, compiled by toolc.

    `edit` is merged into `policies.breaker`; `tools` maps tool → operation → keys to set.
    Returns the package directory (`rtgen`); the caller deletes its parent.
    """
    root = Path(tempfile.mkdtemp(prefix="toolc-rtvariant-"))
    catalog = yaml.safe_load((SOURCE / "tools.yaml").read_text(encoding="utf-8"))
    catalog["policies"]["breaker"].update(edit)
    for tool, ops in tools.items():
        for op, keys in ops.items():
            catalog["tools"][tool]["operations"][op].update(keys)
    (root / "tools.yaml").write_text(yaml.safe_dump(catalog, sort_keys=False), encoding="utf-8")
    for folder in ("clients", "rthandlers"):
        shutil.copytree(
            SOURCE / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    done = subprocess.run(
        [sys.executable, "-m", "toolc", "generate", "--root", str(root), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise AssertionError(f"toolc refused the variant catalog:\n{done.stdout}{done.stderr}")
    (root / "generated").rename(root / "rtgen")
    return root / "rtgen"
