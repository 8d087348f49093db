"""Handler imports: where a handler module's code lives, found without running any of it.

`check` and `generate` import handler modules (to check that their functions exist and take the
declared parameters), and importing runs code. So before any import, every level of the dotted
name (`pkg`, `pkg.sub`, `pkg.sub.mod`) is located with the import system's finders alone, the way
`import` would find it, and each level that has code must be a file under the project root and
not installed code. A module elsewhere (the standard library, site-packages, also a virtualenv's
inside the project, built into Python, another checkout) is refused unless the catalog names it,
or a package above it, in `external_handlers`.

`importlib.util.find_spec("a.b")` would import `a` to learn its `__path__`, so only the top level
goes through it; deeper levels ask `sys.meta_path`'s finders with the parent's search locations.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import sysconfig
from collections.abc import Iterable
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .diagnostics import excerpt

if TYPE_CHECKING:
    from .lower import HandlerRef
    from .source import Document


def declared(name: str, external: Iterable[str]) -> bool:
    """Whether module `name` is, or lies inside, one of the `external` modules or packages."""
    return any(name == entry or name.startswith(entry + ".") for entry in external)


def _find(name: str, search: list[str] | None) -> ModuleSpec | None:
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, "__spec__", None) or ModuleSpec(name, None)
    if search is None:
        return importlib.util.find_spec(name)  # a top-level name: no parent is imported
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec(name, search, None) if find_spec is not None else None
        if isinstance(spec, ModuleSpec):
            return spec
    return None


def _installed(path: Path, base: Path) -> str | None:
    """Where an installed file lives ("in site-packages"), or None for any other file.

    Installed code is never the project's own, even in a virtualenv inside the project root
    `base` (whose own path may contain any folder names).
    """
    paths = sysconfig.get_paths()
    parts = path.relative_to(base).parts if path.is_relative_to(base) else path.parts
    if "site-packages" in parts or "dist-packages" in parts:
        return "in site-packages"
    for key in ("purelib", "platlib"):
        if path.is_relative_to(Path(paths[key]).resolve()):
            return "in site-packages"
    for key in ("stdlib", "platstdlib"):
        if path.is_relative_to(Path(paths[key]).resolve()):
            return "in the standard library"
    return None


def foreign_level(name: str, root: Path) -> tuple[str, str] | None:
    """(level, where) for the first level of `name` whose code is not the project's, else None.

    The project's code is a file under `root` that is not installed code (site-packages, the
    standard library), so a virtualenv inside the project root does not count as the project.

    None also when a level cannot be found at all: importing then only runs code under `root`
    (the levels above it), and the import's own error says what is missing. The caller must
    have put `root` first on `sys.path`, as the import will.
    """
    base = root.resolve()
    parts = name.split(".")
    search: list[str] | None = None
    for end in range(1, len(parts) + 1):
        level = ".".join(parts[:end])
        try:
            spec = _find(level, search)
        except (ImportError, ValueError, AttributeError, TypeError):
            return None
        if spec is None:
            return None
        locations = spec.submodule_search_locations
        if spec.origin is None and locations is not None:  # a namespace package: no code
            pass
        elif not spec.has_location or spec.origin is None:
            return level, "in the standard library"  # built in or frozen
        else:
            origin = Path(spec.origin).resolve()
            installed = _installed(origin, base)
            if installed is not None or not origin.is_relative_to(base):
                return level, installed or "in a folder outside the project root"
        if locations is None:
            return None  # not a package: the import of a deeper level fails by itself
        search = list(locations)
    return None


class HandlerImports:
    """Imports handler modules with the project root first on `sys.path`, once per module.

    A module whose code lies outside the project root is never imported unless `external`
    names it or a package above it (see `handler_origin`); `outside()` says where it lies.
    """

    def __init__(self, root: Path, external: tuple[str, ...] = ()) -> None:
        self.root = root
        self.external = external
        self._results: dict[str, ModuleType | str] = {}
        self._outside: dict[str, tuple[str, str]] = {}

    @classmethod
    def of(cls, root: Path, catalog: Document | None) -> HandlerImports:
        """The importer for a schema-valid catalog, with its `external_handlers`."""
        data = catalog.data if catalog is not None else None
        external = data.get("external_handlers") if isinstance(data, dict) else None
        return cls(root, tuple(str(e) for e in external or ()))

    def module(self, name: str) -> ModuleType | str:
        """The imported module, or a one-line description of why it was not imported."""
        if name not in self._results:
            self._results[name] = self._import(name)
        return self._results[name]

    def outside(self, name: str) -> tuple[str, str] | None:
        """(level, where) when module `name` was refused for living outside the root."""
        self.module(name)
        return self._outside.get(name)

    def function(self, ref: HandlerRef) -> Any:
        """The attribute `ref` names, or None when the module or the attribute is missing."""
        module = self.module(ref.module)
        return None if isinstance(module, str) else getattr(module, ref.function, None)

    def _import(self, name: str) -> ModuleType | str:
        entry = str(self.root.resolve())
        sys.path.insert(0, entry)
        importlib.invalidate_caches()
        try:
            if not declared(name, self.external):
                foreign = foreign_level(name, self.root)
                if foreign is not None:
                    self._outside[name] = foreign
                    return f'"{foreign[0]}" is {foreign[1]}'
            with contextlib.redirect_stdout(sys.stderr):
                return importlib.import_module(name)
        except (Exception, SystemExit) as exc:
            # keep messages free of this machine's paths: "(/abs/root/pkg/m.py)" -> "(pkg/m.py)"
            # and short: an exception's message may quote anything
            return excerpt(one_line(exc).replace(entry + os.sep, ""), 200)
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
