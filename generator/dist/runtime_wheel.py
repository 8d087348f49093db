"""The `toolc-runtime` wheel: toolc's public API (`toolc/__init__.py`) and `toolc.runtime`.

Client wheels depend on it instead of carrying a copy. `toolc dist` builds it from the toolc it
runs from (an installed wheel or this checkout), into the same folder as the client wheels, so
`pip install --find-links dist/ <server>-<client>` works offline. Its dependencies are toolc's
own minus the compiler's, read from toolc's installed metadata (pyproject.toml's list).
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import toolc
import toolc.runtime

from .plan import COMPILER_ONLY, RUNTIME_DIST, Plan, PlanError, normalize_name


def runtime_dependencies() -> tuple[str, ...]:
    """toolc's requirements without extras' and without the compiler's."""
    try:
        requires = importlib.metadata.requires("toolc") or []
    except importlib.metadata.PackageNotFoundError:
        raise PlanError(
            "toolc is not installed (no package metadata) — install it with pip, or run make."
        ) from None
    deps = []
    for req in requires:
        if "extra ==" in req.replace('"', "").replace("'", ""):
            continue
        name = normalize_name(re.split(r"[\s;<>=!~\[(@]", req, maxsplit=1)[0])
        if name not in COMPILER_ONLY:
            deps.append(req)
    return tuple(deps)


def _files() -> dict[str, bytes]:
    package = Path(toolc.__file__).parent
    files = {
        "toolc/__init__.py": (package / "__init__.py").read_bytes(),
        "toolc/py.typed": b"",
    }
    runtime = Path(toolc.runtime.__file__).parent
    for path in sorted(runtime.rglob("*")):
        rel = path.relative_to(runtime)
        if path.is_file() and "__pycache__" not in rel.parts and path.suffix in (".py", ".typed"):
            files[f"toolc/runtime/{rel.as_posix()}"] = path.read_bytes()
    return files


def plan_runtime() -> Plan:
    return Plan(
        dist_name=RUNTIME_DIST,
        version=toolc.__version__,
        description="toolc's runtime: serves the MCP builds that toolc compiles",
        requires_python=">=3.11",
        dependencies=runtime_dependencies(),
        files=tuple(sorted(_files().items())),
    )
