"""`serve` options for authentication, merged with the build's `auth:` table into an `AuthGate`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from .tokens import AuthConfigError, TokenSource

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def add_auth_options(s: argparse.ArgumentParser) -> None:
    g = s.add_argument_group(
        "authentication (--transport http; adds to the client build's `auth:`)"
    )
    g.add_argument(
        "--auth-token-env",
        action="append",
        default=[],
        metavar="NAME=VAR[:SCOPE,...]",
        help="a static bearer token named NAME, read from environment variable VAR, with the "
        "scopes listed (`*`: every scope; default none). Repeatable: several live tokens rotate",
    )
    g.add_argument(
        "--auth-tokens-file",
        action="append",
        default=[],
        metavar="PATH",
        help="static tokens, one `NAME TOKEN [SCOPE ...]` per line (`#` comments)",
    )
    g.add_argument("--jwt-issuer", metavar="URL", help="accept JWTs from this issuer (`iss`)")
    g.add_argument(
        "--jwt-audience",
        metavar="URL",
        help="this server's resource URL: JWTs must name it in `aud`; the Protected Resource "
        "Metadata document is published for it",
    )
    g.add_argument("--jwt-jwks-url", metavar="URL", help="where the issuer publishes its keys")
    g.add_argument(
        "--jwt-scope",
        action="append",
        default=[],
        metavar="SCOPE",
        help="a scope every token must carry (repeatable; missing: 403 insufficient_scope)",
    )


def _token_env(text: str) -> TokenSource:
    name, sep, rest = text.partition("=")
    var, _, scopes = rest.partition(":")
    if not sep or not name or not _ENV_NAME.match(var):
        raise AuthConfigError(
            f"--auth-token-env {text[:60]!r}: expected NAME=VAR[:SCOPE,...] with VAR the name "
            "of an environment variable (never the token itself)"
        )
    return TokenSource(name, env=var, scopes=tuple(s for s in scopes.split(",") if s))


def auth_table(args: argparse.Namespace, table: dict[str, Any] | None) -> dict[str, Any] | None:
    """The build's `auth:` table with the serve options applied (None: no authentication).
    `--jwt-*` options replace the build's `jwt`; tokens add to its tokens."""
    merged: dict[str, Any] = dict(table or {})
    tokens = list(merged.get("tokens") or ())
    for text in args.auth_token_env:
        source = _token_env(text)
        tokens.append({"name": source.name, "env": source.env, "scopes": list(source.scopes)})
    if tokens:
        merged["tokens"] = tokens
    if args.auth_tokens_file:
        merged["tokens_files"] = list(args.auth_tokens_file)
    given = [args.jwt_issuer, args.jwt_audience, args.jwt_jwks_url]
    if any(given) or args.jwt_scope:
        if not all(given):
            raise AuthConfigError(
                "--jwt-issuer, --jwt-audience and --jwt-jwks-url go together — pass all three"
            )
        merged["jwt"] = {
            "issuer": args.jwt_issuer,
            "audience": args.jwt_audience,
            "jwks_url": args.jwt_jwks_url,
            "scopes": list(args.jwt_scope),
        }
    return merged if merged else None


def auth_gate(args: argparse.Namespace, table: dict[str, Any] | None, root: Path) -> Any:
    """The `AuthGate` to serve with, or None. Reads every token now, so a missing variable or
    file stops the start with a clear message (AuthConfigError) instead of refusing callers."""
    merged = auth_table(args, table)
    if merged is None:
        return None
    from .gate import AuthGate, AuthSettings

    settings = AuthSettings.from_table(merged, root)
    return AuthGate(settings)
