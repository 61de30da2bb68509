"""Turns whatever the user gives as an input image into bytes the service accepts.

Paths, bytes, PIL images and data URIs are decoded once, checked (not an image, truncated,
decompression bomb, below the model's minimum) and passed through untouched when they already
fit; otherwise they are oriented, converted and downscaled to the model's side and byte limits
and re-encoded (JPEG for photos, PNG when transparency matters), and the result says so.
https URLs are passed through for the service to fetch. Pure: no network.

Memory stays bounded for very big photos: the size is read from the header before any pixel is
decoded, a JPEG is decoded at the smallest DCT scale still at least as large as the target, a
photo's pixels exist once at full size (resampling runs in bands, orientation is applied after
downscaling) and are freed as soon as the downscaled copy exists. A caller may pass a `memory`
gate (client.preparation's budget), entered with the estimated peak bytes before decoding.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from .constants import DECOMPRESSION_BOMB_PIXELS, LARGE_PHOTO_PIXELS
from .errors import InvalidImageError, UnreadableImageError
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
REDUCING_GAP = 3.0
"""An image more than this many times larger than its target is first reduced by whole factors
(a box average, fast), as Pillow's `reducing_gap` does, and the rest resampled with Lanczos."""
BAND_ROWS = 256
"""Output rows resampled at a time: the scratch copy of the source's rows stays this small."""
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
"""Pillow's decoded pixel size by mode; every other mode takes four bytes (RGB included)."""
JPEG_COEFFICIENT_BYTES = 3
"""Bytes a pixel the JPEG encoder keeps while optimising its tables (16-bit DCT coefficients of
4:2:0 samples)."""
PREMULTIPLIED = {"RGBA": "RGBa", "LA": "La"}
"""Modes resampled with their colour premultiplied by alpha, as Pillow's own resize does."""
ROTATING_ORIENTATIONS = (5, 6, 7, 8)
TRANSPOSE_BY_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""How to turn stored pixels to display them, by EXIF orientation (as ImageOps.exif_transpose)."""


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
    source_size: tuple[int, int] | None = None
    """The input's size as the user gave it (upright), which region boxes are drawn in."""

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

    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The data URI once encoded, as ASCII bytes: one box shared by every `reused` copy (as
    `replace` hands it on), so an image prepared once is base64-encoded once in its life."""

    @property
    def data_uri(self) -> str:
        if self.url is not None:
            return self.url
        return self.data_uri_bytes.decode("ascii")

    @property
    def data_uri_bytes(self) -> bytes:
        """`data:<mime>;base64,<data>` as ASCII bytes, encoded on first use and kept."""
        source, uri = self.wire.get("encoded", (None, b""))
        if source is not self.data:  # encoded from these very bytes (one atomic entry), or again
            uri = b"data:%s;base64,%s" % (self.mime.encode("ascii"), base64.b64encode(self.data))
            self.wire["encoded"] = (self.data, uri)
        return uri

    @property
    def filename(self) -> str:
        extension = (self.mime or "image/png").split("/")[1].replace("jpeg", "jpg")
        return f"image.{extension}"


ImageSource = str | Path | bytes | bytearray | Image.Image | PreparedImage
MemoryGate = Callable[[int], AbstractContextManager[object]]
"""Called with a preparation's estimated working memory in bytes, before any pixel is decoded;
the preparation holds what it returns (a context manager) until its pixels are freed."""


def prepare_image(
    source: ImageSource,
    spec: ModelSpec,
    *,
    max_bytes: int | None = None,
    index: int | None = None,
    memory: MemoryGate | None = None,
) -> PreparedImage:
    """Checks one input against `spec` and returns what to send; raises InvalidImageError.

    `max_bytes` is this image's share of the request body (never above the model's own cap);
    `index` is its 1-based position, used in messages; `memory`, when given, is entered around
    the decoding and re-encoding with their estimated peak bytes (client.preparation's budget).
    """
    budget = min(spec.max_image_bytes, max_bytes or spec.max_image_bytes)
    memory = memory or _unbounded
    if isinstance(source, PreparedImage):
        if source.fits(spec, budget):
            return source.reused(spec, index)
        again = prepare_image(
            source.data if source.data is not None else source.url,
            spec,
            max_bytes=max_bytes,
            index=index,
            memory=memory,
        )
        return replace(again, source_size=source.source_size or again.source_size)
    if isinstance(source, str) and source.startswith(("https://", "http://")):
        if not source.startswith("https://"):
            raise InvalidImageError("image URLs must use https.", index)
        return PreparedImage(data=None, mime=None, width=None, height=None, url=source, index=index)
    if isinstance(source, Image.Image):
        return _prepare_decoded(source, None, spec, budget, index, memory)
    original = _original(source, index)
    with _open(original, index) as image:
        return _prepare_decoded(image, original, spec, budget, index, memory)


def _unbounded(_nbytes: int) -> AbstractContextManager[object]:
    return nullcontext()


@dataclass(frozen=True)
class _Original:
    """The input's own encoded bytes, read whole only when they are sent as they are."""

    size: int
    read: Callable[[], bytes]
    path: Path | None = None


def _original(source: str | Path | bytes | bytearray, index: int | None) -> _Original:
    if isinstance(source, str | Path) and not str(source).startswith("data:"):
        path = Path(source)
        if not path.is_file():
            raise InvalidImageError(f"no such file: {path.name}.", index)
        return _Original(path.stat().st_size, path.read_bytes, path)
    data = _read_bytes(source, index)
    return _Original(len(data), lambda: data)


def _read_bytes(source: str | bytes | bytearray, index: int | None) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    header, _, payload = source.partition(",")
    if ";base64" not in header:
        raise InvalidImageError("a data URI must be base64-encoded.", index)
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidImageError("the data URI is not valid base64.", index) from None


def _open(original: _Original, index: int | None) -> Image.Image:
    """The image with only its header read: its size is known, no pixel is decoded yet."""
    try:
        image = Image.open(original.path or io.BytesIO(original.read()))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning is only an exception where warnings are errors; elsewhere the size check
        # below refuses the same image, so the outcome never depends on the warning filters.
        raise _bomb(index) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UnreadableImageError(
            "this file is not an image Pillow can read (JPEG, PNG, WebP, BMP, TIFF or GIF).", index
        ) from None
    width, height = image.size
    if width * height > pixel_limit():
        image.close()
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
    image: Image.Image,
    original: _Original | None,
    spec: ModelSpec,
    budget: int,
    index: int | None,
    memory: MemoryGate,
) -> PreparedImage:
    orientation = _orientation(image)
    oriented = upright_size(image)
    _check_shape(*oriented, spec, index)
    animated = getattr(image, "n_frames", 1) > 1
    scale = min(1.0, spec.max_side / max(oriented))
    fits_as_is = (
        original is not None
        and image.format in spec.input_formats
        and image.format in MIME_BY_FORMAT
        and scale == 1.0
        and original.size <= budget
        and not animated
        and orientation == 1
        and image.mode in ("RGB", "RGBA", "L", "LA", "P", "PA", "1")
    )
    if fits_as_is:
        with memory(_pixel_bytes(image)):
            _load_fully(image, index)
            image.close()
        return PreparedImage(
            original.read(),
            MIME_BY_FORMAT[image.format],
            *image.size,
            limits=spec.input_limits,
            model=spec.name,
            index=index,
            source_size=oriented,
        )
    target = _scaled(oriented, scale)
    job = _Job(spec, budget, index, oriented, target, orientation, image, original is not None)
    return replace(_reencode(job, animated, memory), source_size=oriented)


