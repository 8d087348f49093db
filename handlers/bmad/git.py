"""bmad_git: history, staged-change validation, commit and push on a real repository.

The repository is the `repo_path` argument when given, else the directory named by the
environment variable `TOOLC_GIT_REPO`. There is deliberately no fallback to the server's working
directory: an MCP server's cwd is whatever the client chose, and committing there by accident
would be worse than a clear error. Everything runs the `git` CLI with a timeout and without
prompts (`GIT_TERMINAL_PROMPT=0`).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from toolc import ToolError

ENV_REPO = "TOOLC_GIT_REPO"
GIT_TIMEOUT = 20.0
PUSH_TIMEOUT = 60.0
COMMIT_TIMEOUT = 60.0
MAX_STAGED_BYTES = 5 * 1024 * 1024
SECRET_NAMES = re.compile(r"(^|/)(\.env(\..*)?|id_rsa|id_ed25519|.*\.pem|.*\.key|\.netrc)$")
SEP = "\x1f"


def _git(
    repo: Path,
    *args: str,
    timeout: float = GIT_TIMEOUT,
    check: bool = True,
    stdin: str | None = None,
) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            input=stdin if stdin is not None else "",
            check=False,
        )
    except FileNotFoundError as exc:
        raise ToolError("git is not installed on the server — install git") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolError(
            f"git {args[0]} took longer than {timeout:g}s — check the repository or the network"
        ) from exc
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        message = detail[-1] if detail else f"exit status {proc.returncode}"
        raise ToolError(f"git {args[0]} failed: {message} — fix the repository state and retry")
    return proc.stdout


def repository(repo_path: str | None) -> Path:
    """The work tree to operate on; ToolError when none is configured or it is not a repo."""
    raw = repo_path or os.environ.get(ENV_REPO, "").strip()
    if not raw:
        raise ToolError(
            f"no git repository configured — pass repo_path or set {ENV_REPO} on the server"
        )
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ToolError(f"{path} is not a directory — pass the path of a git work tree")
    try:
        top = _git(path, "rev-parse", "--show-toplevel").strip()
    except ToolError as exc:
        raise ToolError(
            f"{path} is not inside a git repository — run git init there or pass another path"
        ) from exc
    return Path(top)


def _branch(repo: Path) -> str:
    return _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip() or "HEAD"


def _has_commits(repo: Path) -> bool:
    return bool(_git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def _staged(repo: Path) -> list[dict[str, str]]:
    out = _git(repo, "diff", "--cached", "--name-status", "-z", "--no-renames")
    parts = [p for p in out.split("\0") if p]
    return [{"status": parts[i], "path": parts[i + 1]} for i in range(0, len(parts) - 1, 2)]


def _problems(repo: Path, staged: list[dict[str, str]]) -> list[str]:
    problems: list[str] = []
    if not staged:
        problems.append("nothing is staged — stage files with git add (or commit with add_all)")
    check = _git(repo, "diff", "--cached", "--check", check=False).strip()
    if check:
        first = check.splitlines()[0]
        problems.append(f"whitespace errors or conflict markers in staged changes: {first}")
    present = [item["path"] for item in staged if item["status"] != "D"]
    for path in present:
        if SECRET_NAMES.search(path):
            problems.append(f"{path} looks like a secret — unstage it with git restore --staged")
    if present:
        # one `cat-file --batch-check` for every staged blob: "<sha> blob <size>" per line
        sizes = _git(
            repo,
            "cat-file",
            "--batch-check=%(objectsize)",
            stdin="".join(f":{path}\n" for path in present),
        ).split()
        for path, size in zip(present, sizes, strict=False):
            if size.isdigit() and int(size) > MAX_STAGED_BYTES:
                problems.append(
                    f"{path} is {int(size)} bytes, over {MAX_STAGED_BYTES} — use Git LFS"
                )
    return problems


def validate_changes(repo_path: str | None = None) -> dict[str, Any]:
    """Check what is staged: something to commit, no whitespace errors, secrets or huge files."""
    repo = repository(repo_path)
    staged = _staged(repo)
    problems = _problems(repo, staged)
    return {
        "repo": str(repo),
        "branch": _branch(repo),
        "valid": not problems,
        "staged": staged,
        "problems": problems,
    }


def commit_changes(
    message: str, repo_path: str | None = None, add_all: bool = False
) -> dict[str, Any]:
    """Commit the staged changes (all tracked and untracked changes with add_all)."""
    if not message.strip():
        raise ToolError("the commit message is empty — pass a message saying why")
    repo = repository(repo_path)
    if add_all:
        _git(repo, "add", "--all")
    staged = _staged(repo)
    problems = _problems(repo, staged)
    if problems:
        raise ToolError(
            "cannot commit: "
            + "; ".join(problems)
            + " (nothing was committed; staged changes stay)"
        )
    # the repository's own hooks run; COMMIT_TIMEOUT leaves them room
    _git(repo, "commit", "--quiet", "-m", message.strip(), timeout=COMMIT_TIMEOUT)
    sha = _git(repo, "rev-parse", "HEAD").strip()
    return {
        "repo": str(repo),
        "sha": sha,
        "branch": _branch(repo),
        "message": message.strip(),
        "files": [s["path"] for s in staged],
    }


def push_changes(
    repo_path: str | None = None, remote: str = "origin", branch: str | None = None
) -> dict[str, Any]:
    """Push a branch (default: the current one) to a remote."""
    repo = repository(repo_path)
    remotes = _git(repo, "remote").split()
    if not remotes:
        raise ToolError(f"{repo} has no remote to push to — add one with git remote add origin URL")
    if remote not in remotes:
        raise ToolError(f'remote "{remote}" does not exist — use one of {", ".join(remotes)}')
    target = branch or _branch(repo)
    if target == "HEAD":
        raise ToolError("HEAD is detached — pass branch to say what to push")
    if not _has_commits(repo):
        raise ToolError("the repository has no commits yet — commit before pushing")
    _git(repo, "push", "--porcelain", remote, target, timeout=PUSH_TIMEOUT)
    return {"repo": str(repo), "remote": remote, "branch": target, "pushed": True}


def get_history(
    repo_path: str | None = None, limit: int = 20, path: str | None = None
) -> dict[str, Any]:
    """The newest commits first, optionally only those touching `path`."""
    repo = repository(repo_path)
    if not _has_commits(repo):
        return {"repo": str(repo), "branch": _branch(repo), "commits": [], "count": 0}
    fmt = SEP.join(["%H", "%an", "%ae", "%aI", "%s"])
    args = ["log", f"--max-count={limit}", f"--format={fmt}"]
    if path:
        args += ["--", path]
    commits = []
    for line in _git(repo, *args).splitlines():
        sha, author, email, date, subject = line.split(SEP, 4)
        commits.append(
            {"sha": sha, "author": author, "email": email, "date": date, "subject": subject}
        )
    return {"repo": str(repo), "branch": _branch(repo), "commits": commits, "count": len(commits)}
