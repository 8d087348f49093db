"""bmad_git handlers on real temporary repositories (git CLI, no mocks)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from handlers.bmad import git
from toolc import ToolError


def run(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    run(path, "init", "--quiet", "--initial-branch=main")
    run(path, "config", "user.name", "Test Author")
    run(path, "config", "user.email", "author@example.com")
    run(path, "config", "commit.gpgsign", "false")
    monkeypatch.setenv(git.ENV_REPO, str(path))
    return path


def test_no_repository_configured_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(git.ENV_REPO, raising=False)
    with pytest.raises(ToolError, match="no git repository configured — set TOOLC_GIT_REPO"):
        git.get_history()


def test_path_that_is_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(git.ENV_REPO, str(tmp_path))
    (tmp_path / "plain").mkdir()
    with pytest.raises(ToolError, match="not inside a git repository under TOOLC_GIT_REPO"):
        git.validate_changes(repo_path="plain")
    with pytest.raises(ToolError, match="does not exist under"):
        git.validate_changes(repo_path=str(tmp_path / "missing"))
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ToolError, match="is not a directory"):
        git.validate_changes(repo_path="file.txt")


def test_empty_repository_has_no_history(repo: Path) -> None:
    assert git.get_history() == {"repo": str(repo), "branch": "main", "commits": [], "count": 0}


def test_validate_commit_and_history(repo: Path) -> None:
    (repo / "app.py").write_text("print('hi')\n")
    nothing = git.validate_changes()
    assert nothing["valid"] is False and "nothing is staged" in nothing["problems"][0]
    run(repo, "add", "app.py")
    ok = git.validate_changes()
    assert ok["valid"] is True
    assert ok["staged"] == [{"status": "A", "path": "app.py"}]
    commit = git.commit_changes(message="Add the app")
    assert commit["files"] == ["app.py"]
    assert commit["sha"] == run(repo, "rev-parse", "HEAD").strip()
    (repo / "README.md").write_text("# app\n")
    second = git.commit_changes(message="Document", add_all=True, repo_path=str(repo))
    assert second["files"] == ["README.md"]
    history = git.get_history(limit=10)
    assert [c["subject"] for c in history["commits"]] == ["Document", "Add the app"]
    assert history["commits"][0]["author"] == "Test Author"
    only_app = git.get_history(path="app.py")
    assert [c["subject"] for c in only_app["commits"]] == ["Add the app"]


def test_commit_refuses_bad_changes_and_commits_nothing(repo: Path) -> None:
    with pytest.raises(ToolError, match="nothing is staged"):
        git.commit_changes(message="empty")
    (repo / "bad.py").write_text("x = 1   \n")
    (repo / ".env").write_text("TOKEN=secret\n")
    run(repo, "add", ".")
    report = git.validate_changes()
    assert report["valid"] is False
    assert any("whitespace" in p for p in report["problems"])
    assert any(".env looks like a secret" in p for p in report["problems"])
    with pytest.raises(ToolError, match=r"cannot commit: .*nothing was committed"):
        git.commit_changes(message="bad")
    assert git.get_history()["count"] == 0
    with pytest.raises(ToolError, match="message is empty"):
        git.commit_changes(message="  ")


def test_push_without_remote_fails_clearly(repo: Path) -> None:
    (repo / "a.txt").write_text("a\n")
    git.commit_changes(message="a", add_all=True)
    with pytest.raises(ToolError, match="has no remote to push to — add one with git remote add"):
        git.push_changes()


def test_push_to_a_real_remote(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    run(repo, "remote", "add", "origin", str(remote))
    with pytest.raises(ToolError, match='remote "upstream" does not exist — use one of origin'):
        git.push_changes(remote="upstream")
    with pytest.raises(ToolError, match="no commits yet"):
        git.push_changes()
    (repo / "a.txt").write_text("a\n")
    sha = git.commit_changes(message="a", add_all=True)["sha"]
    pushed = git.push_changes()
    assert pushed == {"repo": str(repo), "remote": "origin", "branch": "main", "pushed": True}
    assert run(remote, "rev-parse", "main").strip() == sha
    with pytest.raises(ToolError, match='branch "no-such-branch" does not exist locally'):
        git.push_changes(branch="no-such-branch")


@pytest.mark.parametrize("bad", ["--mirror", ":main", "+main", "x..y", "@{-1}", "a.lock", "-"])
def test_push_refuses_branch_values_that_are_not_plain_branches(repo: Path, bad: str) -> None:
    run(repo, "remote", "add", "origin", str(repo))
    (repo / "a.txt").write_text("a\n")
    git.commit_changes(message="a", add_all=True)
    with pytest.raises(ToolError, match="is not a valid branch name"):
        git.push_changes(branch=bad)
    with pytest.raises(ToolError, match="does not exist — use one of origin"):
        git.push_changes(remote="--upload-pack=touch x")


def test_history_path_stays_inside_the_work_tree(repo: Path) -> None:
    (repo / "a.txt").write_text("a\n")
    git.commit_changes(message="a", add_all=True)
    with pytest.raises(ToolError, match="is outside the work tree"):
        git.get_history(path="../elsewhere")
    assert git.get_history(path=":(glob)*")["count"] == 0  # pathspec magic is literal text


def test_repo_path_is_relative_to_the_root_and_must_be_a_work_tree_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer = tmp_path / "outer"
    (outer / "inner").mkdir(parents=True)
    run(outer, "init", "--quiet", "--initial-branch=main")
    run(outer / "inner", "init", "--quiet", "--initial-branch=dev")
    monkeypatch.setenv(git.ENV_REPO, str(outer))
    assert git.get_history(repo_path="inner")["branch"] == "dev"
    (outer / "sub").mkdir()  # a plain folder inside outer's work tree: outer is above the root
    monkeypatch.setenv(git.ENV_REPO, str(outer / "sub"))
    with pytest.raises(ToolError, match="not inside a git repository under TOOLC_GIT_REPO"):
        git.get_history()


def test_hooks_run_only_when_the_operator_opts_in(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "hook-ran"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    (repo / "a.txt").write_text("a\n")
    git.commit_changes(message="a", add_all=True)
    assert not marker.exists()
    monkeypatch.setenv(git.ENV_HOOKS, "1")
    (repo / "b.txt").write_text("b\n")
    git.commit_changes(message="b", add_all=True)
    assert marker.exists()
