"""A stdio upstream's stderr, relayed to ours line by line and bounded, and its launch wrapper.

The child writes into a pipe we own (never into our stdout, which is the MCP stream of a stdio
server); a daemon thread copies each line to our stderr prefixed with `[upstream NAME]`, cut to
`LINE_LIMIT` characters, and stops relaying after `TOTAL_LIMIT` bytes per connection (it keeps
reading, so the child never blocks on a full pipe).

On Linux the child is started through a tiny wrapper that asks the kernel to kill it when this
process dies (`PR_SET_PDEATHSIG`), so an upstream never outlives a server that was killed hard.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import IO, TextIO

LINE_LIMIT = 1000  # characters of one relayed line
TOTAL_LIMIT = 256 * 1024  # bytes relayed per connection; the rest is read and dropped

# exec the upstream with PR_SET_PDEATHSIG = SIGKILL (1 = PR_SET_PDEATHSIG, 9 = SIGKILL); if this
# process already died between fork and prctl, exit at once
_WRAPPER = (
    "import ctypes,os,sys\n"
    "ctypes.CDLL(None,use_errno=True).prctl(1,9,0,0,0)\n"
    "if os.getppid()!=int(sys.argv[1]):os._exit(1)\n"
    "os.execvp(sys.argv[2],sys.argv[2:])\n"
)


def launch_command(command: str, args: list[str]) -> tuple[str, list[str]]:
    """(command, args) that start `command` so it dies with this process (Linux), else as is."""
    if not sys.platform.startswith("linux"):
        return command, args
    return sys.executable, ["-S", "-c", _WRAPPER, str(os.getpid()), command, *args]


class StderrRelay:
    """A pipe for a child's stderr, relayed to our stderr by a daemon thread."""

    def __init__(self, name: str, sink: IO[str] | None = None) -> None:
        self.name = name
        self._sink = sink
        read_fd, write_fd = os.pipe()
        self.writer: TextIO = os.fdopen(write_fd, "w")  # what the child gets as its stderr
        self._reader = os.fdopen(read_fd, "rb")
        self._thread = threading.Thread(target=self._relay, name=f"upstream-{name}-stderr")
        self._thread.daemon = True
        self._thread.start()

    def child_started(self) -> None:
        """Close our copy of the write end, so the relay ends when the child's copy closes."""
        if not self.writer.closed:
            self.writer.close()

    def _relay(self) -> None:
        sent = 0
        prefix = f"[upstream {self.name}] "
        with self._reader:
            for raw in self._reader:
                if sent >= TOTAL_LIMIT:
                    continue
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if len(line) > LINE_LIMIT:
                    line = line[:LINE_LIMIT] + f"… ({len(line)} characters)"
                sent += len(line)
                if sent >= TOTAL_LIMIT:
                    line += f" (stderr of this upstream now dropped after {TOTAL_LIMIT} bytes)"
                sink = self._sink or sys.stderr
                try:
                    sink.write(prefix + line + "\n")
                    sink.flush()
                except (OSError, ValueError):
                    sent = TOTAL_LIMIT
