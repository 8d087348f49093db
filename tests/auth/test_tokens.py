"""Static tokens and JWT checks without a server: rotation, unusable secrets, algorithm
confusion. The JWKS comes from a real HTTP server on 127.0.0.1 (tests.auth.support.Issuer)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jwt
import pytest

from tests.auth.support import Issuer
from toolc.runtime.auth.jwt_tokens import JwtSettings, JwtVerifier
from toolc.runtime.auth.tokens import AuthConfigError, StaticTokens, TokenSource, parse_tokens_file
from toolc.runtime.principal import Principal

pytestmark = pytest.mark.anyio
OLD, NEW = "old-0123456789abcdef", "new-0123456789abcdef"


def test_several_named_tokens_are_live_at_once_for_rotation(tmp_path: Path) -> None:
    (tmp_path / "new.token").write_text(NEW + "\n")
    tokens = StaticTokens.load(
        [
            TokenSource("ci-old", env="T_OLD"),
            TokenSource("ci-new", file="new.token", scopes=("a",)),
        ],
        environ={"T_OLD": OLD},
        root=tmp_path,
    )
    assert tokens.verify(OLD) == Principal("ci-old", frozenset(), "bearer")
    assert tokens.verify(NEW) == Principal("ci-new", frozenset({"a"}), "bearer")
    assert tokens.verify(NEW[:-1]) is None and tokens.verify("") is None


@pytest.mark.parametrize("value", ["", "short", "has a space in it 0123456789"])
def test_unset_or_weak_tokens_stop_the_start_without_echoing_them(value: str) -> None:
    with pytest.raises(AuthConfigError) as err:
        StaticTokens.load([TokenSource("ci", env="T")], environ={"T": value})
    message = str(err.value)
    assert "environment variable T" in message and '"ci"' in message
    assert not value or value not in message


def test_a_tokens_file_lists_names_tokens_and_scopes(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(f"# rotation\nci {OLD} notes:read *\n\nci2 {NEW}\n")
    assert parse_tokens_file(str(path)) == (("ci", OLD, ("notes:read", "*")), ("ci2", NEW, ()))
    path.write_text(f"ci {OLD}\nlonely\n")
    with pytest.raises(AuthConfigError, match=":2: expected NAME TOKEN"):
        parse_tokens_file(str(path))
    with pytest.raises(AuthConfigError, match="used twice"):
        StaticTokens([("a", OLD, ()), ("a", NEW, ())])


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_unsigned_and_symmetric_jwts_are_refused() -> None:
    with Issuer().serving() as issuer:
        aud = "http://127.0.0.1:9/mcp"
        verifier = JwtVerifier(JwtSettings(issuer.issuer, aud, issuer.url))
        good = issuer.token(aud=aud)
        assert await verifier.verify(good) == Principal("user-1", frozenset(), "jwt")
        claims = jwt.decode(good, options={"verify_signature": False})
        unsigned = f"{_b64({'alg': 'none', 'kid': 'k1'})}.{_b64(claims)}."
        assert await verifier.verify(unsigned) is None
        # HS256 keyed with the issuer's public key (algorithm confusion)
        public = issuer.jwks()["keys"][0]["n"]
        forged = jwt.encode(claims, public, algorithm="HS256", headers={"kid": "k1"})
        assert await verifier.verify(forged) is None
        assert await verifier.verify("not.a.jwt") is None
        assert issuer.hits == 1
