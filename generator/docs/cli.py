"""`toolc docs [--root DIR] [--out DIR] [--client NAME ...] [--check] [--quiet]`.

Compiles the project like `toolc check` (nothing under generated/ is written) and writes each
client's reference page, `docs/clients/<client>.md` and `.html`; pages of clients that no longer
exist are deleted. `--check` only compares (exit 1 with a diff when a page is stale); `--out DIR`
writes the pages into DIR instead (nothing is deleted there). `toolc generate` writes the same
pages, and `toolc check` fails when they are stale, so this command is for reading a project's
pages without regenerating it, or rendering them elsewhere.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import DOCS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toolc docs", description=__doc__.split("\n\n")[1])
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    parser.add_argument("--out", type=Path, help=f"write the pages here instead of {DOCS}/")
    parser.add_argument("--client", action="append", metavar="NAME", help="only this client")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    parser.add_argument("--quiet", action="store_true", help="no progress or warnings on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from .. import build
        from ..diagnostics import render_text

        result = build(args.root, check=True)
    except Exception:
        print("toolc: internal error, please report it with this traceback:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 2
    shown = [d for d in result.diagnostics if d.is_error or not args.quiet]
    if shown:
        sys.stderr.write(render_text(shown))
    if not result.ok:
        print("toolc docs: the project has errors — no page was written.", file=sys.stderr)
        return 1
    known = {b.profile.name for b in result.builds}
    wanted = args.client or sorted(known)
    unknown = [c for c in wanted if c not in known]
    if unknown:
        print(
            f'toolc docs: no client "{unknown[0][:40]}" — choose one of: '
            f"{', '.join(sorted(known))}.",
            file=sys.stderr,
        )
        return 1
    names = {f"{DOCS}/{c}{suffix}" for c in wanted for suffix in (".md", ".html")}
    pages = {f.path: f.text for f in result.files if f.path in names}
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for path, text in sorted(pages.items()):
            (args.out / Path(path).name).write_text(text, encoding="utf-8", newline="\n")
        _say(args, f"toolc docs: {len(pages)} pages written to {args.out}")
        return 0
    return _sync(args, pages, whole=args.client is None)


def _sync(args: argparse.Namespace, pages: dict[str, str], *, whole: bool) -> int:
    from ..write import _atomic_write, _diff, _safe, read_docs

    current = read_docs(args.root)
    changed = [p for p in sorted(pages) if current.get(p) != pages[p]]
    stale = [p for p in sorted(current) if p not in pages] if whole else []
    if args.check:
        if changed or stale:
            diff = "".join(_diff(p, current.get(p), pages[p]) for p in changed)
            sys.stdout.write(diff + "".join(_diff(p, current[p], None) for p in stale))
            print(
                f"toolc docs: {len(changed) + len(stale)} pages under {DOCS}/ are stale — "
                "run `toolc docs` (or `toolc generate`) and commit.",
                file=sys.stderr,
            )
            return 1
        _say(args, f"toolc docs: {DOCS}/ is up to date")
        return 0
    for path in changed:
        _atomic_write(_safe(args.root, path), pages[path])
    for path in stale:
        _safe(args.root, path).unlink(missing_ok=True)
    _say(args, f"toolc docs: {len(changed)} written, {len(stale)} deleted under {DOCS}/")
    return 0


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
