"""Rules of a client's `state:` (shared state in Redis): E080 no password in clear, E081 exactly
one of `url` / `url_env`, E082 a Redis URL scheme and a usable variable name. The URL itself is
written to the build as given (its `${VAR}` references are read when the server starts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, error
from ..ir import Span
from .context import Context

SCHEMES = ("redis", "rediss", "unix")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


def state_is_safe(ctx: Context) -> Iterator[Diagnostic]:
    for doc in ctx.clients:
        state = doc.data.get("state")
        if not isinstance(state, dict):
            continue
        client = doc.data.get("client")
        if ("url" in state) == ("url_env" in state):
            yield error(
                doc.source_map.key_span(("state",)),
                "E081",
                f'client "{client}" state needs exactly one of "url" and "url_env"',
                'give "url" (${VAR} references allowed) or "url_env" (a variable holding it)',
            )
            continue
        if "url_env" in state:
            name = state["url_env"][:60]
            if not ENV_NAME.match(state["url_env"]):
                yield error(
                    doc.source_map.span(("state", "url_env")),
                    "E082",
                    f'client "{client}" state.url_env "{name}" is not a variable name',
                    "use letters, digits and underscores, not starting with a digit",
                )
            continue
        yield from _url(doc.source_map.span(("state", "url")), str(client), state["url"])


def _url(span: Span, client: str, url: str) -> Iterator[Diagnostic]:
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        parts, password = None, None
    if parts is None or parts.scheme not in SCHEMES:
        yield error(
            span,
            "E082",
            f'client "{client}" state.url is not a Redis URL',
            "start it with redis://, rediss:// or unix://",
        )
        return
    if password and not REFERENCE.match(password):
        yield error(
            span,
            "E080",
            f'client "{client}" state.url holds a password in clear',
            "write ${VAR} in its place (read from the environment at serve time) or use url_env",
        )
