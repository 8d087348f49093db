"""An ASGI app factory, for running workers with uvicorn (or gunicorn) yourself:

    TOOLC_SERVE_ARGS="--client NAME --port 8000 --state redis://redis:6379/0" \\
        uvicorn --factory toolc.runtime.asgi:app --workers 4 --port 8000

`TOOLC_SERVE_ARGS` holds `toolc serve` options (shell-quoted), checked exactly as `toolc serve`
checks them; `--port` (and `--host`, for the exposure checks) must match what uvicorn binds.
Each worker process calls `app()` and so builds its own engine and Redis connection. The app is
always stateless: the server that forks the workers cannot keep a session in one of them.
"""

from __future__ import annotations

import os
import shlex
from typing import Final

from starlette.types import ASGIApp

ENV_ARGS: Final = "TOOLC_SERVE_ARGS"


class AppConfigError(RuntimeError):
    """`TOOLC_SERVE_ARGS` cannot be served; the message says why in one line."""


def app() -> ASGIApp:
    from .__main__ import _parser
    from .build import BuildError
    from .http_cli import HttpConfigError, http_options
    from .http_guard import Allowlists
    from .server import create_app
    from .state import StateConfigError, open_state
    from .streamable_http import asgi_app

    text = os.environ.get(ENV_ARGS)
    if not text:
        raise AppConfigError(f"set {ENV_ARGS} to the `toolc serve` options (at least --client)")
    try:
        args = _parser().parse_args(["serve", "--transport", "http", *shlex.split(text)])
    except SystemExit:
        raise AppConfigError(f"{ENV_ARGS} holds options `toolc serve` refuses") from None
    try:
        options = http_options(args)
        state = open_state(args.state)
        generated = args.generated or (args.root and os.path.join(args.root, "generated"))
        trace = args.trace if not args.no_trace else None
        served = create_app(args.client, generated, trace=trace, state=state)
    except (HttpConfigError, StateConfigError, BuildError) as exc:
        raise AppConfigError(str(exc)) from None
    return asgi_app(
        served.server,
        port=args.port,
        stateless=True,
        allowlists=Allowlists.build(args.port, options.allowed_hosts, options.allowed_origins),
        limits=options.limits,
        streams=served.streams,
    )
