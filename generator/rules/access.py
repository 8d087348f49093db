"""Rules on who may call a client build (`auth:`): unique token names, trustworthy key URLs."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, Note, error
from .context import Context


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_token_names_unique(ctx: Context) -> Iterator[Diagnostic]:
    for doc in ctx.clients:
        auth = doc.data.get("auth") or {}
        seen: dict[str, int] = {}
        for i, token in enumerate(auth.get("tokens") or ()):
            name = str(token.get("name"))
            first = seen.setdefault(name, i)
            if first != i:
                yield error(
                    doc.source_map.span(("auth", "tokens", i, "name")),
                    "E075",
                    f'auth token name "{name}" is used twice in client "{doc.data.get("client")}"',
                    "give each token its own name (the principal handlers and spans see)",
                    Note(doc.source_map.span(("auth", "tokens", first, "name")), "first use."),
                )


def auth_jwt_urls_trusted(ctx: Context) -> Iterator[Diagnostic]:
    for doc in ctx.clients:
        jwt = (doc.data.get("auth") or {}).get("jwt") or {}
        for key in ("issuer", "audience", "jwks_url"):
            url = jwt.get(key)
            if not isinstance(url, str):
                continue
            parts = urlsplit(url)
            span = doc.source_map.span(("auth", "jwt", key))
            if parts.scheme not in ("http", "https") or not parts.hostname:
                yield error(
                    span, "E076", f'jwt {key} "{url[:100]}" is not a URL', "give a full URL"
                )
            elif key == "jwks_url" and parts.scheme == "http" and not _loopback(parts.hostname):
                yield error(
                    span,
                    "E076",
                    f'jwt jwks_url "{url[:100]}" is plain http, so its keys can be forged in '
                    "transit",
                    "use https (plain http is accepted for loopback hosts only)",
                )
