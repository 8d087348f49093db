"""Rich MCP content a handler may return: `Text`, `Image`, `Audio`, `Resource` (or a list)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from mcp import types


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Image:
    data: bytes
    mime_type: str = "image/png"


@dataclass(frozen=True, slots=True)
class Audio:
    data: bytes
    mime_type: str = "audio/wav"


@dataclass(frozen=True, slots=True)
class Resource:
    """An embedded resource: give `text` or `blob` (bytes)."""

    uri: str
    text: str | None = None
    blob: bytes | None = None
    mime_type: str | None = None


Content = Text | Image | Audio | Resource
CONTENT_TYPES = (Text, Image, Audio, Resource)


def to_mcp(value: Content) -> types.ContentBlock:
    """One runtime content value as an MCP content block."""
    if isinstance(value, Text):
        return types.TextContent(type="text", text=value.text)
    if isinstance(value, Image):
        data = base64.b64encode(value.data).decode("ascii")
        return types.ImageContent(type="image", data=data, mime_type=value.mime_type)
    if isinstance(value, Audio):
        data = base64.b64encode(value.data).decode("ascii")
        return types.AudioContent(type="audio", data=data, mime_type=value.mime_type)
    resource: types.TextResourceContents | types.BlobResourceContents
    if value.blob is not None:
        resource = types.BlobResourceContents(
            uri=value.uri,
            blob=base64.b64encode(value.blob).decode("ascii"),
            mime_type=value.mime_type,
        )
    else:
        resource = types.TextResourceContents(
            uri=value.uri, text=value.text or "", mime_type=value.mime_type
        )
    return types.EmbeddedResource(type="resource", resource=resource)
