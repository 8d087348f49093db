"""The compiler reads nothing outside the project root, and quotes only short excerpts.

A symlink in `clients/` (or `tools.yaml`, or under `generated/`) to any file used to be followed,
and the file's first line came back verbatim in a diagnostic (or, under `generated/`, in the
stale-file diff `check` prints). Now such inputs are refused unread with E007, naming the link
and nothing of its target. A file inside the project that is not YAML is quoted in at most a
short excerpt.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SECRET = "TOP-SECRET-7f3a password=hunter2"
CATALOG = """\
version: 1
server: {name: demo, version: "1.0"}
tools:
  echo:
    handler: project_handlers:echo
    effect: read
    params: {text: {type: string}}
    required: [text]
"""
HANDLERS = "def echo(text: str) -> str:\n    return text\n"
CLIENT = "version: 1\nclient: main\n"


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolc", "check", "--root", str(root), "--quiet"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "clients").mkdir(parents=True)
    (root / "tools.yaml").write_text(CATALOG, encoding="utf-8")
    (root / "project_handlers.py").write_text(HANDLERS, encoding="utf-8")
    (root / "clients" / "main.yaml").write_text(CLIENT, encoding="utf-8")
    return root


def _leaks(proc: subprocess.CompletedProcess[str]) -> bool:
    return "SECRET" in proc.stdout + proc.stderr or "hunter2" in proc.stdout + proc.stderr


def test_client_symlink_to_a_secret_is_refused_unread(project: Path, secret: Path) -> None:
    assert "error[" not in _check(project).stderr  # without the link, it compiles
    (project / "clients" / "evil.yaml").symlink_to(secret)
    proc = _check(project)
    assert proc.returncode == 1
    assert not _leaks(proc), proc.stderr
    assert str(secret.parent) not in proc.stderr  # not even the target's path
    assert proc.stderr == (
        'clients/evil.yaml:1:1: error[E007]: the file "clients/evil.yaml" resolves outside the '
        "project root — replace the symlink with a real file in the project.\n"
    )


def test_catalog_symlink_outside_is_refused(project: Path, secret: Path) -> None:
    (project / "tools.yaml").unlink()
    (project / "tools.yaml").symlink_to(secret)
    proc = _check(project)
    assert proc.returncode == 1
    assert not _leaks(proc), proc.stderr
    assert proc.stderr.startswith('tools.yaml:1:1: error[E007]: the file "tools.yaml" resolves')


def test_clients_folder_linked_outside_is_refused(project: Path, secret: Path) -> None:
    (secret.parent / "x.yaml").symlink_to(secret)
    for child in (project / "clients").iterdir():
        child.unlink()
    (project / "clients").rmdir()
    (project / "clients").symlink_to(secret.parent, target_is_directory=True)
    proc = _check(project)
    assert proc.returncode == 1
    assert not _leaks(proc), proc.stderr
    assert 'error[E007]: the folder "clients" resolves outside the project root' in proc.stderr


def test_generated_link_outside_is_neither_read_nor_diffed(project: Path, secret: Path) -> None:
    (project / "generated").mkdir()
    (project / "generated" / "notes.txt").symlink_to(secret)
    proc = _check(project)
    assert proc.returncode == 1
    assert not _leaks(proc), proc.stdout[-2000:] + proc.stderr
    assert 'error[E007]: the link "generated/notes.txt" resolves outside' in proc.stderr


def test_a_text_file_that_is_not_yaml_is_quoted_in_a_short_excerpt(project: Path) -> None:
    line = "credential " + "x" * 500 + " end-of-line"
    (project / "clients" / "notes.yaml").write_text(f"{line}\n{line}\n", encoding="utf-8")
    proc = _check(project)
    assert proc.returncode == 1
    assert "x" * 41 not in proc.stderr and "end-of-line" not in proc.stderr, proc.stderr
    assert max(len(x) for x in proc.stderr.splitlines()) < 300


def test_a_syntax_error_never_echoes_a_long_token(project: Path) -> None:
    token = "A" * 5000
    (project / "clients" / "bin.yaml").write_text(f"client: *{token}\n", encoding="utf-8")
    proc = _check(project)
    assert proc.returncode == 1
    assert "error[E001]" in proc.stderr
    assert "A" * 121 not in proc.stderr
    assert max(len(x) for x in proc.stderr.splitlines()) < 400, proc.stderr[:600]


def test_an_unknown_tag_is_quoted_in_a_short_excerpt(project: Path) -> None:
    tag = "!" + "t" * 3000
    (project / "clients" / "tag.yaml").write_text(
        f"version: 1\nclient: {tag} {'v' * 3000}\n", encoding="utf-8"
    )
    proc = _check(project)
    assert proc.returncode == 1
    assert "t" * 100 not in proc.stderr and "v" * 100 not in proc.stderr, proc.stderr[:600]
