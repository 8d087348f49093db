"""Handlers of the conformance fixture: each returns what its scenario of
@modelcontextprotocol/conformance 0.1.16 expects (tool names and texts are the suite's)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import anyio

from toolc import Audio, Image, Resource, Text, ToolContext, ToolError


def _png_1x1_red() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter 0, then one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _wav_silence(samples: int = 800, rate: int = 8000) -> bytes:
    data = b"\x00\x00" * samples  # 16-bit mono silence, 0.1 s
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


PNG = _png_1x1_red()
WAV = _wav_silence()


def test_simple_text() -> str:
    return "This is a simple text response for testing."


def test_image_content() -> Image:
    return Image(PNG, "image/png")


def test_audio_content() -> Audio:
    return Audio(WAV, "audio/wav")


def test_embedded_resource() -> Resource:
    return Resource(
        uri="test://embedded-resource",
        text="This is an embedded resource content.",
        mime_type="text/plain",
    )


def test_multiple_content_types() -> list[Text | Image | Resource]:
    return [
        Text("Multiple content types test:"),
        Image(PNG, "image/png"),
        Resource(
            uri="test://mixed-content-resource",
            text='{"test":"data","value":123}',
            mime_type="application/json",
        ),
    ]


def test_error_handling() -> str:
    raise ToolError("This tool intentionally returns an error for testing")


async def test_tool_with_progress(ctx: ToolContext) -> str:
    for step in (0, 50, 100):
        if step:
            await anyio.sleep(0.05)
        await ctx.report_progress(step, 100)
    return "Progress test completed"


async def test_tool_with_logging(ctx: ToolContext) -> str:
    messages = ("Tool execution started", "Tool processing data", "Tool execution completed")
    for i, message in enumerate(messages):
        if i:
            await anyio.sleep(0.05)
        await ctx.log("info", message)
    return "Logging test completed"


def json_schema_2020_12_tool(name: str | None, address: Any) -> dict[str, Any]:
    street = getattr(address, "street", None) if address is not None else None
    city = getattr(address, "city", None) if address is not None else None
    return {"name": name, "address": {"street": street, "city": city}}


async def test_reconnection(ctx: ToolContext) -> str:
    # a moment first, so the stream's priming event (the id to resume from) is on the wire
    await anyio.sleep(0.05)
    await ctx.close_sse_stream()
    await anyio.sleep(0.1)  # the client sees its stream end and reconnects meanwhile
    return "Reconnection test completed"
