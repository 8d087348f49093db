"""Stage 6: pinned ruff over in-memory text, in one batch.

Every unformatted `.py` file goes into one temporary folder, then three ruff runs cover them all
(so 1,000 operations is three subprocesses, not thousands):
1. `ruff check --fix --select I` sorts imports,
2. `ruff format` formats,
3. `ruff check --add-noqa` with the project's rule set marks what formatting cannot fix (a
   string longer than the line, a field named `l`), so generated code passes `ruff check`.
Ruff runs `--isolated` with the settings below, which mirror pyproject.toml: the output does not
depend on whatever configuration sits around the project. Formatting formatted output changes
nothing.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .emit import OutputFile

LINE_LENGTH = 100
TARGET = "py311"
RULES = "E,F,W,I,B,UP,SIM,RUF"
IGNORED = "RUF001,RUF002,RUF003"


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def settings(first_party: Iterable[str]) -> list[str]:
    """Command-line settings shared by every ruff run; also part of the models cache key."""
    known = ", ".join(f'"{name}"' for name in sorted(set(first_party)))
    return [
        "--isolated",
        f"--line-length={LINE_LENGTH}",
        f"--target-version={TARGET}",
        "--config",
        f"lint.isort.known-first-party = [{known}]",
    ]


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version("ruff")


def _run(args: list[str], cwd: Path) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ruff failed ({' '.join(args[1:3])}):\n{proc.stderr}{proc.stdout}")


def format(files: Iterable[OutputFile], *, first_party: Iterable[str]) -> tuple[OutputFile, ...]:
    """Format every `.py` file not yet marked `formatted`; return all files, formatted."""
    files = tuple(files)
    todo = [f for f in files if f.path.endswith(".py") and not f.formatted]
    if not todo:
        return files
    opts = settings(["generated", *first_party])
    ruff = _ruff()
    done: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="toolc-fmt-") as tmp:
        base = Path(tmp)
        for f in todo:
            target = base / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text, encoding="utf-8", newline="\n")
        paths = ["generated"]
        _run([ruff, "check", *opts, "--fix", "--select", "I", "--exit-zero", "-q", *paths], base)
        _run([ruff, "format", *opts, "-q", *paths], base)
        _run(
            [
                ruff,
                "check",
                *opts,
                "--select",
                RULES,
                "--ignore",
                IGNORED,
                "--add-noqa",
                "-q",
                *paths,
            ],
            base,
        )
        for f in todo:
            done[f.path] = (base / f.path).read_text(encoding="utf-8")
    return tuple(
        OutputFile(path=f.path, text=done[f.path], formatted=True) if f.path in done else f
        for f in files
    )
