"""An issuer's signing keys (JWKS), fetched over HTTP, cached, and refetched on an unknown `kid`.

Keys are fetched on first use, again when older than `max_age`, and when a token names a key id
the cached set lacks (the issuer rotated its keys). Unknown-kid refetches are rate-limited (a
small token bucket: `REFETCH_BURST` at once, then one per `REFETCH_EVERY` seconds) and single-
flight, so a stream of tokens with made-up key ids cannot turn the server into a load generator
against the issuer. A failed fetch keeps the keys already known.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Final

import anyio
import jwt

from ..ratelimit.store import MemoryBuckets

log = logging.getLogger("toolc.runtime.auth")

MAX_AGE: Final = 3600.0  # seconds a fetched key set is trusted before a refetch
REFETCH_BURST: Final = 3  # unknown-kid refetches allowed at once
REFETCH_EVERY: Final = 30.0  # then one per this many seconds
FETCH_TIMEOUT: Final = 5.0
MAX_JWKS_BYTES: Final = 256 * 1024
ASYMMETRIC: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class JwksKeys:
    __slots__ = (
        "_lock",
        "failed_at",
        "fetched_at",
        "fetches",
        "keys",
        "limiter",
        "max_age",
        "url",
    )

    def __init__(self, url: str, *, max_age: float = MAX_AGE) -> None:
        self.url = url
        self.max_age = max_age
        self.keys: dict[str, jwt.PyJWK] = {}  # kid ("" for a key without one) -> key
        self.fetched_at: float | None = None
        self.failed_at = -REFETCH_EVERY  # the last failed fetch (monotonic seconds)
        self.fetches = 0
        self.limiter = MemoryBuckets(max_buckets=1)
        self._lock = anyio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key `kid` names, fetching the set when it is missing, stale or lacks `kid`."""
        now = time.monotonic()
        stale = self.fetched_at is None or now - self.fetched_at > self.max_age
        key = self.keys.get(kid)
        if key is not None and (not stale or now - self.failed_at < REFETCH_EVERY):
            return key  # fresh, or stale while the issuer is failing: keep what we have
        async with self._lock:
            key = self.keys.get(kid)
            fresh = self.fetched_at is not None and time.monotonic() - self.fetched_at <= 1.0
            if key is not None and (fresh or not stale):
                return key  # another request refetched while this one waited
            if not stale and self.limiter.take_now("jwks", 1 / REFETCH_EVERY, REFETCH_BURST) > 0:
                log.warning("token names unknown key id; JWKS refetch rate limit reached")
                return None
            await self._fetch()
            return self.keys.get(kid)

    async def _fetch(self) -> None:
        import httpx2

        self.fetches += 1
        try:
            async with httpx2.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False) as http:
                response = await http.get(self.url, headers={"accept": "application/json"})
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            if len(response.content) > MAX_JWKS_BYTES:
                raise ValueError(f"larger than {MAX_JWKS_BYTES} bytes")
            self.keys = _parse(json.loads(response.content))
            self.fetched_at = time.monotonic()
        except Exception as exc:  # keep the keys we have; the token is refused if none fits
            self.failed_at = time.monotonic()
            log.warning("cannot fetch JWKS from %s: %s", self.url, str(exc)[:200])


def _parse(data: Any) -> dict[str, jwt.PyJWK]:
    """The signing keys of a JWKS document: asymmetric, usable for signatures."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError('not a JWKS document (no "keys" list)')
    keys: dict[str, jwt.PyJWK] = {}
    for entry in data["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        if entry.get("kty") not in ("RSA", "EC", "OKP"):
            continue  # symmetric keys (kty "oct") never verify tokens from an issuer
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue
        keys[str(entry.get("kid", ""))] = key
    return keys
