"""Shared state in Redis for many workers: cached reads and their invalidations, rate-limit
buckets, and the SSE event store (`toolc serve --state redis://...`).

`SharedState` owns one Redis connection pool per worker process (created lazily, on the worker's
own event loop) and a key prefix. Every command goes through `SharedState.run`, which never
raises: a Redis that is down, slow or refusing returns None, is counted and logged by `health`,
and the caller falls back (reads run uncached, buckets count per worker, SSE replay is local).
Breakers stay per worker: a breaker trips on a worker's own view of a failing dependency within
seconds, sharing it would cost a Redis round trip on every call, and N workers each tripping
after `failure_threshold` failures costs at most N times that many failed calls.

A URL may hold a password: it is read from the command line or the environment at serve time
(`${VAR}` references are expanded then) and is never logged or written to generated files.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import urlsplit, urlunsplit

import anyio

from . import health

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")

COMMAND_TIMEOUT: Final = 0.5  # seconds for one Redis command before it counts as down
SCHEMES: Final = ("redis", "rediss", "unix")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class StateConfigError(ValueError):
    """A `--state` URL that cannot be used; the message is one line for the user."""


def expand_url(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with every `${VAR}` replaced from the environment; checks the scheme."""
    env = os.environ if environ is None else environ

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise StateConfigError(
                f'the state URL refers to "${{{name}}}", which is not set — export {name} '
                "or write the URL out"
            )
        return env[name]

    url = _VAR.sub(value, text)
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise StateConfigError(
            f"the state URL must start with redis://, rediss:// or unix:// — got "
            f'"{redact(url)[:60]}"'
        )
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


class _Connection:
    """The Redis client of this worker process, created on first use (on the worker's loop)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client: Redis | None = None

    def get(self) -> Redis:
        if self.client is None:
            from redis.asyncio import Redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            # no retries: a failed command falls back at once, `health` decides when to retry
            self.client = Redis.from_url(
                self.url,
                socket_timeout=COMMAND_TIMEOUT,
                socket_connect_timeout=COMMAND_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
        return self.client


class SharedState:
    """One worker's handle on the shared Redis: a key prefix and the process's connection."""

    def __init__(self, url: str, prefix: str = "toolc:", *, _conn: _Connection | None = None):
        self.prefix = prefix
        self._conn = _conn or _Connection(url)
        if _conn is None:
            health.configure(True)

    @property
    def url(self) -> str:
        return self._conn.url

    def for_server(self, server: str) -> SharedState:
        """A view whose keys live under this server's name (builds of one server share data)."""
        return SharedState(self.url, f"{self.prefix}{key_part(server)}:", _conn=self._conn)

    async def run(
        self, what: str, command: Callable[[Redis], Awaitable[T]], *, force: bool = False
    ) -> T | None:
        """`command(redis)`, or None when Redis is down, slow or fails (recorded in `health`).

        `force` tries even during the backoff after a failure (a write's invalidation: a missed
        one lets other workers serve old results, a refused connection costs nothing)."""
        if not force and not health.available():
            return None
        try:
            with anyio.fail_after(COMMAND_TIMEOUT * 2):
                result = await command(self._conn.get())
        except Exception as exc:  # redis errors, OSError, TimeoutError: all mean "not now"
            health.failed(what, exc)
            return None
        health.succeeded()
        return result

    async def close(self) -> None:
        client, self._conn.client = self._conn.client, None
        if client is not None:
            with contextlib.suppress(Exception):  # closing a pool to a dead server
                await client.aclose()


def open_state(text: str | None, environ: Mapping[str, str] | None = None) -> SharedState | None:
    """The shared state for a `--state` value (None: none configured)."""
    if not text:
        health.configure(False)
        return None
    return SharedState(expand_url(text, environ))


def state_of_build(table: Mapping[str, str]) -> SharedState:
    """The shared state a client build's `state:` names (`url`, or `url_env`: a variable)."""
    if "url_env" in table:
        name = table["url_env"]
        url = os.environ.get(name, "")
        if not url:
            raise StateConfigError(
                f'the client build reads its state URL from "{name}", which is not set — '
                f"export {name} or pass --state URL"
            )
        return SharedState(expand_url(url))
    return SharedState(expand_url(table["url"]))


def key_part(value: str) -> str:
    """A name made safe to sit between `:` separators in a key."""
    return value.replace("%", "%25").replace(":", "%3A")
