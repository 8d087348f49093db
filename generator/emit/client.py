"""generated/clients/<client>/{build.py,tools_list.json}: one client's tables and tool list."""

from __future__ import annotations

from ..ir import Catalog, ClientBuild
from . import GENERATED, OutputFile
from .views import build_view, environment, json_text


def _client_dir(name: str) -> str:
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"client name {name!r} cannot be a folder name")
    return f"{GENERATED}/clients/{name}"


def emit_clients(catalog: Catalog, builds: tuple[ClientBuild, ...]) -> tuple[OutputFile, ...]:
    template = environment().get_template("client_build.py.jinja")
    files: list[OutputFile] = []
    for build in builds:
        folder = _client_dir(build.profile.name)
        files.append(
            OutputFile(
                path=f"{folder}/build.py",
                text=template.render(view=build_view(catalog, build)),
            )
        )
        tools = [entry.definition for entry in build.exposed]
        files.append(
            OutputFile(
                path=f"{folder}/tools_list.json",
                text=json_text({"tools": tools}),
                formatted=True,
            )
        )
    return tuple(files)
