"""bmad_git: history, staged-change validation, commit and push on a real repository.

The repository is the one holding `repo_path` (relative to `TOOLC_GIT_REPO`, or absolute under
it), else `TOOLC_GIT_REPO` itself; its work tree must lie under `TOOLC_GIT_REPO` (see
`handlers.workspace`). There is deliberately no fallback to the server's working directory.

Git runs without prompts, with a timeout, and never runs a command a repository configures
(`hardened_args`, `hardened_env`): no system config, hooks and fsmonitor off, pager/editor/askpass
/credential helpers/ssh command/gpg from the repository ignored, the `ext::` transport refused,
clean/smudge filters defined by the repository's own config emptied, external diff and textconv
off, pathspecs literal. `TOOLC_GIT_HOOKS=1` lets commit and push run the repository's hooks.
Caller values reach git only after `--` or as validated ref and remote names.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolc import ToolError

from .. import workspace

ENV_REPO = workspace.ENV_REPO
ENV_HOOKS = "TOOLC_GIT_HOOKS"
GIT_TIMEOUT = 20.0
PUSH_TIMEOUT = 60.0
COMMIT_TIMEOUT = 60.0
MAX_STAGED_BYTES = 5 * 1024 * 1024
SECRET_NAMES = re.compile(r"(^|/)(\.env(\..*)?|id_rsa|id_ed25519|.*\.pem|.*\.key|\.netrc)$")
REMOTE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SEP = "\x1f"

# Config that would make git run a command; the command line outranks every config file.
SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.pager=cat",
    "core.editor=:",
    "sequence.editor=:",
    "core.askPass=",
    "core.sshCommand=ssh",
    "core.gitProxy=",
    "core.alternateRefsCommand=",
    "credential.helper=",
    "protocol.ext.allow=never",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "push.gpgSign=false",
    "log.showSignature=false",
    "push.recurseSubmodules=no",
    "submodule.recurse=false",
    "gc.auto=0",
    "maintenance.auto=false",
    "diff.external=",
)
KEPT_ENV = frozenset(
    {"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"}
)
FILTER_KEY = re.compile(r"^filter\.(.+)\.(clean|smudge|process)$", re.IGNORECASE)


def hardened_env(ceiling: Path | None = None) -> dict[str, str]:
    """The server's environment minus every GIT_* variable that redirects or extends git."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in KEPT_ENV}
    env.pop("SSH_ASKPASS", None)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_ASKPASS": "",
            "GIT_EDITOR": ":",
            "GIT_PAGER": "cat",
            "GIT_LITERAL_PATHSPECS": "1",
            "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND") or "ssh -o BatchMode=yes",
            "LC_ALL": "C",
        }
    )
    if ceiling is not None:  # discovery never climbs above the configured root
        env["GIT_CEILING_DIRECTORIES"] = str(ceiling)
    return env


def hardened_args(hooks: bool = False) -> list[str]:
    args = ["--no-pager"]
    for item in SAFE_CONFIG:
        args += ["-c", item]
    if not hooks:
        args += ["-c", "core.hooksPath=/dev/null"]
    return args


def _run(
    cwd: Path, argv: list[str], timeout: float, stdin: str | None, ceiling: Path | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=hardened_env(ceiling),
            input=stdin if stdin is not None else "",
            check=False,
        )
    except FileNotFoundError as exc:
        raise ToolError("git is not installed on the server — install git") from exc


@dataclass(frozen=True, slots=True)
class Repo:
    """A confined work tree and the `-c` pairs that empty its own config's filters."""

    path: Path
    config: tuple[str, ...]


def _git(
    repo: Repo,
    *args: str,
    timeout: float = GIT_TIMEOUT,
    check: bool = True,
    stdin: str | None = None,
    hooks: bool = False,
) -> str:
    extra = [part for item in repo.config for part in ("-c", item)]
    argv = [*hardened_args(hooks), *extra, *args]
    try:
        proc = _run(repo.path, argv, timeout, stdin)
    except subprocess.TimeoutExpired as exc:
        raise ToolError(
            f"git {args[0]} took longer than {timeout:g}s — check the repository or the network"
        ) from exc
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        message = workspace.show(detail[-1]) if detail else f"exit status {proc.returncode}"
        raise ToolError(f"git {args[0]} failed: {message} — fix the repository state and retry")
    return proc.stdout


