"""What the history stores of an image: a format browsers show, and a thumbnail in bounded memory.

Shared by every blob backend (blobs.py's files, s3_blobs.py's objects): the bytes kept for an
image, their extension, and the small WebP a list shows, all decided here once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

BROWSER_FORMATS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "WEBP": "webp", "GIF": "gif"}
"""Formats (as Pillow names them) every browser shows, stored byte for byte under these
extensions; MPO is a camera's JPEG with extra frames appended. Any other format Pillow reads
(TIFF, BMP, ICO, ...) is stored converted to PNG."""

PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I;16", "I;16B"})
"""Pillow modes written to PNG as they are; others become RGB, or RGBA when they carry alpha."""

THUMBNAIL_SIDE = 256
THUMBNAIL_SUFFIX = ".thumb.webp"
THUMBNAIL_MAX_PIXELS = 50_000_000
"""Images larger than this, counted after JPEG's reduced decoding, get no thumbnail: Pillow
decodes PNG, WebP and GIF whole, and 50 megapixels of RGBA already take 200 MB."""
PLACEHOLDER_COLOUR = (200, 200, 200)


@dataclass(frozen=True)
class StoredImage:
    """An image as the store keeps it: `data` is the file's bytes (the image's own, or its PNG
    conversion), `ext` the extension of their real format."""

    digest: str
    ext: str
    data: bytes
    width: int
    height: int

    @property
    def file_name(self) -> str:
        return f"{self.digest}.{self.ext}"


def browser_image(data: bytes) -> tuple[bytes, str, tuple[int, int]]:
    """`data` in a format browsers show, its extension and its size. PNG, JPEG, WebP and GIF are
    kept as they are, read from their header only; anything else Pillow reads becomes a PNG of
    its first frame, alpha kept. Raises PIL.UnidentifiedImageError for what is not an image."""
    with Image.open(io.BytesIO(data)) as image:
        ext = BROWSER_FORMATS.get(image.format or "")
        if ext:
            return data, ext, image.size
        return png_bytes(image), "png", image.size


def png_bytes(image: Image.Image) -> bytes:
    """The first frame of `image` as PNG, with its alpha and, when its mode is kept, its colour
    profile."""
    image.seek(0)
    if image.mode in PNG_MODES:
        frame, options = image, {"icc_profile": image.info.get("icc_profile")}
    else:
        frame, options = image.convert("RGBA" if image.has_transparency_data else "RGB"), {}
    buffer = io.BytesIO()
    frame.save(buffer, "PNG", **{name: value for name, value in options.items() if value})
    return buffer.getvalue()


def reduced_thumbnail(source: Path) -> Image.Image | None:
    """A thumbnail of `source` decoded at the smallest scale its format allows (JPEG: 1/2 to 1/8
    via `draft`), or None when even that would exceed THUMBNAIL_MAX_PIXELS; the pixel count
    comes from the header, so a refused image is never decoded."""
    with Image.open(source) as image:
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        if image.width * image.height > THUMBNAIL_MAX_PIXELS:
            return None
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), reducing_gap=2.0)
        return image.convert("RGBA" if image.has_transparency_data else "RGB")


def webp_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=80)
    return buffer.getvalue()
