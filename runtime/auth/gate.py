"""The HTTP side of authentication: the SDK bearer middleware around `/mcp`, and the PRM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp.server.auth.middleware.bearer_auth import (
    BearerAuthBackend,
    RequireAuthMiddleware,
)
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.routes import build_resource_metadata_url, create_protected_resource_routes
from pydantic import AnyHttpUrl
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..principal import Principal
from .jwt_tokens import JwtSettings, JwtVerifier
from .scopes import SCOPES_CLAIM, VIA_CLAIM
from .tokens import AuthConfigError, StaticTokens, TokenSource, parse_tokens_file

__all__ = ["AuthConfigError", "AuthGate", "AuthSettings", "JwtSettings", "TokenSource"]


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """What the client build's `auth:` and the serve options declare (names and paths only)."""

    tokens: tuple[TokenSource, ...] = ()
    tokens_files: tuple[str, ...] = ()
    jwt: JwtSettings | None = None
    root: Path | None = field(default=None, compare=False)  # relative token files start here

    @property
    def enabled(self) -> bool:
        return bool(self.tokens or self.tokens_files or self.jwt)

    @classmethod
    def from_table(cls, table: dict[str, Any] | None, root: Path | None = None) -> AuthSettings:
        """The build's AUTH table (generated from the client YAML's `auth:`)."""
        if not table:
            return cls(root=root)
        tokens = tuple(
            TokenSource(
                name=str(t["name"]),
                env=t.get("env"),
                file=t.get("file"),
                scopes=tuple(t.get("scopes") or ()),
            )
            for t in table.get("tokens") or ()
        )
        raw = table.get("jwt")
        jwt = (
            JwtSettings(
                issuer=str(raw["issuer"]),
                audience=str(raw["audience"]),
                jwks_url=str(raw["jwks_url"]),
                scopes=tuple(raw.get("scopes") or ()),
            )
            if raw
            else None
        )
        files = tuple(str(f) for f in table.get("tokens_files") or ())
        return cls(tokens=tokens, tokens_files=files, jwt=jwt, root=root)


class Authenticator:
    """The SDK's `TokenVerifier`: a static token first, then a JWT."""

    def __init__(self, settings: AuthSettings) -> None:
        entries = [e for path in settings.tokens_files for e in parse_tokens_file(path)]
        self.static = StaticTokens.load(settings.tokens, entries, root=settings.root)
        self.jwt = JwtVerifier(settings.jwt) if settings.jwt else None
        self.required = settings.jwt.scopes if settings.jwt else ()

    async def verify(self, token: str) -> Principal | None:
        principal = self.static.verify(token)
        if principal is None and self.jwt is not None and self.jwt.looks_like_jwt(token):
            principal = await self.jwt.verify(token)
        return principal

    async def verify_token(self, token: str) -> AccessToken | None:
        principal = await self.verify(token)
        if principal is None:
            return None
        scopes = set(principal.scopes)
        if principal.via != "jwt":  # `jwt.scopes` are asked of JWTs; static tokens are as given
            scopes.update(self.required)
        return AccessToken(
            token="",  # the secret is not kept past this check
            client_id=principal.name,
            subject=principal.name,
            scopes=sorted(scopes),  # what RequireAuthMiddleware checks
            claims={VIA_CLAIM: principal.via, SCOPES_CLAIM: sorted(principal.scopes)},
        )


class ScopedChallenge(RequireAuthMiddleware):
    """The SDK's middleware, whose challenges also name the required scopes (`scope="..."`, as
    the MCP authorization spec asks), so a client knows what to request from the issuer."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.required_scopes:
            await super().__call__(scope, receive, send)
            return
        param = b', scope="' + " ".join(self.required_scopes).encode() + b'"'

        async def send_with_scope(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (401, 403):
                message = dict(message)
                message["headers"] = [
                    (k, v + param if k.lower() == b"www-authenticate" else v)
                    for k, v in message["headers"]
                ]
            await send(message)

        await super().__call__(scope, receive, send_with_scope)


def check_url(key: str, url: str, *, https: bool) -> None:
    """An absolute http(s) URL; with `https`, plain http only on a loopback host."""
    from urllib.parse import urlsplit

    from ..http_guard import is_loopback

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AuthConfigError(f'jwt {key} "{url[:100]}" is not an http(s) URL — give a full URL')
    if https and parts.scheme != "https" and not is_loopback(parts.hostname):
        raise AuthConfigError(
            f'jwt {key} "{url[:100]}" is plain http: keys fetched over it can be forged in '
            "transit — use https (plain http is accepted on loopback only)"
        )


class AuthGate:
    """The HTTP side of authentication, ready to wrap the `/mcp` endpoint."""

    def __init__(self, settings: AuthSettings) -> None:
        if not settings.enabled:
            raise AuthConfigError("no tokens and no JWT issuer: nothing to authenticate with")
        self.settings = settings
        jwt = settings.jwt
        if jwt is not None:
            check_url("issuer", jwt.issuer, https=False)
            check_url("audience", jwt.audience, https=False)
            check_url("jwks_url", jwt.jwks_url, https=True)
        self.authenticator = Authenticator(settings)
        self.resource = AnyHttpUrl(jwt.audience) if jwt else None
        self.metadata_url = build_resource_metadata_url(self.resource) if self.resource else None

    def describe(self) -> str:
        parts = []
        if len(self.authenticator.static):
            parts.append(f"{len(self.authenticator.static)} static token(s)")
        if self.settings.jwt:
            parts.append(f"JWTs from {self.settings.jwt.issuer}")
        return " and ".join(parts)

    def middleware(self) -> list[Middleware]:
        return [Middleware(AuthenticationMiddleware, backend=BearerAuthBackend(self.authenticator))]

    def require(self, endpoint: ASGIApp) -> ASGIApp:
        required = list(self.settings.jwt.scopes) if self.settings.jwt else []
        return ScopedChallenge(endpoint, required, self.metadata_url)

    def routes(self) -> Sequence[BaseRoute]:
        """The Protected Resource Metadata document, at the RFC 9728 path of the resource and at
        the root well-known path (clients try both)."""
        jwt = self.settings.jwt
        if jwt is None or self.resource is None:
            return []
        routes = create_protected_resource_routes(
            resource_url=self.resource,
            authorization_servers=[AnyHttpUrl(jwt.issuer)],
            scopes_supported=list(jwt.scopes) or None,
        )
        root = "/.well-known/oauth-protected-resource"
        if all(getattr(r, "path", "") != root for r in routes):
            endpoint = routes[0].endpoint
            from starlette.routing import Route

            routes.append(Route(root, endpoint=endpoint, methods=["GET", "OPTIONS"]))
        return routes
