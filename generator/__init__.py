"""toolc's compiler: `build(root)` runs load → validate → lower → resolve → emit → format → write.

Stages 1-4 return `(value, diagnostics)` and the driver stops after any of them reports an
error. `check=True` runs everything but the write and reports the difference instead.
A no-op rerun does not run datamodel-code-generator: when the manifest's `models_key` matches
and the model files still hash to what the manifest says, they are reused as they are.
Installed as `toolc.generator`, and imported under no other name (see runtime/__init__.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on use, so a no-op `generate` (generator/noop.py) stays light
    from .diagnostics import Diagnostic
    from .emit import OutputFile
    from .ir import Catalog, ClientBuild
    from .tokens import TokenCache
    from .write import WriteResult

if __name__ != "toolc.generator":
    raise ImportError(
        f'toolc\'s compiler is imported as "toolc.generator", not "{__name__}" — use the toolc CLI.'
    )

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    diagnostics: tuple[Diagnostic, ...] = ()
    builds: tuple[ClientBuild, ...] = ()  # one per client, by client name; set from stage 4 on
    files: tuple[OutputFile, ...] = ()  # every generated file, manifest included
    written: WriteResult | None = None  # what write (or check) found
    models_reused: bool = False
    packages: tuple[str, ...] = ()  # the catalog's first-party handler packages
    timings: tuple[tuple[str, float], ...] = field(default=())
    catalog: Catalog | None = None  # the lowered catalog, when the build got that far

    @property
    def ok(self) -> bool:
        from .diagnostics import has_errors

        return not has_errors(self.diagnostics)

    @property
    def stale(self) -> bool:
        return self.written is not None and self.written.stale


def _quiet(_: str) -> None:
    pass


class _Clock:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.marks: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str, message: str | None = None) -> Iterator[None]:
        if message:
            self.progress(message)
        start = time.perf_counter()
        yield
        self.marks.append((name, time.perf_counter() - start))


def _input_hashes(sources: Any) -> dict[str, str]:
    """path -> sha256 of each input file the load stage read."""
    return {f.path: f.sha256 for f in sources.inputs}


def _first_party(catalog: Catalog) -> tuple[str, ...]:
    names = {
        op.handler_module.split(".")[0]
        for t in catalog.tools
        for op in t.operations
        if op.handler_module  # an operation forwarded to an upstream has none
    }
    return tuple(sorted(names))


def _reusable_models(catalog: Catalog, existing: dict[str, str], key: str) -> dict[str, str] | None:
    from .emit.manifest import PATH, parse_manifest, sha256
    from .emit.models import model_paths

    manifest = parse_manifest(existing.get(PATH))
    if manifest is None or manifest.get("models_key") != key:
        return None
    hashes = manifest.get("files", {})
    reuse: dict[str, str] = {}
    for path in model_paths(catalog):
        text = existing.get(path)
        if text is None or hashes.get(path) != sha256(text):
            return None
        reuse[path] = text
    return reuse


def _token_cache(existing: dict[str, str]) -> TokenCache:
    """Token counts the last manifest recorded, so a no-op run loads no tokenizer."""
    from .emit.manifest import PATH, parse_manifest
    from .tokens import TokenCache

    manifest = parse_manifest(existing.get(PATH)) or {}
    known = manifest.get("list_tokens")
    ok = isinstance(known, dict) and all(
        isinstance(k, str) and type(v) is int for k, v in known.items()
    )
    return TokenCache(known if ok else None)


def build(root: Path, *, check: bool = False, progress: Progress | None = None) -> BuildResult:
    from . import docs, emit, format, lower, noop, resolve, source, validate, write
    from .diagnostics import has_errors, normalize
    from .emit import manifest, models

    say = progress or _quiet
    clock = _Clock(say)
    root = Path(root)
    diags: list[Diagnostic] = []

    def stop(builds: tuple[ClientBuild, ...] = ()) -> BuildResult:
        return BuildResult(diagnostics=normalize(diags), builds=builds, timings=tuple(clock.marks))

    with clock.stage("load"):
        sources, found = source.load(root)
        diags.extend(found)
    if has_errors(diags):
        return stop()
    with clock.stage("validate"):
        diags.extend(validate.validate(sources))
    if has_errors(diags):
        return stop()
    with clock.stage("lower"):
        lowered, found = lower.lower(sources)
        diags.extend(found)
    if lowered is None or has_errors(diags):
        return stop()
    catalog, profiles = lowered
    existing = write.read_tree(root)
    tokens = _token_cache(existing)
    with clock.stage("resolve"):
        builds: list[ClientBuild] = []
        for profile in sorted(profiles, key=lambda p: p.name):
            client_build, found = resolve.resolve(catalog, profile, tokens=tokens)
            diags.extend(found)
            if client_build is not None:
                builds.append(client_build)
    if has_errors(diags):
        return stop(tuple(builds))

    first_party = _first_party(catalog)
    fmt_settings = " ".join([format.version(), *format.settings(["generated", *first_party])])
    key = models.models_key(catalog, fmt_settings)
    reuse = _reusable_models(catalog, existing, key)
    ops = sum(len(t.operations) for t in catalog.tools)
    message = None if reuse is not None else f"toolc: generating models for {ops} operations"
    with clock.stage("emit", message):
        files = emit.emit(catalog, tuple(builds), reuse_models=reuse)
    todo = sum(1 for f in files if not f.formatted)
    with clock.stage("format", f"toolc: formatting {todo} files" if todo else None):
        files = format.format(files, first_party=first_party)
    with clock.stage("docs"):  # docs/clients/<client>.md and .html (generator/docs)
        files = (*files, *docs.emit_docs(catalog, tuple(builds)))
    inputs = _input_hashes(sources)
    toolc = noop.toolc_version()
    files = (*files, manifest.emit_manifest(files, inputs, key, toolc, tokens.used))
    with clock.stage("compare" if check else "write"):
        written = write.write(root, files, check=check, existing=existing)
    return BuildResult(
        diagnostics=normalize(diags),
        builds=tuple(builds),
        files=tuple(sorted(files, key=lambda f: f.path)),
        written=written,
        models_reused=reuse is not None,
        packages=first_party,
        timings=tuple(clock.marks),
        catalog=catalog,
    )
