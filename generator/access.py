"""Lowering of who may call and how often: a client's `auth:` and every `rate_limit`.

Only names of environment variables and paths of files reach the IR (and the build); a token's
value never does (the schema has no key that could hold one).
"""

from __future__ import annotations

import math
from typing import Any

from . import ir
from .source import Document, KeyPath


def rate_limit(document: Document, path: KeyPath) -> ir.RateLimit | None:
    """The `rate_limit` mapping at `path`; None when there is none."""
    node: Any = document.data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    per_minute = float(node["calls_per_minute"])
    return ir.RateLimit(
        calls_per_minute=per_minute,
        burst=int(node.get("burst") or max(1, math.ceil(per_minute))),
        span=document.source_map.span(path),
    )


def auth(document: Document) -> ir.Auth | None:
    """The client's `auth:`; None when it declares none."""
    raw = document.data.get("auth")
    if not isinstance(raw, dict):
        return None
    smap = document.source_map
    tokens = tuple(
        ir.AuthToken(
            name=str(t["name"]),
            env=t.get("env"),
            file=t.get("file"),
            scopes=tuple(t.get("scopes") or ()),
            span=smap.span(("auth", "tokens", i)),
        )
        for i, t in enumerate(raw.get("tokens") or ())
    )
    j = raw.get("jwt")
    jwt = (
        ir.JwtAuth(
            issuer=str(j["issuer"]),
            audience=str(j["audience"]),
            jwks_url=str(j["jwks_url"]),
            scopes=tuple(j.get("scopes") or ()),
            span=smap.span(("auth", "jwt")),
        )
        if isinstance(j, dict)
        else None
    )
    return ir.Auth(tokens=tokens, jwt=jwt, span=smap.span(("auth",)))
