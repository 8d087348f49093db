"""What every semantic rule works on: the rule context, the registry row, message helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, did_you_mean
from ..handler_imports import HandlerImports
from ..ir import Span
from ..lower import (
    OpEntry,
    ToolEntry,
)
from ..source import Document, KeyPath


@dataclass(frozen=True, slots=True, eq=False)
class Context:
    root: Path
    catalog: Document | None  # None when tools.yaml is missing or failed the schema
    clients: tuple[Document, ...]  # only the client documents that passed the schema
    tools: tuple[ToolEntry, ...]
    imports: HandlerImports

    def at(self, path: KeyPath) -> Span:
        assert self.catalog is not None
        return self.catalog.source_map.span(path)

    def key_at(self, path: KeyPath) -> Span:
        assert self.catalog is not None
        return self.catalog.source_map.key_span(path)

    def ops(self) -> Iterator[tuple[ToolEntry, OpEntry]]:
        for tool in self.tools:
            for op in tool.operations:
                yield tool, op


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    slug: str
    summary: str
    check: Callable[[Context], Iterable[Diagnostic]]


def quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def hint(word: str, candidates: Iterable[str], otherwise: str) -> str:
    found = did_you_mean(word, candidates)
    return f'did you mean "{found}"' if found else otherwise


def op_label(op: OpEntry) -> str:
    return f'operation "{op.name}" of tool "{op.tool}"' if op.master else f'tool "{op.tool}"'
