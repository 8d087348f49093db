"""Load one client's build from the generated tree (docs/generated-build.md).

Loading reads `clients/<client>/build.py` (plain literal tables) by file path and nothing else:
`tools_list.json` is read on the first `tools/list`, and a tool's dispatch module (with its models
and handlers) is imported on that tool's first call, so start-up does not grow with the catalog.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final

SUPPORTED_FORMATS: Final = frozenset({1})
ENV_GENERATED: Final = "TOOLC_GENERATED"


class BuildError(Exception):
    """The build cannot be loaded; the message says which file and what to do."""


def locate_generated(override: str | os.PathLike[str] | None = None) -> Path:
    """The generated directory: `override`, else $TOOLC_GENERATED, else `./generated`."""
    chosen = override or os.environ.get(ENV_GENERATED) or "generated"
    path = Path(chosen).resolve()
    if not path.is_dir():
        raise BuildError(
            f'generated directory "{path}" does not exist — run toolc generate, '
            "or pass --root DIR (the project) or --generated DIR"
        )
    return path


@dataclass(slots=True)
class Build:
    """One client's tables, as written by the generator. Treat as read-only."""

    root: Path  # the generated directory
    package: str  # its import name (the directory's name)
    client: str
    format: int
    server: dict[str, Any]
    dialect: str
    legacy_mode: str
    max_concurrency: int
    cache_policies: dict[str, dict[str, Any]]
    breaker_policies: dict[str, dict[str, Any]]
    tools: dict[str, dict[str, Any]]
    names: dict[str, str]
    legacy: dict[str, dict[str, Any]]
    visible: dict[str, str] = field(default_factory=dict)  # declared tool -> client-visible name
    # `split: effect` tool name -> {"tool": declared tool, "operations": the ones it answers}
    split: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, dict[str, Any]] = field(default_factory=dict)  # old tool name -> tool
    state: dict[str, str] = field(default_factory=dict)  # client `state:` ({"url"} or {"url_env"})
    auth: dict[str, Any] | None = None  # the client's `auth:` (names and paths, never secrets)
    rate_limit: dict[str, Any] | None = None  # the client's `rate_limit:` (every call)
    batch: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> batch (runtime/batch)
    _tools_list: dict[str, Any] | None = None
    _modules: dict[str, ModuleType] = field(default_factory=dict)

    @property
    def client_dir(self) -> Path:
        return self.root / "clients" / self.client

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def tools_list(self) -> dict[str, Any]:
        """The precomputed `tools/list` result (`{"tools": [...]}`), read once."""
        if self._tools_list is None:
            path = self.client_dir / "tools_list.json"
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError) as exc:
                raise BuildError(f"{path}: cannot read the tool list ({exc})") from exc
            self._tools_list = data
        return self._tools_list

    def dispatch_module(self, tool: str) -> ModuleType:
        """`<package>.dispatch.<module>` of a declared tool, imported on first use and cached."""
        module = self._modules.get(tool)
        if module is None:
            name = f"{self.package}.dispatch.{self.tools[tool]['module']}"
            module = importlib.import_module(name)
            self._modules[tool] = module
        return module


def _ensure_importable(root: Path) -> str:
    """Make `<root>` importable under its directory name and return that name.

    The project root (the generated directory's parent) also holds the handler packages, so it
    goes on `sys.path` when the package does not already resolve to `root`.
    """
    package = root.name
    if not package.isidentifier():
        raise BuildError(f'generated directory "{root}" is not an importable package name')
    parent = str(root.parent)
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = [Path(p).resolve() for p in (spec.submodule_search_locations or [])] if spec else []
    if root not in locations:
        if package in sys.modules:
            raise BuildError(
                f'a different "{package}" package is already imported; cannot load {root}'
            )
        sys.path.insert(0, parent)
        importlib.invalidate_caches()
    elif parent not in sys.path:
        sys.path.append(parent)
    return package


def _exec_build_module(path: Path, *, fresh: bool) -> dict[str, Any]:
    """The globals of build.py. `fresh` compiles from source (no bytecode cache) for reloads."""
    if fresh:
        namespace: dict[str, Any] = {"__name__": "toolc_build", "__file__": str(path)}
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, namespace)
        return namespace
    spec = importlib.util.spec_from_file_location("toolc_build", path)
    if spec is None or spec.loader is None:
        raise BuildError(f"{path}: cannot load the build module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def load_build(
    client: str, generated: str | os.PathLike[str] | None = None, *, fresh: bool = False
) -> Build:
    """Load `client`'s build; `fresh` re-reads every file (used by --reload)."""
    root = locate_generated(generated)
    path = root / "clients" / client / "build.py"
    if not path.is_file():
        available = sorted(p.name for p in (root / "clients").glob("*") if p.is_dir())
        hint = f"available: {', '.join(available)}" if available else "run toolc generate"
        raise BuildError(f'no build for client "{client}" under {root / "clients"} — {hint}')
    package = _ensure_importable(root)
    try:
        g = _exec_build_module(path, fresh=fresh)
    except BuildError:
        raise
    except Exception as exc:  # a broken build file must not become a traceback
        raise BuildError(f"{path}: cannot load the build ({exc}) — run toolc generate") from exc
    fmt = g.get("FORMAT")
    if fmt not in SUPPORTED_FORMATS:
        raise BuildError(f"{path}: build format {fmt!r} is not supported by this runtime")
    try:
        build = Build(
            root=root,
            package=package,
            client=g["CLIENT"],
            format=fmt,
            server=dict(g["SERVER"]),
            dialect=g.get("DIALECT", "flat"),
            legacy_mode=g.get("LEGACY_MODE", "accept"),
            max_concurrency=int(g.get("MAX_CONCURRENCY", 32)),
            cache_policies=dict(g.get("CACHE_POLICIES", {})),
            breaker_policies=dict(g.get("BREAKER_POLICIES", {})),
            tools=dict(g["TOOLS"]),
            names=dict(g["NAMES"]),
            legacy=dict(g.get("LEGACY", {})),
            split=dict(g.get("SPLIT", {})),
            aliases=dict(g.get("ALIASES", {})),
            state=dict(g.get("STATE", {})),
            auth=g.get("AUTH"),
            rate_limit=g.get("RATE_LIMIT"),
            batch=dict(g.get("BATCH", {})),
        )
    except KeyError as exc:
        raise BuildError(
            f"{path}: the build has no {exc.args[0]} table — run toolc generate"
        ) from exc
    for call_name, declared in build.names.items():
        if call_name != declared or declared not in build.visible:
            build.visible[declared] = call_name
    if fresh:
        _forget_modules(package)
    return build


def _forget_modules(package: str) -> None:
    """Drop imported dispatch/model modules so the next call imports the new build's code.

    Calls in flight keep references to the old functions and finish on them.
    """
    prefixes = (f"{package}.dispatch.", f"{package}.models.")
    for name in [n for n in sys.modules if n.startswith(prefixes)]:
        module = sys.modules.pop(name)
        cached = getattr(module, "__cached__", None)
        if cached:  # same-second rewrites of equal size would otherwise reuse stale bytecode
            with contextlib.suppress(OSError):
                os.unlink(cached)
    importlib.invalidate_caches()
