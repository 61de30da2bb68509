"""Turns whatever the user gives as an input image into bytes the service accepts.

Paths, bytes, PIL images and data URIs are decoded once, checked (not an image, truncated,
decompression bomb, below the model's minimum) and passed through untouched when they already
fit; otherwise they are oriented, converted and downscaled to the model's side and byte limits
and re-encoded (JPEG for photos, PNG when transparency matters), and the result says so.
https URLs are passed through for the service to fetch. Pure: no network.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .constants import DECOMPRESSION_BOMB_PIXELS, LARGE_PHOTO_PIXELS
from .errors import InvalidImageError
from .models import ModelSpec

MIME_BY_FORMAT = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "GIF": "image/gif",
}
EXIF_ORIENTATION = 0x0112
JPEG_QUALITY = 90
SHRINK_STEP = 0.8
"""An encoding still over the byte budget is retried with the sides shrunk by this factor."""


@dataclass(frozen=True)
class PreparedImage:
    """One input ready to send: bytes with their MIME type, or an https URL passed through."""

    data: bytes | None
    mime: str | None
    width: int | None
    height: int | None
    url: str | None = None
    changes: str | None = None
    """What was done to fit the model (downscaled, re-encoded, first frame), if anything."""
    limits: tuple | None = None
    """The `ModelSpec.input_limits` this image was prepared for."""
    model: str = ""
    index: int | None = None

    @property
    def note(self) -> str | None:
        """A sentence for the user when the image was changed to fit the model."""
        if not self.changes:
            return None
        who = f"Image {self.index}" if self.index is not None else "The image"
        return f"{who} was {self.changes} to fit {self.model}'s limits."

    def reused(self, spec: ModelSpec, index: int | None) -> PreparedImage:
        """The same bytes for `spec` at position `index` (its note names both)."""
        return replace(self, model=spec.name, index=index)

    def fits(self, spec: ModelSpec, budget: int) -> bool:
        """Whether these bytes can be sent as they are for `spec` within `budget` bytes."""
        if self.url is not None:
            return True
        return self.limits == spec.input_limits and len(self.data or b"") <= budget

    @property
    def data_uri(self) -> str:
        if self.url is not None:
            return self.url
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"

    @property
    def filename(self) -> str:
        extension = (self.mime or "image/png").split("/")[1].replace("jpeg", "jpg")
        return f"image.{extension}"


ImageSource = str | Path | bytes | bytearray | Image.Image | PreparedImage


def prepare_image(
    source: ImageSource,
    spec: ModelSpec,
    *,
    max_bytes: int | None = None,
    index: int | None = None,
) -> PreparedImage:
    """Checks one input against `spec` and returns what to send; raises InvalidImageError.

    `max_bytes` is this image's share of the request body (never above the model's own cap);
    `index` is its 1-based position, used in messages.
    """
    budget = min(spec.max_image_bytes, max_bytes or spec.max_image_bytes)
    if isinstance(source, PreparedImage):
        if source.fits(spec, budget):
            return source.reused(spec, index)
        source = source.data if source.data is not None else source.url
    if isinstance(source, str) and source.startswith(("https://", "http://")):
        if not source.startswith("https://"):
            raise InvalidImageError("image URLs must use https.", index)
        return PreparedImage(data=None, mime=None, width=None, height=None, url=source, index=index)
    if isinstance(source, Image.Image):
        return _prepare_decoded(source, None, spec, budget, index)
    data = _read_bytes(source, index)
    image = _open(data, index)
    return _prepare_decoded(image, data, spec, budget, index)


def _read_bytes(source: str | Path | bytes | bytearray, index: int | None) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str) and source.startswith("data:"):
        header, _, payload = source.partition(",")
        if ";base64" not in header:
            raise InvalidImageError("a data URI must be base64-encoded.", index)
        try:
            return base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidImageError("the data URI is not valid base64.", index) from None
    path = Path(source)
    if not path.is_file():
        raise InvalidImageError(f"no such file: {path.name}.", index)
    return path.read_bytes()


def _open(data: bytes, index: int | None) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning is only an exception where warnings are errors; elsewhere the size check
        # below refuses the same image, so the outcome never depends on the warning filters.
        raise _bomb(index) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise InvalidImageError(
            "this file is not an image Pillow can read (JPEG, PNG, WebP, BMP, TIFF or GIF).", index
        ) from None
    width, height = image.size
    if width * height > pixel_limit():
        raise _bomb(index)
    return image


def pixel_limit() -> int:
    """The most pixels an input may have: Pillow's own process-wide limit, read (never changed)
    here so an application that raises or lowers `Image.MAX_IMAGE_PIXELS` decides for both."""
    return Image.MAX_IMAGE_PIXELS or DECOMPRESSION_BOMB_PIXELS


def allow_large_photos() -> None:
    """Lets inputs up to LARGE_PHOTO_PIXELS through to be downscaled, by raising Pillow's
    process-wide limit. A program (the app, the CLI) decides this once at start; importing the
    client never does."""
    Image.MAX_IMAGE_PIXELS = LARGE_PHOTO_PIXELS


def _bomb(index: int | None) -> InvalidImageError:
    return InvalidImageError(
        f"it is larger than {pixel_limit() / 1_000_000:.0f} megapixels and is refused as a "
        "possible decompression bomb; resize it before uploading.",
        index,
    )


def _prepare_decoded(
    image: Image.Image, data: bytes | None, spec: ModelSpec, budget: int, index: int | None
) -> PreparedImage:
    width, height = image.size
    oriented_w, oriented_h = (
        (height, width) if _orientation(image) in (5, 6, 7, 8) else (width, height)
    )
    _check_shape(oriented_w, oriented_h, spec, index)
    animated = getattr(image, "n_frames", 1) > 1
    scale = min(1.0, spec.max_side / max(oriented_w, oriented_h))
    fits_as_is = (
        data is not None
        and image.format in spec.input_formats
        and image.format in MIME_BY_FORMAT
        and scale == 1.0
        and len(data) <= budget
        and not animated
        and _orientation(image) == 1
        and image.mode in ("RGB", "RGBA", "L", "LA", "P", "PA", "1")
    )
    if fits_as_is:
        _load_fully(image, index)
        return PreparedImage(
            data, MIME_BY_FORMAT[image.format], width, height,
            limits=spec.input_limits, model=spec.name, index=index,
        )  # fmt: skip
    return _reencode(image, spec, budget, index, scale, animated, (oriented_w, oriented_h))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(EXIF_ORIENTATION, 1))
    except (OSError, ValueError, TypeError, SyntaxError):
        return 1


def _check_shape(width: int, height: int, spec: ModelSpec, index: int | None) -> None:
    if min(width, height) < spec.min_side:
        raise InvalidImageError(
            f"it is {width}x{height} pixels; {spec.name} needs at least {spec.min_side} pixels "
            "on each side.",
            index,
        )
    if spec.max_aspect and max(width, height) / min(width, height) > spec.max_aspect:
        raise InvalidImageError(
            f"its aspect ratio ({width}x{height}) is beyond {spec.name}'s limit of "
            f"1:{spec.max_aspect:g}; crop it first.",
            index,
        )


def _load_fully(image: Image.Image, index: int | None) -> None:
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError):
        raise InvalidImageError(
            "the file is truncated or damaged; export it again.", index
        ) from None


def _reencode(
    image: Image.Image,
    spec: ModelSpec,
    budget: int,
    index: int | None,
    scale: float,
    animated: bool,
    oriented_size: tuple[int, int],
) -> PreparedImage:
    original_format = image.format
    target = _scaled(oriented_size, scale)
    if image.format == "JPEG" and scale < 1.0:
        # JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the work; the draft stays at
        # least as large as the target (before orientation, hence the sorted sides).
        image.draft("RGB", _fit_draft(image.size, oriented_size, target))
    if animated:
        image.seek(0)
    _load_fully(image, index)
    image = ImageOps.exif_transpose(image)
    image = _normalise_mode(image)
    transparent = _has_transparency(image)
    encoded, size = _encode_within(image, target, transparent, budget, spec, index)
    notes = []
    if size != oriented_size:
        notes.append(
            f"downscaled from {oriented_size[0]}x{oriented_size[1]} to {size[0]}x{size[1]}"
        )
    if animated:
        notes.append("reduced to its first frame")
    fmt = "PNG" if transparent else "JPEG"
    if original_format is not None and fmt != original_format:
        notes.append(f"re-encoded as {fmt}")
    changes = None
    if notes:
        changes = notes[0] if len(notes) == 1 else f"{', '.join(notes[:-1])} and {notes[-1]}"
    return PreparedImage(
        encoded, MIME_BY_FORMAT[fmt], size[0], size[1],
        changes=changes, limits=spec.input_limits, model=spec.name, index=index,
    )  # fmt: skip


def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return (max(1, math.floor(size[0] * scale)), max(1, math.floor(size[1] * scale)))


def _fit_draft(
    stored: tuple[int, int], oriented: tuple[int, int], target: tuple[int, int]
) -> tuple[int, int]:
    return target if stored == oriented else (target[1], target[0])


def _normalise_mode(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("RGB", "RGBA", "L"):
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "F":
        return image.convert("L")
    if mode in ("P", "PA", "LA", "1"):
        has_alpha = mode in ("PA", "LA") or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    return image.convert("RGB")


def _has_transparency(image: Image.Image) -> bool:
    if image.mode != "RGBA":
        return False
    low, _high = image.getchannel("A").getextrema()
    return low < 255


def _encode_within(
    image: Image.Image,
    target: tuple[int, int],
    transparent: bool,
    budget: int,
    spec: ModelSpec,
    index: int | None,
) -> tuple[bytes, tuple[int, int]]:
    if not transparent and image.mode == "RGBA":
        image = image.convert("RGB")
    size = target
    while True:
        resized = (
            image
            if image.size == size
            else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        buffer = io.BytesIO()
        if transparent:
            resized.save(buffer, "PNG", compress_level=6)
        else:
            resized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        if buffer.tell() <= budget:
            return buffer.getvalue(), size
        size = _scaled(size, SHRINK_STEP)
        if min(size) < spec.min_side:
            raise InvalidImageError(
                f"it cannot be made smaller than {budget // (1024 * 1024)} MB while keeping "
                f"{spec.min_side} pixels a side.",
                index,
            )
