"""`${NAME}` environment references in an upstream's strings, resolved at connect time.

Catalogs never hold literal secrets: `env`, `headers`, `args`, `command`, `cwd` and `url` may say
`${NAME}`, which is replaced by the server's environment variable NAME when the upstream is
connected (`$$` is a literal `$`). A variable that is not set is a clear error naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingVariable(Exception):
    """A `${NAME}` reference names a variable the server's environment does not set."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def resolve(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with every `${NAME}` replaced from `environ` (default: os.environ)."""
    source = os.environ if environ is None else environ

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "$"
        value = source.get(name)
        if value is None:
            raise MissingVariable(name)
        return value

    return _TOKEN.sub(one, text)


def resolve_map(values: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k): resolve(str(v)) for k, v in (values or {}).items()}