def _filter_overrides(path: Path) -> tuple[str, ...]:
    """Empty every clean/smudge/process filter that config outside the user's own defines."""
    proc = _run(path, [*hardened_args(), "config", "--list", "--show-scope", "-z"], 10.0, None)
    items = proc.stdout.split("\0")
    overrides: list[str] = []
    for scope, entry in zip(items[::2], items[1::2], strict=False):
        match = FILTER_KEY.match(entry.split("\n", 1)[0])
        if scope != "global" and match:
            driver = match.group(1)
            overrides += [f"filter.{driver}.{match.group(2)}=", f"filter.{driver}.required=false"]
    return tuple(overrides)


def repository(repo_path: str | None) -> Repo:
    """The work tree to operate on; it must lie under `$TOOLC_GIT_REPO`."""
    if not os.environ.get(ENV_REPO, "").strip():
        raise ToolError(
            f"no git repository configured — set {ENV_REPO} on the server to the repository "
            "(or a folder of repositories) bmad_git may use; repo_path must lie under it"
        )
    base = workspace.root(ENV_REPO)
    path = workspace.confine(repo_path, ENV_REPO, "repo_path")
    if not path.is_dir():
        raise ToolError(f"{path} is not a directory — pass the path of a git work tree")
    try:
        argv = [*hardened_args(), "rev-parse", "--show-toplevel"]
        proc = _run(path, argv, GIT_TIMEOUT, None, base.parent)
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"git rev-parse took longer than {GIT_TIMEOUT:g}s") from exc
    top = proc.stdout.strip()
    if proc.returncode != 0 or not top:
        raise ToolError(
            f"{path} is not inside a git repository under {ENV_REPO} ({base}) — run git init "
            "there or pass another path"
        )
    resolved = Path(top).resolve()
    if not workspace.inside(resolved, base):
        raise ToolError(
            f"the work tree of {path} is {resolved}, outside {ENV_REPO} ({base}) — set "
            f"{ENV_REPO} to the top of the work tree"
        )
    return Repo(resolved, _filter_overrides(resolved))


def _hooks() -> bool:
    return os.environ.get(ENV_HOOKS, "").strip() == "1"


def _branch(repo: Repo) -> str:
    return _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip() or "HEAD"


