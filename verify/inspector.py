"""Stage `inspector`: every example client build through the MCP Inspector CLI, over stdio.

Per client (generated/clients/*): `inspector --cli --strict --method tools/list` (exit 6, a
schema portability error, fails, and so does any portability warning: the compiler emits the
portable spelling, generator/portable.py), then one `tools/call` per listed tool.
The operation and arguments come from the build itself (build.py + tools_list.json): a master
tool's first read operation without required parameters (else its first read operation), a plain
tool's own operation, a listed legacy alias' operation. Required arguments come from ARGS by
parameter name, else from the parameter's schema (enum/const/default/type). Every server gets a
throw-away SQLite database, git repository and sample files, so writes go nowhere.

A call must succeed. Listed legacy aliases and `split: effect` write tools may also end in a
handler's own error (an `isError` result from ToolError, e.g. "task t999 does not exist"): they
are called with ids that do not exist, and reaching the handler is what they prove. Protocol
errors (an unknown tool), refused arguments (an `isError` result naming the field, MCP
2025-11-25 SEP-1303: the runtime's "invalid arguments for ..." and operation messages), internal
errors and timeouts always fail.

Per-operation hints: a second, plain `tools/list` per client checks that every listed tool's
`readOnlyHint` is true exactly when every operation it answers is a read (so `read_only` clients
and `split: effect` read tools are listed read-only, and nothing else is). A listed master tool
that answers fewer operations than `tools.yaml` declares (a `split: effect` half, a `read_only`
or operation-selecting client) is also called with one it does not answer, which must be
refused with an error naming the operations it has.
"""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from verify.env import NODE_BIN, ROOT, node_env, python, say

GENERATED = ROOT / "generated"
CALL_TIMEOUT = 60
INTERNAL = "failed with an internal error"  # the runtime's message for an unexpected exception
# the runtime's isError messages for arguments it refuses before any handler runs (SEP-1303)
REFUSED = (
    "invalid arguments for ",
    'needs an "operation" argument',
    "has no operation",
    "is not available to this client",
)

# Values for required (and a few optional) parameters, by name; "{sandbox}" is the temp dir.
ARGS: dict[str, Any] = {
    "query": "greet",
    "path": "{sandbox}/sample.py",
    "report_path": "{sandbox}/junit.xml",
    "junit_path": "{sandbox}/junit.xml",
    "content": "verify: a memory written by make verify",
    "title": "verify",
    "name": "verify",
    "topic": "verify",
    "question": "verify?",
    "message": "verify",
    "reviewer": "verify",
    "approver": "verify",
    "reason": "verify",
    "comment": "verify",
}
# Strings tried, in order, for a parameter with a `pattern` (ids such as t999 do not exist: a
# legacy alias may then end in a ToolError, see the module docstring).
PATTERN_SAMPLES = ("verify", "t999", "p999", "d999", "w999", "h999")
# Optional arguments some calls need to stay inside the sandbox.
EXTRA: dict[str, dict[str, Any]] = {
    "code.search_functions": {"path": "{sandbox}"},
}

SAMPLE_PY = 'def greet(name: str) -> str:\n    return f"hello {name}"\n'
JUNIT = (
    '<?xml version="1.0"?>\n<testsuite name="s" tests="2" failures="1">\n'
    '  <testcase classname="t" name="ok"/>\n'
    '  <testcase classname="t" name="bad"><failure message="boom">trace</failure></testcase>\n'
    "</testsuite>\n"
)


@dataclass(frozen=True, slots=True)
class Job:
    client: str
    label: str  # what the progress line shows
    argv: tuple[str, ...]  # inspector arguments before the server command
    may_tool_error: bool = False
    strict_list: bool = False
    hints: dict[str, bool] | None = None  # listed name -> expected readOnlyHint (a hints job)
    refusal: bool = False  # the call must be refused naming valid operations


@dataclass(slots=True)
class Result:
    job: Job
    ok: bool
    outcome: str  # ok | tool_error | warnings=N | the failure
    seconds: float
    detail: str = ""
    warnings: int = field(default=0)


