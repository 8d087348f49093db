"""OAuth 2.1 access tokens as JWTs (RFC 9068), verified against the issuer's JWKS.

A token is accepted when its signature verifies with an asymmetric key of the issuer, `iss` is
the issuer, `aud` holds this server's resource URL, `exp` is in the future and `nbf` in the past
(with `LEEWAY` seconds of clock skew), and it has a `sub`. Scopes come from `scope` (space-
separated) or `scp` (a list). The principal is the `sub`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final

import jwt

from ..principal import Principal
from .jwks import ASYMMETRIC, JwksKeys

log = logging.getLogger("toolc.runtime.auth")

LEEWAY: Final = 30  # seconds of clock skew allowed on exp / nbf / iat


@dataclass(frozen=True, slots=True)
class JwtSettings:
    issuer: str
    audience: str  # this server's resource URL
    jwks_url: str
    scopes: tuple[str, ...] = ()  # every token must carry these (403 insufficient_scope)


def token_scopes(claims: dict[str, Any]) -> frozenset[str]:
    scope = claims.get("scope")
    if isinstance(scope, str):
        return frozenset(scope.split())
    scp = claims.get("scp")
    if isinstance(scp, list):
        return frozenset(s for s in scp if isinstance(s, str))
    return frozenset()


class JwtVerifier:
    __slots__ = ("audiences", "keys", "settings")

    def __init__(self, settings: JwtSettings) -> None:
        self.settings = settings
        self.keys = JwksKeys(settings.jwks_url)
        bare = settings.audience.rstrip("/")
        self.audiences = [bare, bare + "/"]  # a trailing slash is the same resource

    def looks_like_jwt(self, token: str) -> bool:
        return token.count(".") == 2

    async def verify(self, token: str) -> Principal | None:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return None
        alg = header.get("alg")
        if alg not in ASYMMETRIC:
            log.info("refused a JWT signed with %r", str(alg)[:20])
            return None
        key = await self.keys.get(str(header.get("kid", "")))
        if key is None:
            log.info("refused a JWT: no key of the issuer has its key id")
            return None
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self.audiences,
                issuer=self.settings.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            log.info("refused a JWT: %s", str(exc)[:200])
            return None
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            return None
        return Principal(sub, token_scopes(claims), "jwt")
