"""Who is calling, as the call path sees it: the principal of a request and the scopes it lacks.

Imported on every call (stdio too), so it stays light: no JWT library, no Starlette middleware.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser

from ..principal import Principal

ALL_SCOPES = "*"  # a static token with this scope has every scope
VIA_CLAIM = "toolc_via"  # how the principal authenticated, kept in the SDK's AccessToken
SCOPES_CLAIM = "toolc_scopes"  # the principal's own scopes


def principal_of(request: Any) -> Principal | None:
    """The principal the auth layer found for `request` (the transport's Starlette request; None
    over stdio); None when the request is not authenticated."""
    scope = getattr(request, "scope", None)
    user = scope.get("user") if isinstance(scope, dict) else None
    if not isinstance(user, AuthenticatedUser):
        return None
    token = user.access_token
    claims = token.claims or {}
    scopes = claims.get(SCOPES_CLAIM, token.scopes)
    return Principal(token.client_id, frozenset(scopes), str(claims.get(VIA_CLAIM, "bearer")))


def missing_scopes(required: Iterable[str], principal: Principal | None) -> tuple[str, ...]:
    """The `required` scopes `principal` lacks; () without a principal (stdio, HTTP without
    auth: one local user, nothing to check) or when its token has `*`."""
    if principal is None or ALL_SCOPES in principal.scopes:
        return ()
    return tuple(s for s in required if s not in principal.scopes)


def scope_error(where: str, missing: tuple[str, ...], principal: Principal) -> str:
    names = ", ".join(f'"{s}"' for s in missing)
    noun = "scope" if len(missing) == 1 else "scopes"
    return (
        f'{where} needs {noun} {names}, which the token of "{principal.name}" does not grant '
        f"— ask for a token with {noun} {names}"
    )
