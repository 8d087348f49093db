"""`make verify`: the runtime and every generated schema, checked with MCP tools we did not write.

    python verify/run.py [--stage tools|conformance|inspector|browser ...] [--jobs N]
                         [--client NAME ...]

Stages (all by default, in this order):
  tools        install the pinned Node tools into .tools/ (npm ci; skipped when up to date)
  conformance  @modelcontextprotocol/conformance against the fixture build tests/conformance/,
               over Streamable HTTP, stateful and stateless, with verify/conformance-baseline.yml
  inspector    @modelcontextprotocol/inspector --cli over stdio for every client build in
               generated/clients/: tools/list --strict, then one tools/call per listed tool
  browser      every reference page (docs/clients/*.html) in headless Chromium: no console
               errors, no fetches, the search box filters (installs chromium when missing)
Progress goes to stderr. Exit 0 when every stage passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from verify import browser, conformance, inspector, tools
from verify.env import say

STAGES = ("tools", "conformance", "inspector", "browser")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verify/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", action="append", choices=STAGES, help="run only these stages")
    parser.add_argument("--jobs", type=int, default=2, help="Inspector runs at a time (2)")
    parser.add_argument("--client", action="append", help="Inspector: only these client builds")
    args = parser.parse_args(argv)
    stages = args.stage or list(STAGES)
    timings: list[str] = []
    ok = True
    try:
        tools.ensure()  # every stage needs the Node tools
    except tools.ToolsError as exc:
        say(f"tools: FAILED — {exc}")
        return 1
    for stage in stages:
        if stage == "tools":
            continue
        start = time.perf_counter()
        say(f"{stage}: start")
        if stage == "conformance":
            passed = conformance.run()
        elif stage == "browser":
            passed = browser.run()
        else:
            passed = inspector.run(args.jobs, args.client)
        took = time.perf_counter() - start
        timings.append(f"{stage} {'ok' if passed else 'FAILED'} in {took:.1f}s")
        ok = ok and passed
    say("; ".join(timings) if timings else "tools ok")
    say("verify: ok" if ok else "verify: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
