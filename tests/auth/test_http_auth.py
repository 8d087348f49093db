"""Authentication over real HTTP (`toolc serve` subprocess on 127.0.0.1, the real `mcp` client and
raw httpx2): static tokens, JWTs from a test issuer whose JWKS is served on 127.0.0.1, the
challenges and the Protected Resource Metadata document."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx2
import pytest

from tests.auth.support import ALICE, OPS, Issuer, http_server, jwt_options, mcp_client
from tests.e2e.runtime_support import free_port
from tests.security.http_support import INITIALIZE, post

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
WELL_KNOWN = "/.well-known/oauth-protected-resource"


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with Issuer().serving() as running:
        yield running


@pytest.fixture(scope="module")
def served(issuer: Issuer) -> Iterator[tuple[str, str]]:
    """The `secure` build (static tokens from its YAML) plus JWTs by serve options; (url, aud)."""
    port = free_port()
    audience = f"http://127.0.0.1:{port}/mcp"
    options = jwt_options(issuer, audience, "mcp")
    with http_server("secure", *options, port=port) as url:
        yield url, audience


def challenge(response: httpx2.Response) -> str:
    value = response.headers.get("www-authenticate", "")
    assert value.startswith("Bearer "), response.headers
    return value


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789abcdef", "Basic abc"])
async def test_no_or_a_wrong_token_gets_401_with_the_metadata_url(
    served: tuple[str, str], token: str | None
) -> None:
    url, _ = served
    headers = {"Authorization": token if token and " " in token else f"Bearer {token}"}
    async with httpx2.AsyncClient(timeout=10) as http:
        r = await post(http, url, INITIALIZE, headers if token else None)
    assert r.status_code == 401
    value = challenge(r)
    assert 'error="invalid_token"' in value
    metadata = url.replace("/mcp", "/.well-known/oauth-protected-resource/mcp")
    assert f'resource_metadata="{metadata}"' in value and 'scope="mcp"' in value
    assert "wrong-token" not in r.text


async def test_the_protected_resource_metadata_document_is_served(
    served: tuple[str, str], issuer: Issuer
) -> None:
    url, audience = served
    async with httpx2.AsyncClient(timeout=10) as http:
        for path in (WELL_KNOWN + "/mcp", WELL_KNOWN):
            r = await http.get(url.replace("/mcp", path))
            assert r.status_code == 200, path
            doc = r.json()
            assert doc["resource"] == audience
            assert [s.rstrip("/") for s in doc["authorization_servers"]] == [issuer.issuer]
            assert doc["scopes_supported"] == ["mcp"]
            assert doc["bearer_methods_supported"] == ["header"]


async def test_expired_and_wrong_audience_jwts_get_401(
    served: tuple[str, str], issuer: Issuer
) -> None:
    url, audience = served
    long_ago = int(time.time()) - 3600
    bad = {
        "expired": issuer.token(aud=audience, scope="mcp", iat=long_ago, exp=long_ago + 60),
        "wrong audience": issuer.token(aud="http://127.0.0.1:1/mcp", scope="mcp"),
        "no audience": issuer.token(scope="mcp"),
        "wrong issuer": issuer.token(aud=audience, scope="mcp", iss="http://127.0.0.1:2"),
        "not yet valid": issuer.token(aud=audience, scope="mcp", nbf=int(time.time()) + 600),
    }
    async with httpx2.AsyncClient(timeout=10) as http:
        for what, token in bad.items():
            r = await post(http, url, INITIALIZE, {"Authorization": f"Bearer {token}"})
            assert r.status_code == 401, what
            assert 'error="invalid_token"' in challenge(r), what


async def test_a_jwt_without_the_required_scope_gets_403_insufficient_scope(
    served: tuple[str, str], issuer: Issuer
) -> None:
    url, audience = served
    token = issuer.token(aud=audience, scope="notes:read")
    async with httpx2.AsyncClient(timeout=10) as http:
        r = await post(http, url, INITIALIZE, {"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    value = challenge(r)
    assert 'error="insufficient_scope"' in value and 'scope="mcp"' in value


async def test_the_right_static_token_works_and_names_the_principal(
    served: tuple[str, str],
) -> None:
    url, _ = served
    async with mcp_client(url, ALICE) as client:
        r = await client.call_tool("whoami", {})
        assert not r.is_error
        assert r.structured_content == {
            "principal": "alice",
            "scopes": ["notes:read", "notes:write"],
            "via": "bearer",
        }
    async with mcp_client(url, OPS) as client:  # from a file; "*" carries the required scope
        r = await client.call_tool("whoami", {})
        assert r.structured_content is not None
        assert r.structured_content["principal"] == "ops"


async def test_a_jwt_from_the_issuer_is_accepted_and_keys_rotate(
    served: tuple[str, str], issuer: Issuer
) -> None:
    url, audience = served
    before = issuer.hits
    token = issuer.token(aud=audience, scope="mcp notes:read", sub="carol")
    async with mcp_client(url, token, mode="auto") as client:
        r = await client.call_tool("whoami", {})
        assert r.structured_content == {
            "principal": "carol",
            "scopes": ["mcp", "notes:read"],
            "via": "jwt",
        }
    # the issuer rotates: a new key, published; a token signed with it names the new kid
    issuer.add_key("k2")
    rotated = issuer.token("k2", aud=audience, scope="mcp", sub="dave")
    async with mcp_client(url, rotated) as client:
        r = await client.call_tool("whoami", {})
        assert r.structured_content is not None and r.structured_content["principal"] == "dave"
    assert issuer.hits - before <= 2  # fetched at most once for k1 and once for k2
    # a key the issuer never published is refused, and made-up kids do not flood the issuer
    issuer.add_key("rogue", publish=False)
    async with httpx2.AsyncClient(timeout=10) as http:
        hits = issuer.hits
        for i in range(10):
            forged = issuer.token("rogue", aud=audience, scope="mcp", jti=str(i))
            refused = await post(http, url, INITIALIZE, {"Authorization": f"Bearer {forged}"})
            assert refused.status_code == 401
        assert issuer.hits - hits <= 3
