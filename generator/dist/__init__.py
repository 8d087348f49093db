"""`toolc dist`: one installable server per client, as wheels that install side by side.

    toolc dist [--root DIR] [--out DIR] [--client NAME ...]

First the same validation as `check` (every diagnostic, client limits included) and the same
staleness test: any error, or a `generated/` that differs from what `generate` would write,
refuses the whole run with exit 1. Then it writes into `<out>/` (default `<root>/dist`):
`toolc-runtime` (runtime_wheel.py), `<server>-handlers` and one `<server>-<client>` wheel per
client (plan.py, wheel.py), so `pip install --find-links <out> <server>-<client>` works offline,
and `<out>/<client>/README.md` (snippets.py: install, run, connect, then the client's reference
page from `toolc docs`, also the wheel's description) with the page's HTML next to it. Progress goes to stderr; nothing is written
outside the output folder.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .plan import Plan, PlanError, plan, plan_handlers, project
from .runtime_wheel import plan_runtime
from .snippets import readme
from .wheel import build_wheel, wheel_filename

_CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_OWNED = ("README.txt", "README.md")  # file names dist writes into <out>/<client>/ (+ *.html)


@dataclass(frozen=True, slots=True, kw_only=True)
class Built:
    client: str
    wheel: Path
    extras: tuple[Path, ...]
    seconds: float


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `dist` subcommand's options."""
    parser.add_argument("--root", type=Path, default=Path("."), help="project root (default: .)")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: <root>/dist)"
    )
    parser.add_argument(
        "--client",
        action="append",
        default=None,
        metavar="NAME",
        help="build only this client (repeatable; default: every client)",
    )


def available_clients(root: Path) -> list[str]:
    """Clients with a build under generated/clients/, sorted."""
    base = root / "generated" / "clients"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "build.py").is_file())


@dataclass(frozen=True, slots=True, kw_only=True)
class Validation:
    ok: bool
    text: str  # diagnostics and verdict lines for stderr
    inputs: dict[str, str]  # client name -> its YAML file, "clients/cursor.yaml"


def validate(root: Path) -> Validation:
    """What `check` does, without printing a table: refuse on any error or a stale generated/."""
    from .. import build
    from ..diagnostics import render_text

    result = build(root, check=True)
    lines = [render_text(result.diagnostics)] if result.diagnostics else []
    for b in result.builds:
        p = b.profile
        over = (p.max_tools is not None and b.count > p.max_tools) or (
            p.max_list_bytes is not None and b.list_bytes > p.max_list_bytes
        )
        if over:
            lines.append(
                f'dist: client "{p.name}" is over its limits — see the diagnostics above.\n'
            )
    if result.ok and result.stale and result.written is not None:
        lines.append(
            f"dist: generated/ is stale ({len(result.written.changed)} changed, "
            f"{len(result.written.deleted)} stale files) — run toolc generate and commit.\n"
        )
    inputs = {b.profile.name: b.profile.path for b in result.builds}
    return Validation(ok=result.ok and not result.stale, text="".join(lines), inputs=inputs)


def package(
    root: Path,
    out: Path,
    clients: Sequence[str],
    *,
    inputs: dict[str, str] | None = None,
    quiet: bool = False,
) -> list[Built]:
    """Build the runtime, handler and client wheels of `clients` into `out`, and each client's
    README.md (and reference page HTML) into `out/<client>/`. Raises PlanError on bad input.

    `inputs` maps a client to its YAML file, to keep that file's hash in the wheel's manifest.
    """
    inputs = inputs or {}
    shared = project(root, list(clients))
    runtime = plan_runtime()
    handlers = plan_handlers(root, shared, runtime.version)
    plans: list[Plan] = [plan(root, c, shared, runtime.version, inputs.get(c)) for c in clients]
    out.mkdir(parents=True, exist_ok=True)
    common = [runtime, handlers]
    for old in out.glob("*.whl"):  # earlier versions of this server's wheels and the runtime's
        if any(old.name.startswith(wheel_filename(p).split("-")[0] + "-") for p in common + plans):
            old.unlink()

    def one(p: Plan) -> Built:
        start = time.perf_counter()
        if p.client:
            names = sorted([*(wheel_filename(c) for c in common), wheel_filename(p)])
            p = replace(p, readme=readme(p, names))
        wheel = build_wheel(p, out)
        extras: list[Path] = []
        if p.client:
            folder = out / p.client
            folder.mkdir(exist_ok=True)
            for old in folder.iterdir():
                if old.is_file() and old.suffix in (".whl", ".html") or old.name in _OWNED:
                    old.unlink()
            (folder / "README.md").write_bytes(p.readme)
            extras.append(folder / "README.md")
            html = dict(p.files).get(f"{p.package}/docs/{p.client}.html")
            if html is not None:
                (folder / f"{p.client}.html").write_bytes(html)
                extras.append(folder / f"{p.client}.html")
        seconds = time.perf_counter() - start
        if not quiet:
            print(f"dist: {wheel} ({seconds:.2f} s)", file=sys.stderr)
        return Built(client=p.client, wheel=wheel, extras=tuple(extras), seconds=seconds)

    with ThreadPoolExecutor(max_workers=min(4, len(plans) + 2)) as pool:
        built = list(pool.map(one, [*common, *plans]))
    return built[len(common) :] + built[: len(common)]


def run(root: Path, out: Path | None, clients: Sequence[str] | None) -> int:
    """The whole command; returns the exit code (0 ok, 1 bad input or stale, 2 internal)."""
    root = root.resolve()
    out = (out if out is not None else root / "dist").resolve()
    if importlib.util.find_spec("hatchling") is None:
        print(
            "dist: hatchling is not installed — reinstall toolc (it depends on hatchling).",
            file=sys.stderr,
        )
        return 1
    try:
        checked = validate(root)
    except Exception:
        print("toolc: internal error, please report it with this traceback:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 2
    if checked.text:
        print(checked.text, file=sys.stderr, end="")
    if not checked.ok:
        print("dist: refusing to build any client; nothing was written.", file=sys.stderr)
        return 1
    present = available_clients(root)
    wanted = list(dict.fromkeys(clients)) if clients else present
    unknown = [c for c in wanted if not _CLIENT_NAME.match(c) or c not in present]
    if unknown:
        print(
            f'dist: no client "{unknown[0]}" in generated/clients/ — choose one of: '
            f"{', '.join(present) or '(none; run toolc generate)'}.",
            file=sys.stderr,
        )
        return 1
    if not wanted:
        print("dist: generated/clients/ holds no client — run toolc generate.", file=sys.stderr)
        return 1
    try:
        built = package(root, out, wanted, inputs=checked.inputs)
    except PlanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    first = built[0]
    print(
        f"dist: {len(built)} wheels in {out}; install one client, offline:\n"
        f"  pip install --find-links {out} {first.wheel.name.split('-')[0].replace('_', '-')}\n"
        f"then `{first.wheel.name.split('-')[0].replace('_', '-')} config HOST` prints a host's "
        "config snippet (see README.md in each client's folder).",
        file=sys.stderr,
    )
    return 0


def main(args: argparse.Namespace) -> int:
    """Entry for `toolc dist` once argparse has parsed `add_arguments`' options."""
    return run(args.root, args.out, args.client)


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="toolc dist", description=__doc__)
    add_arguments(_parser)
    sys.exit(main(_parser.parse_args()))
