"""`toolc lock` and `toolc breaking --against REF`: the CLI layer parses options and calls compat.

    toolc lock [--root DIR] [--changelog FILE] [--print] [--force]
    toolc breaking --against REF [--root DIR] [--format text|json] [--today YYYY-MM-DD]

Exit 0 when clean, 1 on errors in the input or a breaking change, 2 on an internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import traceback
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, has_errors, render_json, render_text
from . import LOCK_FILE, compare, lock_document, lock_text, read_lock, resolved, today, verdict
from .changelog import changelog
from .report import bump
from .rules import BY_ID

GIT_TIMEOUT = 120.0


def add_lock_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    parser.add_argument("--changelog", type=Path, help="also write the Markdown changelog here")
    parser.add_argument("--print", action="store_true", help="print the lock instead of writing it")
    parser.add_argument("--force", action="store_true", help="write even over breaking changes")
    parser.add_argument("--today", help="YYYY-MM-DD for sunsets (default: $TOOLC_TODAY or today)")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def add_breaking_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--against", required=True, help="a git ref: main, a tag, a commit")
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--today", help="YYYY-MM-DD for sunsets (default: $TOOLC_TODAY or today)")


def _emit(diags: tuple[Diagnostic, ...] | list[Diagnostic], fmt: str) -> None:
    if diags or fmt == "json":
        sys.stderr.write((render_json if fmt == "json" else render_text)(diags))


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def lock_main(args: argparse.Namespace) -> int:
    root: Path = args.root
    catalog, builds, diags = resolved(root)
    if catalog is None or has_errors(diags):
        _emit(diags, args.format)
        return 1
    after = lock_document(catalog, builds)
    before, text, problems = read_lock(root)
    diags = (*diags, *problems)
    if has_errors(problems):
        _emit(diags, args.format)
        return 1
    if before is not None and not args.force:
        version = str((before.get("server") or {}).get("version", ""))
        found = verdict(compare(before, after, today(args.today)), catalog, text, version)
        if found.diagnostics:
            _emit((*diags, *found.diagnostics), args.format)
            print(
                f"toolc: {LOCK_FILE} not written: breaking changes — bump the major version or "
                "list them in allow_breaking (--force writes anyway).",
                file=sys.stderr,
            )
            return 1
    _emit(diags, args.format)
    if args.print:
        sys.stdout.write(lock_text(after))
        return 0
    notes = changelog(before, after)
    if args.changelog is not None:
        _write(args.changelog, notes)
    _write(root / LOCK_FILE, lock_text(after))
    sys.stdout.write(notes)
    print(f"toolc: wrote {LOCK_FILE} ({len(after['clients'])} clients)", file=sys.stderr)
    return 0


def _git(
    root: Path, *args: str, stdout: Any = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=GIT_TIMEOUT,
        check=False,
    )


def lock_at(root: Path, ref: str) -> tuple[dict[str, Any] | None, str, str]:
    """The lock of the catalog at git `ref` (computed by a separate toolc process on an export of
    that tree, so its handlers never mix with the current ones), its text, or an error message."""
    if ref.startswith("-"):
        return None, "", f'"{ref[:40]}" is not a git ref'
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None, "", f'"{root}" is not inside a git repository'
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        return None, "", f'git ref "{ref[:60]}" does not exist'
    with tempfile.TemporaryDirectory(prefix="toolc-against-") as tmp:
        archive = Path(tmp) / "tree.tar"
        with archive.open("wb") as out:
            made = _git(root, "archive", "--format=tar", commit.stdout.decode().strip(), stdout=out)
        if made.returncode != 0:
            return (
                None,
                "",
                f'cannot export "{ref[:60]}" ({made.stderr.decode(errors="replace")[:200]})',
            )
        tree = Path(tmp) / "tree"
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        project = tree / prefix
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("TOOLC_GENERATED", None)
        run = subprocess.run(
            [sys.executable, "-m", "toolc", "lock", "--root", str(project), "--print", "--force"],
            capture_output=True,
            timeout=600,
            check=False,
            cwd=project,
            env=env,
        )
        if run.returncode != 0:
            detail = run.stderr.decode("utf-8", errors="replace").strip().splitlines()[:3]
            return (
                None,
                "",
                f'the catalog at "{ref[:60]}" does not compile: ' + " / ".join(detail)[:400],
            )
        text = run.stdout.decode("utf-8")
        return json.loads(text), text, ""


def breaking_main(args: argparse.Namespace) -> int:
    root: Path = args.root
    catalog, builds, diags = resolved(root)
    if catalog is None or has_errors(diags):
        _emit(diags, args.format)
        return 1
    before, text, problem = lock_at(root, args.against)
    if before is None:
        print(
            f"toolc: {problem} — pass a commit, branch or tag of this repository.", file=sys.stderr
        )
        return 1
    after = lock_document(catalog, builds)
    changes = compare(before, after, today(args.today))
    version = str(before["server"]["version"])
    found = verdict(changes, catalog, text, version, lock_name=f"{LOCK_FILE}@{args.against}")
    part = bump(before, after, breaking=any(c.sunset is None for c in changes))
    _emit(found.diagnostics, args.format)
    if args.format == "json":
        doc = {
            "ok": not found.diagnostics,
            "against": args.against,
            "bump": part,
            "changes": [
                {
                    "rule": c.rule,
                    "category": BY_ID[c.rule].category,
                    "subject": c.subject,
                    "client": c.client,
                    "message": c.message,
                    "after_sunset": c.sunset is not None,
                }
                for c in changes
            ],
            "accepted": list(found.accepted),
        }
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        for line in found.accepted:
            print(f"toolc: accepted: {line}", file=sys.stderr)
        print(
            f"toolc: against {args.against[:60]}: {len(found.diagnostics)} breaking changes, "
            f"the release needs a {part} version bump",
            file=sys.stderr,
        )
    return 1 if found.diagnostics else 0


def main(command: str, args: argparse.Namespace) -> int:
    try:
        return lock_main(args) if command == "lock" else breaking_main(args)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        print(
            f"toolc {command}: {str(exc)[:300]} — check the paths and the git ref.", file=sys.stderr
        )
        return 1
    except Exception:
        print("toolc: internal error, please report it with this traceback:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 2
