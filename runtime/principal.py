"""Who is calling: the contract between the HTTP auth layer and the call path.

The auth layer (HTTP only) decides a `Principal` per request; the call path reads it to check
operation scopes, key the result cache and rate-limit buckets, and record it in spans. stdio and
unauthenticated HTTP have no principal (None): one local user.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a static token's name, or a JWT's `sub`, with its scopes."""

    name: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    via: str = "bearer"  # "bearer" (static token) | "jwt"
