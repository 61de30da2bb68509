"""Image files of the history, stored once each under a keyed content hash, written atomically.

The name is a keyed BLAKE2 digest of the stored bytes: identical images share one file, and
nobody can derive a file's name from an image they hold. A file is complete before any row points
at it (temporary file, fsync, rename, fsync of the directory). Every file is stored in a format
browsers show, under the extension of its real format, and is private (permissions.py). A small
WebP thumbnail is made beside it the first time a list shows it, decoding as little as it can.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .permissions import FILE_MODE, FOLDER_MODE, make_folder, open_new_private, tighten

logger = logging.getLogger(__name__)

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
PLACEHOLDER_NAME = "placeholder.thumb.webp"
PLACEHOLDER_COLOUR = (200, 200, 200)
STALE_TEMP_S = 3600.0
FOLDER_ATTEMPTS = 5


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


class BlobStore:
    def __init__(self, root: Path, key: bytes, *, durable: bool = True) -> None:
        self.root = root
        self._root_text = str(root)
        self._key = key
        self._durable = durable
        make_folder(root)
        tighten(root, FOLDER_MODE)
        self.placeholder = str(root / PLACEHOLDER_NAME)  # shown when no thumbnail can be made
        if not Path(self.placeholder).exists():
            grey = Image.new("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE), PLACEHOLDER_COLOUR)
            self._write_atomically(Path(self.placeholder), webp_bytes(grey), durable=False)

    def digest(self, data: bytes) -> str:
        return hashlib.blake2b(data, key=self._key, digest_size=24).hexdigest()

    def path(self, digest: str, ext: str) -> Path:
        return self.root / digest[:2] / f"{digest}.{ext}"

    def thumbnail_name(self, file_name: str) -> str:
        """The path of a file's thumbnail as a string, built without Path objects (fast listing).
        The thumbnail may not exist yet: `make_thumbnail` creates it on first use."""
        return f"{self._root_text}/{file_name[:2]}/{file_name}{THUMBNAIL_SUFFIX}"

    def write(self, data: bytes) -> StoredImage:
        """Stores `data` (converted to PNG unless browsers show its format) if it is new."""
        stored, ext, (width, height) = browser_image(data)
        image = StoredImage(self.digest(stored), ext, stored, width, height)
        target = self.path(image.digest, ext)
        if not target.exists():
            self._write_atomically(target, stored)
        return image

    def ensure(self, image: StoredImage) -> None:
        """Writes the file again if a concurrent delete removed it (called under the write lock)."""
        target = self.path(image.digest, image.ext)
        if not target.exists():
            self._write_atomically(target, image.data)

    def make_thumbnail(self, thumbnail: str) -> bool:
        """Creates the thumbnail at `thumbnail` (a `thumbnail_name`) from its image, if missing;
        False, leaving none, when the image is too large to thumbnail in bounded memory
        (THUMBNAIL_MAX_PIXELS), unreadable, or gone. Show `placeholder` instead.

        Thumbnails are derived data, made when a list first needs them rather than while a user
        waits for a run; a lost one is simply made again."""
        target = Path(thumbnail)
        if target.exists():
            return True
        source = Path(thumbnail.removesuffix(THUMBNAIL_SUFFIX))
        try:
            small = reduced_thumbnail(source)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            logger.warning("no thumbnail for %s: %s", source.name, error)
            return False
        if small is None:
            logger.info("no thumbnail for %s: over %d pixels", source.name, THUMBNAIL_MAX_PIXELS)
            return False
        self._write_atomically(target, webp_bytes(small), durable=False)
        return True

    def remove(self, digest: str, ext: str) -> None:
        """Removes a file, its thumbnail, and their folder once it is empty (a concurrent save
        into that folder makes it again: see `_open_temporary`)."""
        path = self.path(digest, ext)
        for stale in (path, Path(self.thumbnail_name(path.name))):
            stale.unlink(missing_ok=True)
        remove_if_empty(path.parent)

    def sweep(self, known: set[str]) -> None:
        """Tidies the folder on open: makes every folder 0700 and file 0600 (older versions left
        them readable by all), removes files no row knows once they are old enough not to belong
        to a save in progress, and removes the folders left empty."""
        cutoff = time.time() - STALE_TEMP_S
        for entry in os.scandir(self.root):
            if entry.is_dir(follow_symlinks=False):
                sweep_folder(Path(entry.path), known, cutoff)
            else:
                tighten(entry.path, FILE_MODE)

    def _write_atomically(self, path: Path, data: bytes, *, durable: bool | None = None) -> None:
        durable = self._durable if durable is None else durable
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        with open(self._open_temporary(temporary), "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)  # the folder holds the temporary file, so it cannot vanish
        if durable:
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    @staticmethod
    def _open_temporary(temporary: Path) -> int:
        """Opens `temporary` new and private, making its folder first. A delete may remove the
        folder, empty, between the two steps; then the folder is made again."""
        for _ in range(FOLDER_ATTEMPTS - 1):
            make_folder(temporary.parent)
            try:
                return open_new_private(temporary)
            except FileNotFoundError:
                continue
        make_folder(temporary.parent)
        return open_new_private(temporary)


def remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty (another image lives there) or already gone
        folder.rmdir()


def sweep_folder(folder: Path, known: set[str], cutoff: float) -> None:
    """`BlobStore.sweep` for one two-hex-digit folder: strays older than `cutoff` removed, the
    rest made private, the folder removed if that leaves it empty."""
    tighten(folder, FOLDER_MODE)
    for file in os.scandir(folder):
        stray = file.name.split(".", 1)[0] not in known or file.name.endswith(".tmp")
        try:
            if stray and file.stat().st_mtime < cutoff:
                os.unlink(file.path)
                continue
        except FileNotFoundError:  # removed meanwhile by another process
            continue
        tighten(file.path, FILE_MODE)
    remove_if_empty(folder)
