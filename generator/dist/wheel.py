"""Build one wheel from a `Plan` with hatchling, reproducibly.

The plan's files are staged into a throw-away project folder (inside the output folder) with a
pyproject.toml naming the distribution, its dependencies and its console script; hatchling's
PEP 517 `build_wheel` hook turns it into a wheel. hatchling builds reproducibly by default: every
zip entry gets the SOURCE_DATE_EPOCH timestamp, permissions are normalized to 644/755, files are
walked in sorted order, and METADATA / WHEEL / RECORD depend only on the staged project. We pin
SOURCE_DATE_EPOCH (a constant unless the caller sets one) and ignore VCS files, so the same
commit gives byte-identical wheels on any machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .plan import Plan, PlanError

# 2020-02-02T00:00:00Z, hatchling's own default; used when SOURCE_DATE_EPOCH is not set.
DEFAULT_EPOCH = "1580601600"
_HOOK = (
    "import sys\n"
    "import hatchling.build\n"
    "sys.stdout.write(hatchling.build.build_wheel(sys.argv[1]))\n"
)


def wheel_filename(plan: Plan) -> str:
    """PEP 427 file name: the escaped distribution name, the version, and py3-none-any."""
    return f"{re.sub(r'[-_.]+', '_', plan.dist_name)}-{plan.version}-py3-none-any.whl"


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def pyproject(plan: Plan) -> str:
    """The staged project's pyproject.toml."""
    tops = sorted({path.split("/", 1)[0] for path, _ in plan.files})
    deps = "".join(f"    {_toml_str(d)},\n" for d in plan.dependencies)
    scripts = "".join(f"{_toml_str(name)} = {_toml_str(ref)}\n" for name, ref in plan.scripts)
    return (
        "[build-system]\n"
        'requires = ["hatchling"]\n'
        'build-backend = "hatchling.build"\n\n'
        "[project]\n"
        f"name = {_toml_str(plan.dist_name)}\n"
        f"version = {_toml_str(plan.version)}\n"
        f"description = {_toml_str(plan.description)}\n"
        f"requires-python = {_toml_str(plan.requires_python)}\n"
        + (f'readme = {{file = "README.md", content-type = "text/markdown"}}\n' if plan.readme else "")
        + f"dependencies = [\n{deps}]\n\n"
        f"[project.scripts]\n{scripts}\n"
        "[tool.hatch.build]\n"
        "ignore-vcs = true\n"
        "reproducible = true\n\n"
        "[tool.hatch.build.targets.wheel]\n"
        f"only-include = [{', '.join(_toml_str(t) for t in tops)}]\n"
    )


def stage(plan: Plan, folder: Path) -> None:
    """Write the plan's files and pyproject.toml into the empty folder `folder`."""
    for rel, content in plan.files:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(0o644)
    if plan.readme:
        (folder / "README.md").write_bytes(plan.readme)
    (folder / "pyproject.toml").write_text(pyproject(plan), encoding="utf-8")


def build_wheel(plan: Plan, out_dir: Path) -> Path:
    """Build the plan's wheel into `out_dir` (which must exist) and return its path."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with tempfile.TemporaryDirectory(prefix=".stage-", dir=out_dir) as tmp:
        staging = Path(tmp) / "project"
        staging.mkdir()
        stage(plan, staging)
        wheels = Path(tmp) / "wheels"
        wheels.mkdir()
        proc = subprocess.run(
            [sys.executable, "-c", _HOOK, str(wheels)],
            cwd=staging,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise PlanError(
                f'hatchling could not build the wheel "{plan.dist_name}" — '
                f"its output follows.\n{proc.stderr.strip()}"
            )
        built = wheels / (proc.stdout.strip().splitlines() or [""])[-1]
        expected = wheel_filename(plan)
        if built.name != expected:
            raise RuntimeError(f"hatchling wrote {built.name}, expected {expected}")
        target = out_dir / expected
        os.replace(built, target)
    return target
