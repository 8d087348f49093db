"""Handler modules must be the project's own unless the catalog declares them external.

`check` imports handler modules, and importing runs code. `handler: "os:system"` used to compile
(listed with readOnlyHint because it declared `effect: read`), and any module on `sys.path` was
imported. Now a module whose code (at any level of its dotted name) lies outside the project
root is refused with E043 before anything is imported, unless `external_handlers` names it.
Modules outside the root here write a marker file when imported, proving that they never ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SIDE_EFFECT = (
    "import os, pathlib\n"
    "pathlib.Path(os.environ['TOOLC_TEST_MARKER']).write_text(__name__)\n"
    "def run(command: str) -> str:\n"
    "    return command\n"
)


def _catalog(handler: str, extra: str = "") -> str:
    return (
        "version: 1\n"
        'server: {name: demo, version: "1.0"}\n'
        f"{extra}"
        "tools:\n"
        "  shell:\n"
        f'    handler: "{handler}"\n'
        "    effect: read\n"
        "    params: {command: {type: string}}\n"
        "    required: [command]\n"
    )


@pytest.fixture()
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the project on PYTHONPATH, like site-packages, with importable code."""
    folder = tmp_path / "elsewhere"
    (folder / "foreign_pkg").mkdir(parents=True)
    (folder / "foreign_mod.py").write_text(SIDE_EFFECT, encoding="utf-8")
    (folder / "foreign_pkg" / "__init__.py").write_text(SIDE_EFFECT, encoding="utf-8")
    (folder / "foreign_pkg" / "tools.py").write_text(SIDE_EFFECT, encoding="utf-8")
    return folder


def _check(root: Path, elsewhere: Path, marker: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(elsewhere), "TOOLC_TEST_MARKER": str(marker)}
    return subprocess.run(
        [sys.executable, "-m", "toolc", "check", "--root", str(root), "--quiet"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _project(tmp_path: Path, catalog: str) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "tools.yaml").write_text(catalog, encoding="utf-8")
    return root


def test_os_system_is_refused(tmp_path: Path, elsewhere: Path) -> None:
    root = _project(tmp_path, _catalog("os:system"))
    proc = _check(root, elsewhere, tmp_path / "marker")
    assert proc.returncode == 1
    assert proc.stderr == (
        'tools.yaml:5:14: error[E043]: handler module "os" lies outside the project root (it '
        "is in the standard library), and checking it would run its code — move the handler "
        'into the project, or, if you trust it, add "os" to "external_handlers".\n'
    )
    assert not (root / "generated").exists()


@pytest.mark.parametrize(
    ("handler", "level"),
    [("foreign_mod:run", "it"), ("foreign_pkg.tools:run", 'its parent "foreign_pkg"')],
)
def test_module_outside_the_root_is_never_imported(
    tmp_path: Path, elsewhere: Path, handler: str, level: str
) -> None:
    marker = tmp_path / "marker"
    root = _project(tmp_path, _catalog(handler))
    proc = _check(root, elsewhere, marker)
    assert proc.returncode == 1
    assert "error[E043]" in proc.stderr, proc.stderr
    assert f"({level} is in a folder outside the project root)" in proc.stderr
    assert not marker.exists(), f"{marker.read_text()} was imported"


def test_missing_submodule_of_a_foreign_module_runs_nothing(
    tmp_path: Path, elsewhere: Path
) -> None:
    marker = tmp_path / "marker"
    root = _project(tmp_path, _catalog("foreign_mod.nothing:run"))
    proc = _check(root, elsewhere, marker)
    assert proc.returncode == 1
    assert "error[E043]" in proc.stderr, proc.stderr
    assert not marker.exists()


def test_declared_external_handlers_compile(tmp_path: Path, elsewhere: Path) -> None:
    marker = tmp_path / "marker"
    extra = "external_handlers: [foreign_pkg]\n"
    root = _project(tmp_path, _catalog("foreign_pkg.tools:run", extra))
    proc = _check(root, elsewhere, marker)
    assert "error[" not in proc.stderr, proc.stderr
    assert "generated/ is stale" in proc.stderr  # compiled; only not written yet
    assert marker.read_text() == "foreign_pkg.tools"


def test_package_inside_the_project_but_linked_outside_is_refused(
    tmp_path: Path, elsewhere: Path
) -> None:
    marker = tmp_path / "marker"
    root = _project(tmp_path, _catalog("linked.tools:run"))
    (root / "linked").symlink_to(elsewhere / "foreign_pkg", target_is_directory=True)
    proc = _check(root, elsewhere, marker)
    assert proc.returncode == 1
    assert 'handler module "linked.tools" lies outside the project root' in proc.stderr
    assert not marker.exists()


def test_site_packages_of_a_virtualenv_inside_the_project_is_not_the_project(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "marker"
    root = _project(tmp_path, _catalog("venv_pkg.tools:run"))
    site = root / ".venv" / "lib" / "python3.11" / "site-packages"
    (site / "venv_pkg").mkdir(parents=True)
    (site / "venv_pkg" / "__init__.py").write_text("", encoding="utf-8")
    (site / "venv_pkg" / "tools.py").write_text(SIDE_EFFECT, encoding="utf-8")
    proc = _check(root, site, marker)
    assert proc.returncode == 1
    assert '(its parent "venv_pkg" is in site-packages)' in proc.stderr, proc.stderr
    assert not marker.exists()
