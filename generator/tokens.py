"""Estimated tokens of a text, from a tokenizer that ships inside a package (no downloads).

The tokenizer is o200k_base (the GPT-4o / GPT-4.1 / o-series / GPT-5 encoding), from the
`quicktok-v1` wheel, which bundles its vocabulary file and computes ids identical to tiktoken's.
It is a compiler dependency only: the runtime never counts tokens. Loading the vocabulary takes
about 0.3 s, so it happens on the first count, and `TokenCache` lets a no-op `toolc generate`
reuse the counts the manifest recorded for payloads it has seen (keyed by their SHA-256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from typing import Any

ENCODING = "o200k_base"


@cache
def _encoder() -> Any:
    import quicktok  # type: ignore[import-untyped]

    return quicktok.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Tokens of `text` in ENCODING (ordinary text: special-token strings count as text)."""
    return len(_encoder().encode_ordinary(text))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TokenCache:
    """`count_tokens` with counts already known by SHA-256 of the text; records what it counts."""

    def __init__(self, known: Mapping[str, int] | None = None) -> None:
        self.known: dict[str, int] = dict(known or {})
        self.used: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        key = digest(text)
        if key not in self.known:
            self.known[key] = count_tokens(text)
        self.used[key] = self.known[key]
        return self.used[key]
