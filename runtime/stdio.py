"""The stdio transport, on the event loop's own pipe I/O instead of worker threads.

The SDK's `stdio_server` reads stdin and writes stdout through `anyio.wrap_file`, so every line
read, every write and every flush is a hop to a worker thread and back: three per call, about
half of a raw call's round trip (docs/benchmarks.md). Here a pipe, socket or terminal is an
asyncio pipe transport on the running loop; messages are parsed and serialized exactly as the SDK
does. A regular file (`< requests.jsonl`, `> replies.jsonl`) is read in a worker thread and
written directly, since files cannot be non-blocking.

At end of input the transport waits (up to `DRAIN_SECONDS`) until every request read so far has
had its reply written, then ends the session: a client that writes its requests and closes stdin
(the stdio shutdown the MCP spec describes) gets every answer. The SDK's transport answers the
requests still running at that point with "Connection closed".

Like the SDK, it claims the standard descriptors while serving: the protocol runs on private
duplicates, fd 0 reads the null device and fd 1 points at stderr, so neither a handler, a child
process nor a stray `print()` can touch the protocol stream; both are restored on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import anyio
import anyio.to_thread
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage

LINE_LIMIT = 64 * 1024 * 1024  # one JSON-RPC message per line; the SDK sets no limit at all
DRAIN_SECONDS = 30.0  # at end of input, how long requests still running may take to answer

Streams = tuple[
    MemoryObjectReceiveStream[SessionMessage | Exception], MemoryObjectSendStream[SessionMessage]
]
ReadLine = Callable[[], Awaitable[bytes]]
Write = Callable[[bytes], Awaitable[None]]


def _is_stream(fd: int) -> bool:
    """A pipe, socket or terminal: what the event loop can watch (a regular file it cannot)."""
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)


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
async def _reader(fd: int) -> AsyncIterator[ReadLine]:
    if not _is_stream(fd):
        with os.fdopen(fd, "rb", closefd=False) as file:
            yield lambda: anyio.to_thread.run_sync(file.readline)
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", closefd=False)
    )
    try:
        yield reader.readline
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
        writer.write(data)
        await writer.drain()

    try:
        yield write_pipe
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def stdio_transport() -> AsyncIterator[Streams]:
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        with _claimed(0, null) as in_fd, _claimed(1, 2) as out_fd:
            async with (
                _reader(in_fd) as readline,
                _writer(out_fd) as write,
                _pump(readline, write) as streams,
            ):
                yield streams
    finally:
        os.close(null)


@contextlib.asynccontextmanager
async def _pump(readline: ReadLine, write: Write) -> AsyncIterator[Streams]:
    read_send, read_recv = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_send, write_recv = anyio.create_memory_object_stream[SessionMessage](0)
    unanswered: set[types.RequestId] = set()
    answered = anyio.Event()  # set (and replaced) whenever the last open request is answered
    written = anyio.Event()

    async def stdin_reader() -> None:
        nonlocal answered
        async with read_send:
            while line := await readline():
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except Exception as exc:  # the session answers a parse error, as with the SDK's
                    await read_send.send(exc)
                    continue
                if isinstance(message, types.JSONRPCRequest):
                    unanswered.add(message.id)
                await read_send.send(SessionMessage(message))
            with anyio.move_on_after(DRAIN_SECONDS):
                while unanswered:
                    answered = anyio.Event()
                    await answered.wait()

    async def stdout_writer() -> None:
        try:
            async with write_recv:
                async for item in write_recv:
                    message = item.message
                    text = message.model_dump_json(by_alias=True, exclude_unset=True)
                    await write(text.encode() + b"\n")
                    if isinstance(message, types.JSONRPCResponse | types.JSONRPCError):
                        unanswered.discard(message.id)
                        if not unanswered:
                            answered.set()
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
