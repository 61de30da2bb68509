"""What an edit returns: the exact bytes of every image that came back, and what to tell the user.

Also parses the response body. The service may return fewer items than asked for, items with all
three keys present but empty, and a `metadata` that is the raw upstream reply; none of that is an
error, and every oddity becomes a note. A result image whose header claims far more pixels than
were requested is refused before any of it is decoded (a "result bomb").
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from PIL import (
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)

from .constants import RESULT_MAX_PIXELS, RESULT_MAX_SIZE_FACTOR
from .errors import APIStatusError, ImageEditError, OversizedResultError
from .models import MAX_OUTPUT_PIXELS

Size = tuple[int, int]
"""Width and height in pixels."""

HEADER_READERS = (
    PngImagePlugin.PngImageFile,
    JpegImagePlugin.JpegImageFile,
    WebPImagePlugin.WebPImageFile,
    GifImagePlugin.GifImageFile,
    BmpImagePlugin.BmpImageFile,
)
"""Pillow's readers of the formats a result comes in, used directly: `Image.open` would refuse a
huge image as a decompression bomb before its size could be told."""


@dataclass
class EditedImage:
    """One result image: `data` holds the bytes exactly as received."""

    data: bytes
    url: str | None = None
    revised_prompt: str | None = None

    @cached_property
    def image(self) -> Image.Image:
        image = Image.open(io.BytesIO(self.data))
        image.load()
        return image

    @property
    def format(self) -> str:
        return sniff_format(self.data)

    @property
    def mime(self) -> str:
        return "image/" + self.format.lower()

    @property
    def extension(self) -> str:
        return {"JPEG": "jpg"}.get(self.format, self.format.lower())


@dataclass
class EditResult:
    """The outcome of one edit call."""

    images: list[EditedImage]
    created: int | None
    metadata: dict[str, Any]
    request_id: str | None
    elapsed_s: float
    requested_n: int
    seed: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def revised_prompt(self) -> str | None:
        return next((image.revised_prompt for image in self.images if image.revised_prompt), None)

    @property
    def partial(self) -> bool:
        return len(self.images) < self.requested_n


@dataclass(frozen=True)
class ResponseItem:
    """One entry of `data` before any URL is downloaded."""

    data: bytes | None
    url: str | None
    revised_prompt: str | None
    refused: ImageEditError | None = None
    """Why the entry's image was not kept (it is then neither kept nor downloaded)."""


@dataclass(frozen=True)
class ParsedResponse:
    created: int | None
    items: list[ResponseItem]
    metadata: dict[str, Any]
    request_id: str | None
    notes: list[str]


def parse_success(
    body: Any, status_code: int, header_request_id: str | None, requested: Size | None = None
) -> ParsedResponse:
    """The items of a 2xx body; a body that is not the documented shape is an APIStatusError.
    An inline image far larger than `requested` becomes a refused item."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise APIStatusError(
            "The image service sent a reply this client does not understand. Try again; if it "
            "persists, the service may have changed.",
            status_code=status_code,
            request_id=header_request_id,
            body=body,
        )
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    request_id = _request_id(metadata) or header_request_id
    items: list[ResponseItem] = []
    notes: list[str] = []
    for position, entry in enumerate(body["data"], start=1):
        if not isinstance(entry, dict):
            notes.append(f"Result {position} was not an image entry and was skipped.")
            continue
        revised = entry.get("revised_prompt") or None
        encoded = entry.get("b64_json") or ""
        url = entry.get("url") or None
        if encoded:
            try:
                items.append(ResponseItem(_decode_b64(encoded, requested), url, revised))
            except OversizedResultError as refused:
                items.append(ResponseItem(None, url, revised, refused))
            except ValueError:
                notes.append(f"Result {position} arrived damaged (bad base64) and was skipped.")
        elif url:
            items.append(ResponseItem(None, url, revised))
        else:
            notes.append(f"Result {position} came back empty and was skipped.")
    created = body.get("created") if isinstance(body.get("created"), int) else None
    return ParsedResponse(created, items, metadata, request_id, notes)


def _decode_b64(encoded: str, requested: Size | None) -> bytes:
    if encoded.startswith("data:"):
        encoded = encoded.partition(",")[2]
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("bad base64") from error
    refuse_oversized(data, requested)
    if not is_decodable_image(data):
        raise ValueError("not an image")
    return data


def _request_id(metadata: dict[str, Any]) -> str | None:
    for key in ("request_id", "requestId", "id"):
        value = metadata.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def is_decodable_image(data: bytes) -> bool:
    """Whether `data` is a complete image. A PNG is checked chunk by chunk against its CRCs
    (complete, and far cheaper than inflating it); other formats are decoded."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "PNG":
                image.verify()
            else:
                image.load()
    except Exception:  # any decoder failure means "not a usable image"
        return False
    return True


def header_size(data: bytes) -> Size | None:
    """The width and height `data`'s header claims, read without decoding a pixel; None when it is
    not a format a result comes in (such data then faces Pillow's own bomb check)."""
    for reader in HEADER_READERS:
        try:
            with reader(io.BytesIO(data)) as image:
                return image.size
        except Exception:  # not this format, or a damaged header
            continue
    return None


def result_pixel_limit(requested: Size | None) -> int:
    """The most pixels a result may have: a few times the requested size, never less than the
    API's largest output and never more than RESULT_MAX_PIXELS."""
    if requested is None:
        return RESULT_MAX_PIXELS
    asked = requested[0] * requested[1]
    return min(max(asked * RESULT_MAX_SIZE_FACTOR, MAX_OUTPUT_PIXELS), RESULT_MAX_PIXELS)


def refuse_oversized(data: bytes, requested: Size | None) -> None:
    """Raises OversizedResultError when `data` claims far more pixels than were requested."""
    size = header_size(data)
    if size is None or size[0] * size[1] <= result_pixel_limit(requested):
        return
    asked = f"the {requested[0]}×{requested[1]} requested" if requested else "any output size"
    raise OversizedResultError(
        f"The service returned a {size[0]}×{size[1]} image, far larger than {asked}; "
        "it was not kept."
    )


def sniff_format(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "PNG"
    if data.startswith(b"\xff\xd8"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:3] == b"GIF":
        return "GIF"
    return "PNG"


def shortfall_note(received: int, requested: int) -> str | None:
    if received >= requested:
        return None
    return f"{received} of {requested} requested images came back; the service skipped the rest."