@dataclass(frozen=True)
class _Job:
    """One re-encoding of an input to fit `spec` within `budget` bytes."""

    spec: ModelSpec
    budget: int
    index: int | None
    oriented_size: tuple[int, int]
    target: tuple[int, int]
    """The size to send, as displayed (after the EXIF orientation)."""
    orientation: int
    source: Image.Image
    owned: bool
    """Whether `source` was opened here (from bytes or a file), so its pixels may be freed as
    soon as a smaller copy exists; a caller's PIL image is left as it was."""

    @property
    def stored_target(self) -> tuple[int, int]:
        """The target as the pixels are stored, before the orientation is applied."""
        rotated = self.orientation in ROTATING_ORIENTATIONS
        return (self.target[1], self.target[0]) if rotated else self.target


def upright_size(image: Image.Image) -> tuple[int, int]:
    """(width, height) of `image` as displayed, after its EXIF orientation: the pixels region
    boxes are written in (read from the header; no pixel is decoded)."""
    width, height = image.size
    return (height, width) if _orientation(image) in ROTATING_ORIENTATIONS else (width, height)


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
        raise UnreadableImageError(
            "the file is truncated or damaged; export it again.", index
        ) from None


def _pixel_bytes(image: Image.Image) -> int:
    """What `image`'s pixels take once decoded (Pillow keeps three bands in four bytes)."""
    width, height = image.size
    return width * height * BYTES_PER_PIXEL.get(image.mode, 4)


def _working_bytes(image: Image.Image, target: tuple[int, int]) -> int:
    """Estimated peak bytes of re-encoding `image` at `target`: while resampling, the decoded
    pixels (and, for unusual modes, up to two converted copies) with the resized copy; while
    encoding, the resized copy with the JPEG encoder's coefficients (which it keeps whole to
    optimise its tables)."""
    copies = 0 if image.mode in ("RGB", "L") else 2
    resized = target[0] * target[1] * 4
    resampling = _pixel_bytes(image) + copies * image.width * image.height * 4 + resized
    encoding = resized + target[0] * target[1] * JPEG_COEFFICIENT_BYTES
    return max(resampling, encoding)