def _sandbox(root: Path) -> dict[str, str]:
    """Temp DB, git repo with one commit, sample files (the workspace); the server's environment."""
    repo = root / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=verify", "-c", "user.email=verify@invalid"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README.md").write_text("verify\n")
    subprocess.run([*git, "add", "README.md"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    (root / "sample.py").write_text(SAMPLE_PY)
    (root / "junit.xml").write_text(JUNIT)
    return {
        "TOOLC_BMAD_DB": str(root / "bmad.db"),
        "TOOLC_GIT_REPO": str(repo),
        "TOOLC_WORKSPACE": str(root),  # the file tools read only under it
    }


def _fill(value: Any, sandbox: Path) -> Any:
    return value.replace("{sandbox}", str(sandbox)) if isinstance(value, str) else value


def _synth(schema: dict[str, Any]) -> Any:
    """A valid value for a parameter schema without an ARGS entry."""
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return _synth(schema[key][0])
    if "pattern" in schema:
        for sample in PATTERN_SAMPLES:
            if re.search(schema["pattern"], sample):
                return sample
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "verify" + "x" * max(0, int(schema.get("minLength", 0)) - 6)


def _choose(operations: dict[str, dict[str, Any]]) -> str:
    reads = [op for op, t in operations.items() if t["effect"] == "read"]
    for op in reads:
        if not operations[op]["required"]:
            return op
    return reads[0] if reads else next(iter(operations))


def _answers(build: dict[str, Any], name: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """The declared tool behind a listed name and the operations (tables) that name answers."""
    alias = build["LEGACY"].get(name)
    split = build.get("SPLIT", {}).get(name)
    declared = alias["tool"] if alias else split["tool"] if split else build["NAMES"][name]
    ops: dict[str, dict[str, Any]] = build["TOOLS"][declared]["operations"]
    keep = [alias["operation"]] if alias else split["operations"] if split else list(ops)
    return declared, {op: ops[op] for op in keep}


def _declared_operations() -> dict[str, list[str]]:
    """Each master tool's operations as tools.yaml declares them (every client's superset)."""
    tools = yaml.safe_load((ROOT / "tools.yaml").read_text(encoding="utf-8"))["tools"]
    return {name: list(t["operations"]) for name, t in tools.items() if "operations" in t}


def plan_hints(client: str) -> Job:
    """A plain tools/list whose readOnlyHints must match what each listed name answers."""
    folder = GENERATED / "clients" / client
    build = runpy.run_path(str(folder / "build.py"))
    listed = json.loads((folder / "tools_list.json").read_text())["tools"]
    expected = {
        e["name"]: all(t["effect"] == "read" for t in _answers(build, e["name"])[1].values())
        for e in listed
    }
    return Job(client, "tools/list hints", ("--method", "tools/list"), hints=expected)


def plan_calls(client: str, sandbox: Path) -> list[Job]:
    """One tools/call per tool listed for `client`, derived from its build; for each split read
    tool, one call of a write operation that must be refused."""
    folder = GENERATED / "clients" / client
    build = runpy.run_path(str(folder / "build.py"))
    listed = json.loads((folder / "tools_list.json").read_text())["tools"]
    jobs = []
    declared_ops = _declared_operations()
    for entry in listed:
        name, schema = entry["name"], entry["inputSchema"]
        alias = build["LEGACY"].get(name)
        split = build.get("SPLIT", {}).get(name)
        declared, answers = _answers(build, name)
        op = alias["operation"] if alias else None
        table = build["TOOLS"][declared]
        master = table["kind"] == "master"
        if op is None:
            op = _choose(answers) if master else next(iter(answers))
        props = dict(schema.get("properties", {}))
        for branch in schema.get("oneOf", []):  # union dialect: this operation's branch
            if branch.get("properties", {}).get("operation", {}).get("const") == op:
                props = branch["properties"]
        if alias is None and master:
            required = list(table["operations"][op]["required"])
        else:
            required = list(schema.get("required", []))
        args: dict[str, Any] = {"operation": op} if master and alias is None else {}
        for param in required:
            if param != "operation":
                args[param] = _fill(ARGS[param], sandbox) if param in ARGS else _synth(props[param])
        for key, value in EXTRA.get(declared, {}).items():
            args[key] = _fill(value, sandbox)
        argv = ("--method", "tools/call", "--tool-name", name, "--tool-args-json", json.dumps(args))
        label = f"{name}" + (f" {op}" if master and alias is None else "")
        writes = split is not None and answers[op]["effect"] != "read"
        jobs.append(Job(client, label, argv, may_tool_error=alias is not None or writes))
        others = [o for o in declared_ops.get(declared, ()) if o not in answers]
        if master and alias is None and others:
            args = {"operation": others[0]}
            argv = (
                "--method",
                "tools/call",
                "--tool-name",
                name,
                "--tool-args-json",
                json.dumps(args),
            )
            jobs.append(Job(client, f"{name} {others[0]} (refused)", argv, refusal=True))
    return jobs


def _run(job: Job, env: dict[str, str], home: Path) -> Result:
    server = [python(), "-m", "toolc", "serve", "--client", job.client, "--no-trace"]
    server_env = [f"{k}={v}" for k, v in env.items()]
    cmd = [str(NODE_BIN / "inspector"), "--cli", "--format", "json", "--cwd", str(ROOT)]
    cmd += ["--strict"] if job.strict_list else ["-q"]
    for pair in server_env:
        cmd += ["-e", pair]
    cmd += [*job.argv, *server]
    extra = {
        "HOME": str(home),  # the Inspector keeps its catalog and client config under ~
        "MCP_CATALOG_PATH": str(home / "mcp.json"),
        "MCP_CLIENT_CONFIG_PATH": str(home / "client.json"),
    }
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env=node_env(**extra),
            capture_output=True,
            text=True,
            timeout=CALL_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return Result(job, False, f"timed out after {CALL_TIMEOUT} s", CALL_TIMEOUT)
    took = time.perf_counter() - start
    out, err = proc.stdout, proc.stderr
    if job.hints is not None:
        return _check_hints(job, proc.returncode, out, took)
    if job.refusal:
        refused = proc.returncode != 0 and "valid operations" in out + err
        why = (
            "refused, naming its operations" if refused else f"not refused (exit {proc.returncode})"
        )
        return Result(job, refused, why, took, detail="" if refused else (err or out)[-3000:])
    if job.strict_list:
        warnings = err.count("Warning: tool ")
        if proc.returncode == 0 and warnings == 0:
            return Result(job, True, "ok, no portability warnings", took)
        if proc.returncode == 0:  # the compiler emits portable schemas (generator/portable.py)
            why = f"{warnings} portability warnings"
            return Result(job, False, why, took, warnings=warnings, detail=err[-6000:])
        why = "schema portability error" if proc.returncode == 6 else f"exit {proc.returncode}"
        return Result(job, False, why, took, detail=err[-6000:])
    if proc.returncode == 0:
        return Result(job, True, "ok", took)
    text = _result_text(out)
    if proc.returncode == 5 and '"tool_is_error"' in err and INTERNAL not in text:
        if any(marker in text for marker in REFUSED):
            return Result(job, False, "arguments refused", took, detail=text)
        if job.may_tool_error:
            return Result(job, True, f"tool error: {text[:100]}", took)
        return Result(job, False, "isError result", took, detail=text)
    return Result(job, False, f"exit {proc.returncode}", took, detail=(err or out)[-3000:])


def _check_hints(job: Job, code: int, stdout: str, took: float) -> Result:
    assert job.hints is not None
    try:
        tools = json.loads(stdout)["result"]["tools"]
    except (ValueError, KeyError, TypeError):
        return Result(job, False, f"exit {code}, no tool list", took, detail=stdout[-3000:])
    got = {t["name"]: bool(t.get("annotations", {}).get("readOnlyHint")) for t in tools}
    wrong = sorted(n for n, want in job.hints.items() if got.get(n) != want)
    if wrong:
        return Result(job, False, f"readOnlyHint misstated for {', '.join(wrong)}", took)
    reads = sum(job.hints.values())
    return Result(job, True, f"ok, {reads} of {len(got)} listed read-only, as declared", took)


def _result_text(stdout: str) -> str:
    try:
        content = json.loads(stdout)["result"]["content"]
        return " ".join(c.get("text", "") for c in content)
    except (ValueError, KeyError, TypeError):
        return stdout


def clients() -> list[str]:
    return sorted(p.name for p in (GENERATED / "clients").iterdir() if (p / "build.py").is_file())


def run(jobs_in_parallel: int = 2, only: list[str] | None = None) -> bool:
    names = only or clients()
    with tempfile.TemporaryDirectory(prefix="toolc-inspector-") as tmp:
        work: list[tuple[Job, dict[str, str], Path]] = []
        for client in names:
            sandbox = Path(tmp) / client
            sandbox.mkdir()
            env = _sandbox(sandbox)
            home = sandbox / "home"
            home.mkdir()
            listing = Job(
                client, "tools/list --strict", ("--method", "tools/list"), strict_list=True
            )
            jobs = [listing, plan_hints(client), *plan_calls(client, sandbox)]
            work += [(job, env, home) for job in jobs]
        say(f"inspector: {len(work)} runs for {', '.join(names)} ({jobs_in_parallel} at a time)")
        results = _pool(work, jobs_in_parallel, lambda r, n: _progress(r, n, len(work)))
    return _summary(results, names)


def _pool(
    work: list[tuple[Job, dict[str, str], Path]],
    size: int,
    report: Callable[[Result, int], None],
) -> list[Result]:
    done: list[Result] = []
    with ThreadPoolExecutor(max_workers=size) as pool:
        futures = [pool.submit(_run, job, env, home) for job, env, home in work]
        for future in futures:
            result = future.result()
            done.append(result)
            report(result, len(done))
    return done


def _progress(r: Result, n: int, total: int) -> None:
    mark = "ok  " if r.ok else "FAIL"
    what = f"{r.job.client}: {r.job.label} — {r.outcome}"
    say(f"inspector [{n:3}/{total}] {mark} {what} ({r.seconds:.1f}s)")


def _summary(results: list[Result], names: list[str]) -> bool:
    for client in names:
        mine = [r for r in results if r.job.client == client]
        calls = [r for r in mine if not r.job.strict_list and r.job.hints is None]
        listing = next(r for r in mine if r.job.strict_list)
        tool_errors = sum(1 for r in calls if r.ok and r.outcome.startswith("tool error"))
        failed = [r for r in mine if not r.ok]
        say(
            f"inspector: {client}: list {listing.outcome}; {len(calls)} calls, "
            f"{len(calls) - len(failed) - tool_errors} ok, {tool_errors} expected tool errors, "
            f"{len(failed)} failed"
        )
    failures = [r for r in results if not r.ok]
    for r in failures:
        print(f"\nFAILED {r.job.client}: {r.job.label} — {r.outcome}\n{r.detail}", flush=True)
    return not failures
