"""The stdio transport, on the event loop's own pipe I/O instead of worker threads.

The SDK's `stdio_server` reads stdin and writes stdout through `anyio.wrap_file`, so every line
read, every write and every flush is a hop to a worker thread and back: three per call, about
half of a raw call's round trip (docs/benchmarks.md). Here a pipe, socket or terminal is an
asyncio pipe transport on the running loop; messages are parsed and serialized exactly as the SDK
does. A regular file (`< requests.jsonl`, `> replies.jsonl`) or a device the loop cannot watch
(`< /dev/null`) is read in a worker thread and written directly.

Every line gets an answer or is a notification (runtime.wire): what the SDK's parser refuses is
answered here with -32700 / -32600, and a line longer than `max_message_bytes` is refused with
-32600 and skipped in bounded chunks, never buffered whole.

At end of input the transport waits (up to `drain_seconds`) until every request read so far has
had its reply written, answers the rest with a "connection closed" error, then ends the session: a
client that writes its requests and closes stdin (the stdio shutdown the MCP spec describes) gets
an answer to each. A watchdog then ends the process if it is still alive `EXIT_GRACE` seconds
later (a handler that swallows cancellation), and `exit_if_threads_linger` ends it at once when
only handler threads stuck in blocking calls keep it alive.

Like the SDK, it claims the standard descriptors while serving: the protocol runs on private
duplicates, fd 0 reads the null device and fd 1 points at stderr, so neither a handler, a child
process nor a stray `print()` can touch the protocol stream; both are restored on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import selectors
import stat
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import BinaryIO, Final, Protocol

import anyio
import anyio.to_thread
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage

from .wire import CONNECTION_CLOSED, bounded, error_line, refusal, stray_id, too_long

log = logging.getLogger("toolc.runtime")

MAX_MESSAGE_BYTES: Final = 4 * 1024 * 1024  # one JSON-RPC message per line (the SDK: no limit)
DRAIN_SECONDS: Final = 5.0  # at end of input, how long requests still running may take to answer
EXIT_GRACE: Final = 5.0  # after the drain, how long shutting down may take (the CLI's watchdog)

Streams = tuple[
    MemoryObjectReceiveStream[SessionMessage | Exception], MemoryObjectSendStream[SessionMessage]
]
Write = Callable[[bytes], Awaitable[None]]


class TooLong(Exception):
    """The line being read is longer than the message limit; `Lines.skip` drops the rest."""


class Lines(Protocol):
    async def read(self) -> bytes:
        """The next line (its last at end of input may lack the newline); b"" at end of input."""
        ...

    async def skip(self) -> None:
        """Drop the rest of a line that was too long, reading it in bounded chunks."""
        ...


class _PipeLines:
    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    async def read(self) -> bytes:
        try:
            return await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:  # end of input
            return exc.partial
        except asyncio.LimitOverrunError as exc:
            await self._reader.readexactly(exc.consumed)  # held in the buffer, returned at once
            raise TooLong from None

    async def skip(self) -> None:
        while True:
            try:
                await self._reader.readuntil(b"\n")
                return
            except asyncio.IncompleteReadError:
                return
            except asyncio.LimitOverrunError as exc:
                await self._reader.readexactly(exc.consumed)


class _FileLines:
    def __init__(self, file: BinaryIO, limit: int) -> None:
        self._file = file
        self._limit = limit

    async def read(self) -> bytes:
        line = await anyio.to_thread.run_sync(self._file.readline, self._limit + 1)
        if len(line) > self._limit and not line.endswith(b"\n"):
            raise TooLong
        return line

    async def skip(self) -> None:
        await anyio.to_thread.run_sync(self._skip)

    def _skip(self) -> None:
        while (chunk := self._file.readline(self._limit)) and not chunk.endswith(b"\n"):
            pass


def _is_stream(fd: int) -> bool:
    """Whether the event loop can watch `fd`: a pipe, a socket, or a pollable device (a terminal;
    not /dev/null, which epoll refuses). A regular file it never can."""
    mode = os.fstat(fd).st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return True
    if not stat.S_ISCHR(mode):
        return False
    with selectors.DefaultSelector() as probe:
        try:
            probe.register(fd, selectors.EVENT_READ)
        except (OSError, ValueError):
            return False
    return True


@contextlib.contextmanager
def _claimed(fd: int, diversion: int) -> Iterator[int]:
    """A private duplicate of `fd` (yielded), with `fd` itself pointed at `diversion`."""
    import fcntl  # POSIX only; Windows serves through the SDK's transport (runtime.server)

    private = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.dup2(diversion, fd)
    try:
        yield private
    finally:
        with contextlib.suppress(OSError):
            os.set_blocking(private, True)  # a pipe transport made the description non-blocking
        os.dup2(private, fd)  # the wire back on the standard descriptor
        os.close(private)


@contextlib.asynccontextmanager
async def _reader(fd: int, limit: int) -> AsyncIterator[Lines]:
    if not _is_stream(fd):
        with os.fdopen(fd, "rb", closefd=False) as file:
            yield _FileLines(file, limit)
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=limit)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", closefd=False)
    )
    try:
        yield _PipeLines(reader)
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def _writer(fd: int) -> AsyncIterator[Write]:
    if not _is_stream(fd):

        async def write_file(data: bytes) -> None:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]

        yield write_file
        return
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(fd, "wb", closefd=False)
    )
    # drain() returns once the bytes are in the pipe: nothing waits in a user-space buffer
    transport.set_write_buffer_limits(high=0)
    writer = asyncio.StreamWriter(transport, protocol, None, loop)

    async def write_pipe(data: bytes) -> None:
        writer.write(data)  # a whole line at once: lines from two tasks never interleave
        await writer.drain()

    try:
        yield write_pipe
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def stdio_transport(
    max_message_bytes: int = MAX_MESSAGE_BYTES,
    drain_seconds: float = DRAIN_SECONDS,
    exit_grace: float | None = None,
) -> AsyncIterator[Streams]:
    """The session's streams over stdin/stdout. With `exit_grace`, end of input also arms a
    watchdog that ends the whole process `drain_seconds + exit_grace` later (the CLI's choice;
    never in a process that hosts other work, such as a test run)."""
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        with _claimed(0, null) as in_fd, _claimed(1, 2) as out_fd:
            async with (
                _reader(in_fd, max_message_bytes) as lines,
                _writer(out_fd) as write,
                _pump(lines, write, max_message_bytes, drain_seconds, exit_grace) as streams,
            ):
                yield streams
    finally:
        os.close(null)


@contextlib.asynccontextmanager
async def _pump(
    lines: Lines, write: Write, limit: int, drain_seconds: float, exit_grace: float | None
) -> AsyncIterator[Streams]:
    read_send, read_recv = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_send, write_recv = anyio.create_memory_object_stream[SessionMessage](0)
    unanswered: set[types.RequestId] = set()
    abandoned: set[types.RequestId] = set()  # answered at the end of the drain; later replies drop
    answered = anyio.Event()  # set (and replaced) whenever the last open request is answered
    written = anyio.Event()
    parse = types.jsonrpc_message_adapter.validate_json

    async def answer(reply: bytes) -> None:
        """Write the transport's own reply; a client that stopped reading only loses it."""
        try:
            await write(reply)
        except OSError as exc:
            log.debug("reply not delivered: %s", exc)

    async def stdin_reader() -> None:
        nonlocal answered
        async with read_send:
            while True:
                try:
                    line = await lines.read()
                except TooLong:
                    log.warning("refused a message over %d bytes (--max-message-bytes)", limit)
                    await answer(too_long(limit))
                    await lines.skip()
                    continue
                if not line:
                    break
                try:
                    message = parse(line, by_name=False)
                except Exception:
                    if line.isspace():
                        continue  # a blank line between messages is no message
                    if (reply := refusal(line)) is not None:
                        await answer(reply)
                    continue
                if isinstance(message, types.JSONRPCRequest):
                    unanswered.add(message.id)
                elif isinstance(message, types.JSONRPCNotification) and (reply := stray_id(line)):
                    await answer(reply)
                    continue
                await read_send.send(SessionMessage(message))
            if exit_grace is not None:
                _arm_watchdog(drain_seconds + exit_grace)
            with anyio.move_on_after(drain_seconds):
                while unanswered:
                    answered = anyio.Event()
                    await answered.wait()
            closed = f"connection closed: end of input, and {drain_seconds:g} s passed"
            for request_id in list(unanswered):
                abandoned.add(request_id)
                await answer(error_line(request_id, CONNECTION_CLOSED, closed))
            unanswered.clear()

    async def stdout_writer() -> None:
        try:
            async with write_recv:
                async for item in write_recv:
                    message = item.message
                    if isinstance(message, types.JSONRPCResponse | types.JSONRPCError):
                        if message.id in abandoned:
                            continue
                        if isinstance(message, types.JSONRPCError):
                            message = bounded(message)
                        text = message.model_dump_json(by_alias=True, exclude_unset=True)
                        await write(text.encode() + b"\n")
                        unanswered.discard(message.id)
                        if not unanswered:
                            answered.set()
                        continue
                    text = message.model_dump_json(by_alias=True, exclude_unset=True)
                    await write(text.encode() + b"\n")
        finally:
            written.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(stdin_reader)
        tg.start_soon(stdout_writer)
        try:
            yield read_recv, write_send
        finally:
            # Every reply the session produced goes out before the transport closes; stdin may
            # still be open (the server stopped for another reason), so the reader is cancelled.
            write_send.close()
            with anyio.move_on_after(5):
                await written.wait()
            tg.cancel_scope.cancel()


def _hard_exit(why: str) -> None:
    """Flush what can be flushed and end the process, whatever its threads are doing."""
    log.warning("exiting now: %s", why)
    logging.shutdown()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(0)


def _arm_watchdog(seconds: float) -> None:
    """End the process `seconds` from now unless it has exited by then (a daemon timer)."""
    timer = threading.Timer(seconds, _hard_exit, ("still running after end of input",))
    timer.daemon = True
    timer.start()


def exit_if_threads_linger() -> None:
    """After serving: exit at once if handler threads are still blocked (a sync handler that
    outlived its timeout); the interpreter would otherwise wait for them at exit."""
    main = threading.main_thread()
    stuck = [t for t in threading.enumerate() if t is not main and not t.daemon and t.is_alive()]
    if stuck:
        _hard_exit(f"{len(stuck)} handler thread(s) still blocked")
