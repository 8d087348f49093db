"""Static bearer tokens: named, read from environment variables or files, compared in constant time.

Several tokens may be live at once (rotation: add the new one, move callers, drop the old one).
Each has a name (the principal) and scopes (`*`: every scope). A token's value never appears in
a message, a log line or a generated file; only the variable's name or the file's path does.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..principal import Principal

MIN_TOKEN_CHARS: Final = 16  # a shorter static token is guessable; refuse to serve it
MAX_FILE_BYTES: Final = 64 * 1024


class AuthConfigError(ValueError):
    """Authentication that cannot be served as configured; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class TokenSource:
    """Where one named token comes from: an environment variable or a file (exactly one)."""

    name: str
    env: str | None = None
    file: str | None = None
    scopes: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"environment variable {self.env}" if self.env else f"file {self.file}"


def _read(source: TokenSource, environ: Mapping[str, str], root: Path | None) -> str:
    if source.env is not None:
        value = environ.get(source.env, "")
    else:
        path = Path(source.file or "")
        if not path.is_absolute() and root is not None:
            path = root / path
        try:
            with path.open("rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise AuthConfigError(
                f'token "{source.name}": cannot read {source.where} ({exc.strerror}) — '
                "create it or fix the path"
            ) from None
        if len(data) > MAX_FILE_BYTES:
            raise AuthConfigError(f'token "{source.name}": {source.where} is not a token file')
        value = data.decode("utf-8", "replace")
    value = value.strip()
    if not value:
        raise AuthConfigError(
            f'token "{source.name}": {source.where} is empty or unset — set it to the token'
        )
    if len(value) < MIN_TOKEN_CHARS or any(c.isspace() for c in value):
        raise AuthConfigError(
            f'token "{source.name}": the value in {source.where} is not usable (at least '
            f"{MIN_TOKEN_CHARS} characters, no spaces) — generate one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
        )
    return value


def parse_tokens_file(path: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """`--auth-tokens-file`: one `NAME TOKEN [SCOPE ...]` per line; `#` starts a comment."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AuthConfigError(f"cannot read tokens file {path} ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise AuthConfigError(f"tokens file {path} is larger than {MAX_FILE_BYTES} bytes")
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 2:
            raise AuthConfigError(
                f"{path}:{number}: expected NAME TOKEN [SCOPE ...] — the token is missing"
            )
        out.append((words[0], words[1], tuple(words[2:])))
    return tuple(out)


class StaticTokens:
    """The live static tokens. Lookup compares the SHA-256 of the presented token with every
    token's, in constant time and without stopping at a match, so timing tells nothing."""

    __slots__ = ("entries",)

    def __init__(self, entries: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        self.entries: list[tuple[bytes, Principal]] = []
        names: set[str] = set()
        for name, value, scopes in entries:
            if name in names:
                raise AuthConfigError(f'token name "{name}" is used twice — give each its own')
            names.add(name)
            digest = hashlib.sha256(value.encode()).digest()
            self.entries.append((digest, Principal(name, frozenset(scopes), "bearer")))

    @classmethod
    def load(
        cls,
        sources: Iterable[TokenSource],
        extra: Iterable[tuple[str, str, tuple[str, ...]]] = (),
        *,
        environ: Mapping[str, str] | None = None,
        root: Path | None = None,
    ) -> StaticTokens:
        env = os.environ if environ is None else environ
        found = [(s.name, _read(s, env, root), s.scopes) for s in sources]
        return cls([*found, *extra])

    def __len__(self) -> int:
        return len(self.entries)

    def verify(self, token: str) -> Principal | None:
        presented = hashlib.sha256(token.encode("utf-8", "replace")).digest()
        match: Principal | None = None
        for digest, principal in self.entries:
            if hmac.compare_digest(digest, presented):
                match = principal
        return match