def _reencode(job: _Job, animated: bool, memory: MemoryGate) -> PreparedImage:
    image = job.source
    original_format = image.format
    if image.format == "JPEG" and job.target != job.oriented_size:
        # JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the work and memory; Pillow
        # picks the smallest scale that stays at least as large as the target.
        image.draft("RGB", job.stored_target)
    if animated:
        image.seek(0)
    with memory(_working_bytes(image, job.stored_target)):
        encoded, size, transparent = _decode_and_encode(job)
    notes = []
    if size != job.oriented_size:
        notes.append(
            f"downscaled from {job.oriented_size[0]}x{job.oriented_size[1]} to {size[0]}x{size[1]}"
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
        encoded,
        MIME_BY_FORMAT[fmt],
        size[0],
        size[1],
        changes=changes,
        limits=job.spec.input_limits,
        model=job.spec.name,
        index=job.index,
    )


def _decode_and_encode(job: _Job) -> tuple[bytes, tuple[int, int], bool]:
    """(encoded bytes, their size, transparent): decodes, converts, resizes, orients and encodes,
    freeing each full-size copy as soon as the next one is made."""
    _load_fully(job.source, job.index)
    working = _swap(job.source, _normalise_mode(job.source), job)
    transparent = _has_transparency(working)
    if working.mode == "RGBA" and not transparent:
        working = _swap(working, working.convert("RGB"), job)
    working = _swap(working, _resize(working, job.stored_target), job)
    working = _swap(working, _oriented(working, job.orientation), job)
    return *_encode_within(working, transparent, job), transparent


def _swap(old: Image.Image, new: Image.Image, job: _Job) -> Image.Image:
    """`new`, after freeing `old`'s pixels unless `old` is the caller's own PIL image."""
    if new is not old and (old is not job.source or job.owned):
        old.close()
    return new


def _oriented(image: Image.Image, orientation: int) -> Image.Image:
    """`image` turned as its EXIF orientation says it is displayed."""
    method = TRANSPOSE_BY_ORIENTATION.get(orientation)
    return image if method is None else image.transpose(method)


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`image` resampled to `size` with Lanczos, reduced first by whole factors when it is more
    than REDUCING_GAP times larger (as Pillow's `reducing_gap`), then resampled in horizontal
    bands: each band reads its rows and their filter margin from the whole image, so the result
    is the same as one resize without a second full-width copy of the source's rows."""
    if image.size == size:
        return image
    if image.mode in PREMULTIPLIED:
        premultiplied = image.convert(PREMULTIPLIED[image.mode])
        resized = _resize(premultiplied, size)
        premultiplied.close()
        return resized.convert(image.mode)
    factors = (
        max(1, int(image.width / size[0] / REDUCING_GAP)),
        max(1, int(image.height / size[1] / REDUCING_GAP)),
    )
    if factors == (1, 1):
        return _resample_in_bands(image, size, (0.0, 0.0, image.width, image.height))
    reduced = image.reduce(factors)
    box = (0.0, 0.0, image.width / factors[0], image.height / factors[1])
    resized = _resample_in_bands(reduced, size, box)
    reduced.close()
    return resized


def _resample_in_bands(
    image: Image.Image, size: tuple[int, int], box: tuple[float, float, float, float]
) -> Image.Image:
    result = Image.new(image.mode, size)
    rows_per_output_row = (box[3] - box[1]) / size[1]
    for top in range(0, size[1], BAND_ROWS):
        bottom = min(top + BAND_ROWS, size[1])
        band_box = (
            box[0],
            box[1] + top * rows_per_output_row,
            box[2],
            box[1] + bottom * rows_per_output_row,
        )
        band = image.resize((size[0], bottom - top), Image.Resampling.LANCZOS, band_box)
        result.paste(band, (0, top))
        band.close()
    return result


def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return (max(1, math.floor(size[0] * scale)), max(1, math.floor(size[1] * scale)))


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
    image: Image.Image, transparent: bool, job: _Job
) -> tuple[bytes, tuple[int, int]]:
    """The encoding of `image`, shrunk by SHRINK_STEP until it fits the byte budget (each step
    resampled from the previous one, so the full-size source is not kept for the retries)."""
    while True:
        encoded = _encode(image, transparent)
        if len(encoded) <= job.budget:
            return encoded, image.size
        del encoded
        size = _scaled(image.size, SHRINK_STEP)
        if min(size) < job.spec.min_side:
            raise InvalidImageError(
                f"it cannot be made smaller than {job.budget // (1024 * 1024)} MB while keeping "
                f"{job.spec.min_side} pixels a side.",
                job.index,
            )
        image = _swap(image, _resize(image, size), job)


def _encode(image: Image.Image, transparent: bool) -> bytes:
    buffer = io.BytesIO()
    if transparent:
        image.save(buffer, "PNG", compress_level=6)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
