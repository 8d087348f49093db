"""Rules on who may call a client build (`auth:`): unique token names, trustworthy key URLs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, Note, error
from .context import Context

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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


def auth_token_sources_named(ctx: Context) -> Iterator[Diagnostic]:
    """Each token names exactly one source, and `env` is a variable's name. The value is never
    quoted back: when it is not a name, it may well be the secret itself."""
    for doc in ctx.clients:
        auth = doc.data.get("auth") or {}
        for i, token in enumerate(auth.get("tokens") or ()):
            name = str(token.get("name"))
            sources = [k for k in ("env", "file") if k in token]
            span = doc.source_map.span(("auth", "tokens", i))
            if len(sources) != 1:
                yield error(
                    span,
                    "E077",
                    f'auth token "{name}" names {"both env and file" if sources else "no source"}',
                    "give exactly one: env (a variable's name) or file (a path)",
                )
            elif "env" in token and not ENV_NAME.match(str(token["env"])):
                yield error(
                    doc.source_map.span(("auth", "tokens", i, "env")),
                    "E077",
                    f'the env of auth token "{name}" is not the name of an environment variable '
                    "(it is not quoted here: it may be the token itself)",
                    "give the variable's name, e.g. TOOLC_TOKEN_CI, and put the token in the "
                    "environment",
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
