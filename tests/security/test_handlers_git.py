"""Issue 11, bmad_git: no option injection, no repository-configured command, no other repository.

Real server over stdio (real mcp client), real git repositories in tmp dirs. A "marker" file is
what a command smuggled in by a caller or by a repository's config would create; it must never
appear. Every exploit here worked on 71c1119.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.security.handlers_support import INTERNAL, executable, git, make_repo, serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@dataclass(frozen=True, slots=True)
class World:
    ws: Path
    repo: Path  # $TOOLC_GIT_REPO
    remote: Path  # a bare repository, origin of `repo`
    marker: Path

    @property
    def env(self) -> dict[str, str]:
        return {"TOOLC_BMAD_DB": str(self.ws / "bmad.sqlite3"), "TOOLC_GIT_REPO": str(self.repo)}


def _world(tmp_path: Path) -> World:
    ws = tmp_path / "ws"
    repo = make_repo(ws / "repo")
    remote = ws / "remote.git"
    git(ws, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "--set-upstream", "origin", "main")
    git(repo, "push", "-q", "origin", "main:keep-1", "main:keep-2")
    return World(ws, repo, remote, ws / "PWNED")


def _remote_branches(world: World) -> set[str]:
    return set(git(world.remote, "for-each-ref", "--format=%(refname:short)").split())


@pytest.mark.parametrize(
    "branch",
    ["--receive-pack=touch {marker}; git-receive-pack", ":keep-1", "--mirror"],
    ids=["receive-pack-runs-a-command", "colon-deletes-a-remote-branch", "mirror-deletes-all"],
)
async def test_push_branch_is_never_an_option_or_refspec(tmp_path: Path, branch: str) -> None:
    world = _world(tmp_path)
    git(world.repo, "branch", "local-only")
    value = branch.format(marker=world.marker)
    async with serve(world.env, world.ws) as s:
        answer = await s.call("bmad_git", "push_changes", branch=value)
    assert not world.marker.exists(), "the caller's branch value ran a command"
    assert _remote_branches(world) == {"main", "keep-1", "keep-2"}, "remote branches changed"
    assert answer.error and INTERNAL not in answer.text
    assert "branch" in answer.text  # names the field (schema pattern) or the bad branch name


def _fsmonitor(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    (w.repo / "new.txt").write_text("new\n")
    git(w.repo, "add", "new.txt")
    git(w.repo, "config", "core.fsmonitor", f"touch {w.marker}; false")
    return lambda: ("validate_changes", {})


def _pre_commit_hook(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    executable(w.repo / ".git" / "hooks" / "pre-commit", f"touch {w.marker}")
    (w.repo / "new.txt").write_text("new\n")
    git(w.repo, "add", "new.txt")
    return lambda: ("commit_changes", {"message": "hooked"})


def _clean_filter(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    (w.repo / ".gitattributes").write_text("*.txt filter=evil\n")
    git(w.repo, "config", "filter.evil.clean", f"touch {w.marker}; cat")
    (w.repo / "new.txt").write_text("new\n")
    return lambda: ("commit_changes", {"message": "filtered", "add_all": True})


def _receive_pack(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    git(w.repo, "config", "remote.origin.receivepack", f"touch {w.marker}; git-receive-pack")
    return lambda: ("push_changes", {})


def _ssh_command(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    git(w.repo, "remote", "set-url", "origin", "ssh://127.0.0.1:1/nowhere.git")
    git(w.repo, "config", "core.sshCommand", f"touch {w.marker}; false")
    return lambda: ("push_changes", {})


def _ext_transport(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    git(w.repo, "config", "protocol.ext.allow", "always")
    git(w.repo, "remote", "set-url", "origin", f"ext::sh -c touch% {w.marker}")
    return lambda: ("push_changes", {})


def _gpg_on_commit(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    gpg = executable(w.ws / "fake-gpg", f"touch {w.marker}; exit 1")
    git(w.repo, "config", "commit.gpgSign", "true")
    git(w.repo, "config", "gpg.program", str(gpg))
    (w.repo / "new.txt").write_text("new\n")
    git(w.repo, "add", "new.txt")
    return lambda: ("commit_changes", {"message": "signed?"})


def _gpg_on_history(w: World) -> Callable[[], tuple[str, dict[str, object]]]:
    tree = git(w.repo, "rev-parse", "HEAD^{tree}").strip()
    parent = git(w.repo, "rev-parse", "HEAD").strip()
    who = "Sec Tester <sec@example.com> 1700000000 +0000"
    body = (
        f"tree {tree}\nparent {parent}\nauthor {who}\ncommitter {who}\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
        "\nSigned commit\n"
    )
    sig_file = w.ws / "commit.txt"
    sig_file.write_text(body)
    sha = git(w.repo, "hash-object", "-t", "commit", "-w", str(sig_file)).strip()
    git(w.repo, "update-ref", "refs/heads/main", sha)
    gpg = executable(w.ws / "fake-gpg", f"touch {w.marker}; exit 1")
    git(w.repo, "config", "log.showSignature", "true")
    git(w.repo, "config", "gpg.program", str(gpg))
    return lambda: ("get_history", {})


class _AskForPassword(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _http_remote() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AskForPassword)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/repo.git"
    finally:
        server.shutdown()
        server.server_close()


CASES = {
    "core.fsmonitor on validate_changes (a read)": _fsmonitor,
    "pre-commit hook on commit_changes": _pre_commit_hook,
    "clean filter on commit_changes add_all": _clean_filter,
    "remote.origin.receivepack on push_changes": _receive_pack,
    "core.sshCommand on push_changes": _ssh_command,
    "ext:: transport allowed by protocol.ext.allow": _ext_transport,
    "gpg.program via commit.gpgSign": _gpg_on_commit,
    "gpg.program via log.showSignature on get_history": _gpg_on_history,
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_repository_config_never_runs_a_command(tmp_path: Path, case: str) -> None:
    world = _world(tmp_path)
    operation, args = CASES[case](world)()
    async with serve(world.env, world.ws) as s:
        answer = await s.call("bmad_git", operation, **args)
    assert not world.marker.exists(), f"{case}: the repository's config ran a command"
    assert INTERNAL not in answer.text, answer.text
    if operation in ("validate_changes", "commit_changes", "get_history"):
        assert not answer.error, answer.text  # the operation itself still works


async def test_credential_helper_never_runs(tmp_path: Path) -> None:
    world = _world(tmp_path)
    git(world.repo, "config", "credential.helper", f"!touch {world.marker}; false")
    with _http_remote() as url:
        git(world.repo, "remote", "set-url", "origin", url)
        async with serve(world.env, world.ws) as s:
            answer = await s.call("bmad_git", "push_changes")
    assert not world.marker.exists(), "the repository's credential helper ran"
    assert answer.error and INTERNAL not in answer.text


async def test_commits_only_into_repositories_under_the_root(tmp_path: Path) -> None:
    world = _world(tmp_path)
    other = make_repo(tmp_path / "other")
    (other / "stolen.txt").write_text("x\n")
    before = git(other, "rev-parse", "HEAD")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    async with serve(world.env, world.ws) as s:
        into_other = await s.call(
            "bmad_git", "commit_changes", message="pwn", repo_path=str(other), add_all=True
        )
        relative = await s.call("bmad_git", "get_history", repo_path="../../other")
        git(world.repo, "config", "core.worktree", str(outside))  # the work tree moves outside
        moved = await s.call("bmad_git", "commit_changes", message="pwn", add_all=True)
    assert git(other, "rev-parse", "HEAD") == before, "committed into a repository outside"
    assert into_other.error and "TOOLC_GIT_REPO" in into_other.text, into_other.text
    assert relative.error and "outside" in relative.text, relative.text
    assert moved.error and "outside TOOLC_GIT_REPO" in moved.text, moved.text
    assert "secret.txt" not in git(world.repo, "log", "--all", "--name-only", "--format=")
