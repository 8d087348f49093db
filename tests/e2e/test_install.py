"""toolc as a user gets it: the wheel in a fresh venv, a project outside this repository.

One environment is built once for the module (the steps depend on each other, in order):
build toolc's wheel from this checkout, install it into a fresh venv under a temporary folder,
`toolc init`, `toolc generate`, serve and call a tool with the real MCP client, `toolc dist`,
install two client wheels into a second fresh venv with `--find-links dist/`, and check each
serves exactly its own tool list, side by side and after the other is uninstalled. Packages
come from the configured index through pip's cache; nothing is installed into this repo's venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
GENERIC = {"runtime", "generator", "generated", "handlers"}
COMPILER = {"jinja2", "yaml", "datamodel_code_generator", "ruff", "hatchling"}
CLIENTS = ("desktop", "mobile")


@dataclass
class World:
    tmp: Path
    tool_venv: Path  # holds toolc
    serve_venv: Path  # holds only the two client wheels and what they pull
    project: Path
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, *args: str | Path, cwd: Path | None = None, timeout: float = 240) -> str:
        proc = subprocess.run(
            [str(a) for a in args],
            cwd=cwd or self.tmp,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
            check=False,
        )
        assert proc.returncode == 0, f"{args}: {proc.stdout}\n{proc.stderr}"
        return proc.stdout


def _venv(world: World, path: Path) -> Path:
    world.run(sys.executable, "-m", "venv", path)
    return path / "bin"


def _pip(world: World, venv: Path, *args: str | Path) -> None:
    world.run(venv / "bin" / "python", "-m", "pip", "install", "-q", *args)


async def _serve_and_call(
    command: str, args: list[str], cwd: Path, db: Path, env: dict[str, str] | None = None
) -> list[str]:
    """List the tools, add a note and read it back; return the listed names."""
    params = StdioServerParameters(
        command=command,
        args=args,
        cwd=str(cwd),
        env={"NOTES_SERVER_DB": str(db), **(env or {})},
    )
    with anyio.fail_after(60):
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            added = await session.call_tool("notes", {"operation": "add", "title": "hello"})
            assert not added.is_error, added.content
            assert added.structured_content is not None
            note_id = added.structured_content["note_id"]
            got = await session.call_tool("get_note", {"id": note_id})
            assert got.structured_content == {"note_id": note_id, "title": "hello", "body": ""}
            return [t.name for t in listed.tools]


def _tool_list(project: Path, client: str) -> list[str]:
    data = json.loads((project / "generated/clients" / client / "tools_list.json").read_text())
    return [t["name"] for t in data["tools"]]


def _top_level(site: Path) -> set[str]:
    names = set()
    for p in site.iterdir():
        if p.name.endswith((".dist-info", ".pth")) or p.name == "__pycache__":
            continue
        names.add(p.name.removesuffix(".py") if p.suffix == ".py" else p.name.split(".")[0])
    return names


def _site(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("install")
    w = World(
        tmp=tmp, tool_venv=tmp / "tool", serve_venv=tmp / "serve", project=tmp / "notes-server"
    )
    start = time.perf_counter()
    w.run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "wheels", REPO)
    w.timings["build toolc wheel"] = time.perf_counter() - start
    (wheel,) = (tmp / "wheels").glob("toolc-*.whl")
    _venv(w, w.tool_venv)
    start = time.perf_counter()
    _pip(w, w.tool_venv, wheel)
    w.timings["pip install toolc"] = time.perf_counter() - start
    yield w
    print("timings:", {k: round(v, 1) for k, v in w.timings.items()}, file=sys.stderr)


def test_toolc_wheel_gives_every_subcommand(world: World) -> None:
    toolc = world.tool_venv / "bin" / "toolc"
    usage = world.run(toolc, "--help")
    for command in ("init", "generate", "check", "dist", "serve", "report"):
        assert f"toolc {command}" in usage
    site = _site(world.tool_venv)
    assert not (_top_level(site) & GENERIC)
    assert {"toolc"} <= _top_level(site)


def test_init_generate_serve_call(world: World) -> None:
    toolc = world.tool_venv / "bin" / "toolc"
    world.run(toolc, "init", world.project)
    refused = subprocess.run(
        [toolc, "init", world.project], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1 and "not empty" in refused.stderr
    world.run(toolc, "generate", cwd=world.project)
    world.run(toolc, "check", cwd=world.project)
    start = time.perf_counter()
    names = anyio.run(
        _serve_and_call,
        str(toolc),
        ["serve", "--client", "desktop", "--no-trace"],
        world.project,
        world.tmp / "dev.sqlite3",
    )
    world.timings["serve + first call"] = time.perf_counter() - start
    assert names == _tool_list(world.project, "desktop")
    # the scaffolded project's own end-to-end test passes in the tool venv (with pytest added)
    _pip(world, world.tool_venv, "pytest>=8,<10")
    world.run(world.tool_venv / "bin" / "python", "-m", "pytest", "-q", cwd=world.project)


def test_dist_wheels_install_side_by_side(world: World) -> None:
    toolc = world.tool_venv / "bin" / "toolc"
    world.run(toolc, "dist", cwd=world.project)
    dist = world.project / "dist"
    wheels = sorted(p.name for p in dist.glob("*.whl"))
    assert [w.split("-")[0] for w in wheels] == [
        "notes_server_desktop",
        "notes_server_handlers",
        "notes_server_mobile",
        "toolc_runtime",
    ]
    _venv(world, world.serve_venv)
    start = time.perf_counter()
    _pip(world, world.serve_venv, "--find-links", dist, *(f"notes-server-{c}" for c in CLIENTS))
    world.timings["pip install two client wheels"] = time.perf_counter() - start
    tops = _top_level(_site(world.serve_venv))
    assert not tops & GENERIC, tops
    assert not tops & COMPILER, tops  # a served environment holds none of the compiler
    assert {"toolc", "notes_server_handlers", "notes_server_desktop", "notes_server_mobile"} <= tops
    assert not (_site(world.serve_venv) / "toolc" / "generator").exists()

    bin_dir = world.serve_venv / "bin"
    for client in CLIENTS:
        names = anyio.run(
            _serve_and_call,
            str(bin_dir / f"notes-server-{client}"),
            ["--no-trace"],
            world.tmp,
            world.tmp / f"{client}.sqlite3",
        )
        assert names == _tool_list(world.project, client), client
    assert _tool_list(world.project, "desktop") != _tool_list(world.project, "mobile")


def test_uninstalling_one_client_leaves_the_other_serving(world: World) -> None:
    python = world.serve_venv / "bin" / "python"
    world.run(python, "-m", "pip", "uninstall", "-y", "-q", "notes-server-mobile")
    assert not (world.serve_venv / "bin" / "notes-server-mobile").exists()
    names = anyio.run(
        _serve_and_call,
        str(world.serve_venv / "bin" / "notes-server-desktop"),
        ["--no-trace"],
        world.tmp,
        world.tmp / "after.sqlite3",
    )
    assert names == _tool_list(world.project, "desktop")


def test_host_snippet_starts_without_path(world: World) -> None:
    """A GUI host does not inherit the shell's PATH: the snippet's command is absolute."""
    script = world.serve_venv / "bin" / "notes-server-desktop"
    snippet = json.loads(world.run(script, "config", "cursor"))
    entry = snippet["mcpServers"]["notes-server"]
    assert Path(entry["command"]).is_absolute() and Path(entry["command"]).exists()
    names = anyio.run(
        _serve_and_call,
        entry["command"],
        [*entry["args"], "--no-trace"],
        Path("/"),
        world.tmp / "snippet.sqlite3",
        {"PATH": ""},
    )
    assert names == _tool_list(world.project, "desktop")