def _has_commits(repo: Repo) -> bool:
    return bool(_git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def _check_branch(repo: Repo, name: str) -> str:
    """A branch name git accepts, never an option, refspec or `@{-n}` shorthand."""
    bad = name.startswith(("-", ":", "+")) or "@{" in name or len(name) > 200
    formatted = "" if bad else _git(repo, "check-ref-format", "--branch", name, check=False)
    if bad or formatted.strip() != name:
        raise ToolError(
            f'"{workspace.show(name)}" is not a valid branch name — pass a plain branch name '
            "such as main or feature/x"
        )
    return name


def _staged(repo: Repo) -> list[dict[str, str]]:
    out = _git(
        repo, "diff", "--cached", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--"
    )
    parts = [p for p in out.split("\0") if p]
    return [{"status": parts[i], "path": parts[i + 1]} for i in range(0, len(parts) - 1, 2)]


def _problems(repo: Repo, staged: list[dict[str, str]]) -> list[str]:
    problems: list[str] = []
    if not staged:
        problems.append("nothing is staged — stage files with git add (or commit with add_all)")
    check = _git(
        repo, "diff", "--cached", "--check", "--no-ext-diff", "--no-textconv", "--", check=False
    ).strip()
    if check:
        first = check.splitlines()[0]
        problems.append(f"whitespace errors or conflict markers in staged changes: {first}")
    present = [item["path"] for item in staged if item["status"] != "D"]
    for path in present:
        if SECRET_NAMES.search(path):
            problems.append(f"{path} looks like a secret — unstage it with git restore --staged")
    if present:
        # one `cat-file --batch-check` for every staged blob: "<size>" per line
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
        "repo": str(repo.path),
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
    if "\x00" in message:
        raise ToolError("the commit message contains a NUL character — remove it")
    repo = repository(repo_path)
    if add_all:
        _git(repo, "add", "--all", "--")
    staged = _staged(repo)
    problems = _problems(repo, staged)
    if problems:
        raise ToolError(
            "cannot commit: "
            + "; ".join(problems)
            + " (nothing was committed; staged changes stay)"
        )
    hooks = _hooks()
    extra = [] if hooks else ["--no-verify"]
    _git(
        repo,
        "commit",
        "--quiet",
        *extra,
        "-m",
        message.strip(),
        timeout=COMMIT_TIMEOUT,
        hooks=hooks,
    )
    sha = _git(repo, "rev-parse", "HEAD").strip()
    return {
        "repo": str(repo.path),
        "sha": sha,
        "branch": _branch(repo),
        "message": message.strip(),
        "files": [s["path"] for s in staged],
    }


def push_changes(
    repo_path: str | None = None, remote: str = "origin", branch: str | None = None
) -> dict[str, Any]:
    """Push a branch (default: the current one) to the branch of the same name on a remote."""
    repo = repository(repo_path)
    remotes = _git(repo, "remote").split()
    if not remotes:
        raise ToolError(
            f"{repo.path} has no remote to push to — add one with git remote add origin URL"
        )
    if not REMOTE_NAME.match(remote) or remote not in remotes:
        raise ToolError(
            f'remote "{workspace.show(remote)}" does not exist — use one of {", ".join(remotes)}'
        )
    target = _check_branch(repo, branch) if branch is not None else _branch(repo)
    if target == "HEAD":
        raise ToolError("HEAD is detached — pass branch to say what to push")
    if not _has_commits(repo):
        raise ToolError("the repository has no commits yet — commit before pushing")
    ref = f"refs/heads/{target}"
    if not _git(repo, "rev-parse", "--verify", "--quiet", ref, check=False).strip():
        raise ToolError(f'branch "{target}" does not exist locally — pass an existing branch')
    hooks = _hooks()
    _git(
        repo,
        "push",
        "--porcelain",
        "--receive-pack=git-receive-pack",  # the remote's configured receivepack is a command
        *([] if hooks else ["--no-verify"]),
        "--",
        remote,
        f"{ref}:{ref}",
        timeout=PUSH_TIMEOUT,
        hooks=hooks,
    )
    return {"repo": str(repo.path), "remote": remote, "branch": target, "pushed": True}


def get_history(
    repo_path: str | None = None, limit: int = 20, path: str | None = None
) -> dict[str, Any]:
    """The newest commits first, optionally only those touching `path` (inside the work tree)."""
    repo = repository(repo_path)
    if path is not None:
        target = (repo.path / path.replace("\x00", "")).resolve()
        if "\x00" in path or not workspace.inside(target, repo.path):
            raise ToolError(
                f'path "{workspace.show(path)}" is outside the work tree {repo.path} — pass a path '
                "relative to it"
            )
    if not _has_commits(repo):
        return {"repo": str(repo.path), "branch": _branch(repo), "commits": [], "count": 0}
    fmt = SEP.join(["%H", "%an", "%ae", "%aI", "%s"])
    args = ["log", f"--max-count={limit}", f"--format={fmt}", "--no-show-signature"]
    if path:
        args += ["--", path]
    commits = []
    for line in _git(repo, *args).splitlines():
        sha, author, email, date, subject = line.split(SEP, 4)
        commits.append(
            {"sha": sha, "author": author, "email": email, "date": date, "subject": subject}
        )
    return {
        "repo": str(repo.path),
        "branch": _branch(repo),
        "commits": commits,
        "count": len(commits),
    }
