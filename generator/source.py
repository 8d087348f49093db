"""Stage 1, load: read `tools.yaml` and `clients/*.yaml` into plain data plus positions.

This is the only stage that reads input files. YAML is composed into nodes (PyYAML's SafeLoader)
and converted by hand, so that every key and value keeps its `path:line:col`, duplicate keys are
reported (E002) instead of silently overwritten, and syntax errors (E001) point at the problem.
Mapping keys are always the key's text (`yes:` is the key "yes", `1:` the key "1"); values are
JSON-compatible: dates become ISO strings.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, Note, error, excerpt
from .ir import Span
from .source_files import CATALOG_PATH, input_files

KeyPath = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAX_NODES = 200_000  # expansion budget of aliases and merge keys ("billion laughs")


@dataclass(frozen=True, slots=True, eq=False)
class SourceMap:
    """Key path -> position of the value (`values`) and of the key (`keys`) in one file."""

    path: str
    values: Mapping[KeyPath, Span]
    keys: Mapping[KeyPath, Span]

    def span(self, key_path: KeyPath) -> Span:
        """Position of the value at `key_path`, or of its nearest existing ancestor."""
        for end in range(len(key_path), -1, -1):
            found = self.values.get(tuple(key_path[:end]))
            if found is not None:
                return found
        return Span(self.path, 1, 1)

    def key_span(self, key_path: KeyPath) -> Span:
        """Position of the key that ends `key_path` (the value's position for list items)."""
        found = self.keys.get(tuple(key_path))
        return found if found is not None else self.span(key_path)


@dataclass(frozen=True, slots=True, eq=False)
class Document:
    path: str  # relative to the project root, POSIX
    data: Any  # plain JSON-compatible data; None for an empty file
    source_map: SourceMap


@dataclass(frozen=True, slots=True)
class InputFile:
    path: str  # relative to the project root, POSIX
    sha256: str  # hex digest of the file's bytes


@dataclass(frozen=True, slots=True, eq=False)
class Sources:
    root: Path
    catalog: Document | None  # None when tools.yaml is missing or not valid YAML
    clients: tuple[Document, ...]  # sorted by path; files that are not valid YAML are left out
    inputs: tuple[InputFile, ...] = ()  # every input file read, sorted by path
    source_hash: str = ""  # sha256 over "path\0sha256\n" of every input, in path order


# CSafeLoader has SafeLoader's interface (same constructor and resolver), with libyaml's parser.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Abort(Exception):
    """Stops converting one document after a fatal problem (already reported)."""


class _Converter:
    def __init__(self, rel: str, loader: yaml.SafeLoader) -> None:
        self.rel = rel
        self.loader = loader
        self.values: dict[KeyPath, Span] = {}
        self.keys: dict[KeyPath, Span] = {}
        self.diagnostics: list[Diagnostic] = []
        self.active: set[int] = set()
        self.visited = 0

    def span(self, node: Node) -> Span:
        return Span(self.rel, node.start_mark.line + 1, node.start_mark.column + 1)

    def spend(self, node: Node, count: int) -> None:
        """Count `count` values (nodes or merged pairs) against the expansion budget."""
        self.visited += count
        if self.visited > _MAX_NODES:
            self.diagnostics.append(
                error(
                    self.span(node),
                    "E001",
                    "aliases and merge keys expand to too many values",
                    "use fewer nested aliases and merge keys",
                )
            )
            raise _Abort

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.spend(node, 1)
        self.values.setdefault(path, self.span(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            self.diagnostics.append(
                error(
                    self.span(node),
                    "E001",
                    "an alias refers to a node that contains it",
                    "remove the recursive alias",
                )
            )
            raise _Abort
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            self.diagnostics.append(
                error(
                    self.span(node),
                    "E003",
                    f'value "{excerpt(node.value)}" cannot be read as '
                    f"{excerpt(node.tag.rsplit(':', 1)[-1])}",
                    "correct the value or quote it",
                )
            )
            return node.value
        if isinstance(value, datetime.date):  # datetime.datetime is a subclass
            return value.isoformat()
        if isinstance(value, float) and not math.isfinite(value):
            self.diagnostics.append(
                error(
                    self.span(node),
                    "E003",
                    f'value "{excerpt(node.value)}" is not a finite number',
                    "use a finite number",
                )
            )
        elif isinstance(value, bytes):
            self.diagnostics.append(
                error(
                    self.span(node),
                    "E003",
                    "binary values are not supported",
                    "write the value as a plain string",
                )
            )
            return node.value
        return value

    def pairs(self, node: MappingNode) -> tuple[list[tuple[Node, Node]], list[tuple[Node, Node]]]:
        """(merged pairs from `<<` keys, explicit pairs), both in source order.

        Every merged pair counts toward the expansion budget as it is collected, like an alias's
        nodes: nested `<<: [*a, *a, ...]` grows exponentially, and is stopped at the budget.
        """
        merged: list[tuple[Node, Node]] = []
        explicit: list[tuple[Node, Node]] = []
        for key, value in node.value:
            if key.tag != _MERGE_TAG:
                explicit.append((key, value))
                continue
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if not isinstance(source, MappingNode):
                    self.diagnostics.append(
                        error(
                            self.span(source),
                            "E001",
                            'the merge key "<<" needs a mapping',
                            "merge a mapping alias or a list of mapping aliases",
                        )
                    )
                    raise _Abort
                inner_merged, inner_explicit = self.pairs(source)
                self.spend(key, len(inner_explicit) + len(inner_merged))
                merged.extend(inner_explicit + inner_merged)
        return merged, explicit

    def mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        merged, explicit = self.pairs(node)
        first: dict[str, Node] = {}
        chosen: dict[str, tuple[Node, Node]] = {}
        for key, value in merged:
            if isinstance(key, ScalarNode) and key.value not in chosen:
                chosen[key.value] = (key, value)
        for key, value in explicit:
            if not isinstance(key, ScalarNode):
                self.diagnostics.append(
                    error(
                        self.span(key),
                        "E001",
                        "a mapping key is a list or a mapping",
                        "use a plain string as the key",
                    )
                )
                continue
            name = key.value
            if name in first:
                self.diagnostics.append(
                    error(
                        self.span(key),
                        "E002",
                        f'key "{excerpt(name)}" is defined twice {where(path)}',
                        "remove or rename one of them",
                        Note(self.span(first[name]), "first definition."),
                    )
                )
                continue
            first[name] = key
            chosen.pop(name, None)
            chosen[name] = (key, value)
        result: dict[str, Any] = {}
        for name, (key, value) in chosen.items():
            self.keys[(*path, name)] = self.span(key)
            result[name] = self.convert(value, (*path, name))
        return result


def where(path: KeyPath) -> str:
    """A phrase naming the mapping at `path`, for messages: 'in "tools.x.params"'."""
    if not path:
        return "at the top level"
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:  # keys are input: quote a short excerpt only
            text += f".{excerpt(part)}" if text else excerpt(part)
    return f'in "{text}"'


def parse(rel: str, text: str) -> tuple[Document | None, tuple[Diagnostic, ...]]:
    """Parse one YAML text; None when the file is not valid YAML.

    libyaml's parser (when PyYAML has it) composes large catalogs ~10x faster. Its error
    messages differ from the pure-Python parser's, so a file it rejects is parsed again by the
    pure-Python one, which reports the problem: the diagnostics never depend on libyaml.
    """
    loader: yaml.SafeLoader = _FAST_LOADER(text)
    try:
        try:
            try:
                node = loader.get_single_node()
            except yaml.YAMLError:
                if type(loader) is yaml.SafeLoader:
                    raise
                loader.dispose()
                loader = yaml.SafeLoader(text)
                node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            span = Span(rel, mark.line + 1, mark.column + 1) if mark else Span(rel, 1, 1)
            problem = exc.problem or exc.context or "syntax error"
            if exc.context and exc.problem and exc.context.startswith("expected"):
                problem = f"{exc.context}, {problem}"
            problem = excerpt(problem, 120)  # messages quote tokens: never echo long input
            fix = "indent with spaces, not tabs" if "\\t" in problem else "fix the YAML syntax here"
            return None, (error(span, "E001", f"the file is not valid YAML: {problem}", fix),)
        except yaml.YAMLError as exc:  # e.g. a reader error without a mark
            message = excerpt(str(exc), 120)
            return None, (
                error(
                    Span(rel, 1, 1),
                    "E001",
                    f"the file is not valid YAML: {message}",
                    "fix the YAML syntax",
                ),
            )
        except RecursionError:
            return None, (
                error(
                    Span(rel, 1, 1), "E001", "the file nests too deeply", "flatten the structure"
                ),
            )
        converter = _Converter(rel, loader)
        converter.values[()] = Span(rel, 1, 1)
        data: Any = None
        if node is not None:
            try:
                data = converter.convert(node, ())
            except _Abort:
                return None, tuple(converter.diagnostics)
            except RecursionError:
                return None, (
                    error(
                        Span(rel, 1, 1),
                        "E001",
                        "the file nests too deeply",
                        "flatten the structure",
                    ),
                )
        source_map = SourceMap(rel, dict(converter.values), dict(converter.keys))
        return Document(rel, data, source_map), tuple(converter.diagnostics)
    finally:
        loader.dispose()


def _decode(rel: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        return None, error(
            Span(rel, line, col), "E001", "the file is not valid UTF-8", "save it as UTF-8"
        )
    return text.removeprefix("\ufeff"), None


def load(root: Path) -> tuple[Sources, tuple[Diagnostic, ...]]:
    """Read and parse every input file under `root` (never one that resolves outside it)."""
    files, diagnostics = input_files(root)
    catalog: Document | None = None
    clients: list[Document] = []
    inputs: list[InputFile] = []
    for rel, file in sorted(files):
        try:
            raw = file.read_bytes()
        except OSError as exc:
            diagnostics.append(
                error(
                    Span(rel, 1, 1),
                    "E006",
                    f'"{rel}" cannot be read ({exc.strerror})',
                    "check the file's permissions",
                )
            )
            continue
        inputs.append(InputFile(rel, hashlib.sha256(raw).hexdigest()))
        text, problem = _decode(rel, raw)
        if problem is not None or text is None:
            diagnostics.extend([problem] if problem else [])
            continue
        document, found = parse(rel, text)
        diagnostics.extend(found)
        if document is None:
            continue
        if rel == CATALOG_PATH:
            catalog = document
        else:
            clients.append(document)
    digest = hashlib.sha256()
    for item in inputs:
        digest.update(f"{item.path}\0{item.sha256}\n".encode())
    sources = Sources(
        root=root,
        catalog=catalog,
        clients=tuple(sorted(clients, key=lambda d: d.path)),
        inputs=tuple(inputs),
        source_hash=digest.hexdigest(),
    )
    return sources, tuple(diagnostics)
