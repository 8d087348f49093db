"""`toolc dist` end to end on the real catalog: build, inspect, rebuild, install, serve, call.

One module-scoped build of every wheel (through the real CLI, validation included), a second
build to compare bytes, and one client installed with `--find-links` into a fresh virtual
environment whose console script is driven over stdio by the real `mcp` client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from toolc.generator.dist.plan import import_name, literal_assignments

ROOT = Path(__file__).resolve().parents[2]
COMPILER_DISTS = (
    "jinja2",
    "pyyaml",
    "datamodel-code-generator",
    "datamodel_code_generator",
    "ruff",
)

pytestmark = pytest.mark.slow


def _clients() -> list[str]:
    base = ROOT / "generated" / "clients"
    return (
        sorted(p.name for p in base.iterdir() if (p / "build.py").is_file())
        if base.is_dir()
        else []
    )


def _build_table(client: str) -> dict[str, Any]:
    rel = f"generated/clients/{client}/build.py"
    return literal_assignments((ROOT / rel).read_bytes(), rel)


def _listed_names(client: str) -> list[str]:
    tools_list = ROOT / "generated" / "clients" / client / "tools_list.json"
    return [t["name"] for t in json.loads(tools_list.read_bytes())["tools"]]


def _dist(out: Path, *clients: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "toolc", "dist", "--root", str(ROOT), "--out", str(out)]
    for client in clients:
        args += ["--client", client]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not _clients():
        pytest.skip("generated/ holds no client yet — run make generate")
    out = tmp_path_factory.mktemp("dist")
    proc = _dist(out)
    assert proc.returncode == 0, proc.stderr
    wheels = {c: next(out.glob(f"{_package(c)}-*.whl")) for c in _clients()}
    return wheels


def _package(client: str) -> str:
    return import_name(_build_table(client)["SERVER"]["name"], client)


def test_every_client_gets_a_wheel_and_a_readme(built: dict[str, Path]) -> None:
    out = next(iter(built.values())).parent
    shared = sorted(p.name.split("-")[0] for p in out.glob("*.whl") if p not in built.values())
    assert shared == ["bmad_handlers", "toolc_runtime"]
    for client, wheel in built.items():
        readme = (out / client / "README.md").read_text()
        assert wheel.name in readme and f"config {'cursor' if client == 'cursor' else ''}" in readme
        # the client's reference page: in the folder's README (after the install notes), as HTML
        # next to it, in the package, and as the wheel's description
        page = (ROOT / "docs" / "clients" / f"{client}.md").read_text()
        assert readme.endswith(page) and "## Legacy names" in readme
        html = (ROOT / "docs" / "clients" / f"{client}.html").read_bytes()
        assert (out / client / f"{client}.html").read_bytes() == html
        with zipfile.ZipFile(wheel) as zf:
            package = _package(client)
            assert zf.read(f"{package}/docs/{client}.md").decode() == page
            assert zf.read(f"{package}/docs/{client}.html") == html
            info = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = zf.read(info).decode()
        assert "Description-Content-Type: text/markdown" in metadata and page in metadata


def test_wheel_contents(built: dict[str, Path]) -> None:
    others = set(built)
    for client, wheel in built.items():
        table = _build_table(client)
        server = table["SERVER"]
        modules = {t["module"] for t in table["TOOLS"].values()}
        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
            info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
            metadata = zf.read(f"{info}/METADATA").decode()
            entry_points = zf.read(f"{info}/entry_points.txt").decode()
        package = _package(client)
        tops = {n.split("/")[0] for n in names}
        assert tops == {package, info}, (client, tops)
        for other in others - {client}:
            assert not any(n.startswith(f"{package}/clients/{other}/") for n in names)
        assert f"{package}/clients/{client}/build.py" in names
        assert f"{package}/clients/{client}/tools_list.json" in names
        shipped = {n.rsplit("/", 1)[1][:-3] for n in names if n.startswith(f"{package}/dispatch/")}
        assert shipped - {"__init__"} == modules, client
        assert f"Version: {server['version']}\n" in metadata
        requires = [ln.lower() for ln in metadata.splitlines() if ln.startswith("Requires-Dist:")]
        assert requires == [
            f"requires-dist: bmad-handlers=={server['version']}",
            "requires-dist: toolc-runtime==0.1.0",
        ]
        assert f"{server['name']}-{client} = {package}._serve:main" in entry_points


def test_building_twice_gives_identical_bytes(built: dict[str, Path], tmp_path: Path) -> None:
    proc = _dist(tmp_path / "again")
    assert proc.returncode == 0, proc.stderr
    out = next(iter(built.values())).parent
    for path in out.rglob("*"):
        if path.is_file():
            again = tmp_path / "again" / path.relative_to(out)
            assert again.read_bytes() == path.read_bytes(), path


def _call_for(client: str) -> tuple[str, dict[str, Any]]:
    """A listed name and arguments for a read operation that needs no arguments."""
    table = _build_table(client)
    listed = _listed_names(client)
    names: dict[str, str] = table.get("NAMES", {})
    for tool, entry in table["TOOLS"].items():
        visible = [n for n in listed if names.get(n, n) == tool]
        for op, spec in entry["operations"].items():
            if visible and spec["effect"] == "read" and not spec["required"]:
                return visible[0], ({"operation": op} if entry["kind"] == "master" else {})
    raise AssertionError(f"client {client} lists no read operation without required arguments")


def _pick_client(built: dict[str, Path]) -> str:
    return "cursor" if "cursor" in built else sorted(built)[0]


@pytest.fixture(scope="module")
def installed(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(client, venv): one client's wheel installed into a fresh virtual environment."""
    client = _pick_client(built)
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip_install = [str(venv / "bin/python"), "-m", "pip", "install", "-q"]
    pip = subprocess.run(
        [*pip_install, "--find-links", str(built[client].parent), f"bmad-{client}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr
    return client, venv


def _import_dispatch(python: Path, client: str, cwd: Path, path: Path | None = None) -> None:
    """Import every dispatch module of `client` (they load lazily, per tool, when serving)."""
    modules = sorted({t["module"] for t in _build_table(client)["TOOLS"].values()})
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd)}
    if path is not None:
        env["PYTHONPATH"] = str(path)
    proc = subprocess.run(
        [str(python), "-c", code, *(f"{_package(client)}.dispatch.{m}" for m in modules)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (client, proc.stderr)


def test_every_wheel_is_self_contained(
    built: dict[str, Path], installed: tuple[str, Path], tmp_path: Path
) -> None:
    """Each client's wheel, next to the shared handler wheel, imports all of its handler code."""
    python = installed[1] / "bin/python"
    for client, wheel in built.items():
        unpacked = tmp_path / client
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(unpacked)
        _import_dispatch(python, client, tmp_path, unpacked)


def test_installed_wheel_serves_exactly_its_client(
    installed: tuple[str, Path], tmp_path: Path
) -> None:
    client, venv = installed
    server = _build_table(client)["SERVER"]["name"]
    script = venv / "bin" / f"{server}-{client}"
    assert script.is_file()
    freeze = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    assert not any(f"{d}==" in freeze for d in COMPILER_DISTS), freeze
    _import_dispatch(venv / "bin/python", client, tmp_path)

    db = tmp_path / "bmad.sqlite3"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TOOLC_BMAD_DB": str(db),
    }
    name, arguments = _call_for(client)

    async def session() -> tuple[list[str], Any]:
        params = StdioServerParameters(command=str(script), args=[], env=env, cwd=str(tmp_path))
        with anyio.fail_after(60):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
                await s.initialize()
                listed = [t.name for t in (await s.list_tools()).tools]
                result = await s.call_tool(name, arguments)
                return listed, result

    listed, result = anyio.run(session)
    assert listed == _listed_names(client)
    assert not result.is_error, result.content
    assert db.is_file()  # the handlers shipped with their store, and it honours TOOLC_BMAD_DB
    assert not (tmp_path / ".toolc").exists()  # spans go to the state dir, not the host's cwd


def _copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", ".git", ".tools", "dist", "__pycache__", "*.pyc")
    for name in ("tools.yaml", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("clients", "generated", "handlers", "docs"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    return dest


def test_client_over_its_limits_is_refused(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    path = root / "clients" / "mobile.yaml"
    path.write_text(path.read_text().replace("max_tools: 30", "max_tools: 1"))
    proc = subprocess.run(
        [sys.executable, "-m", "toolc", "dist", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "clients/mobile.yaml:" in proc.stderr and "error[E031]" in proc.stderr
    assert 'client "mobile" is over its limits' in proc.stderr
    assert not (root / "dist").exists()


def test_stale_generated_is_refused(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    tools_list = next((root / "generated" / "clients").glob("*/tools_list.json"))
    tools_list.write_text(tools_list.read_text() + " ")
    proc = subprocess.run(
        [sys.executable, "-m", "toolc", "dist", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "generated/ is stale" in proc.stderr and "run toolc generate" in proc.stderr
    assert not (root / "dist").exists()
