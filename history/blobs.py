"""Where the history's images live, behind one interface: files in HISTORY_DIR, or S3 objects.

`BlobStore` is what the store (store.py) asks of either backend; `FileBlobs` keeps each image as
a file, and s3_blobs.py keeps them as objects with these files as a bounded local cache.

Each image is stored once under a keyed BLAKE2 digest of its bytes: identical images share one
file, and nobody can derive a file's name from an image they hold. A file is complete before any
row points at it (temporary file, fsync, rename, fsync of the directory). Every file is stored in
a format browsers show, under the extension of its real format, and is private (permissions.py).
A small WebP thumbnail is made beside it the first time a list shows it, decoding as little as
it can.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from PIL import Image

from .images import (
    PLACEHOLDER_COLOUR,
    THUMBNAIL_MAX_PIXELS,
    THUMBNAIL_SIDE,
    THUMBNAIL_SUFFIX,
    StoredImage,
    browser_image,
    reduced_thumbnail,
    webp_bytes,
)
from .permissions import FILE_MODE, FOLDER_MODE, make_folder, open_new_private, tighten

logger = logging.getLogger(__name__)

__all__ = ["THUMBNAIL_MAX_PIXELS", "BlobStore", "FileBlobs", "StoredImage"]

PLACEHOLDER_NAME = "placeholder.thumb.webp"
STALE_TEMP_S = 3600.0
"""A file or object no row knows is removed once it is this old: younger, it may belong to a
save in progress (its bytes are written before its row)."""
FOLDER_ATTEMPTS = 5

Confirm = Callable[[Sequence[str]], AbstractContextManager[set[str]]]
"""`confirm(digests)` opens a write transaction of the store and yields those of `digests` that no
row knows; a backend shared by several processes removes strays only inside it."""


class BlobStore(ABC):
    """What the store needs of a place for images. Paths are local: a backend that keeps its
    images elsewhere materializes them (`fetch`, `make_thumbnail`) into `root` to be served."""

    root: Path
    placeholder: str
    remote = False
    """True when the images live off this machine (their sweep then runs in the background)."""

    @abstractmethod
    def digest(self, data: bytes) -> str: ...

    @abstractmethod
    def write(self, data: bytes) -> StoredImage:
        """Stores `data` (converted to PNG unless browsers show its format) if it is new."""

    @abstractmethod
    def ensure(self, image: StoredImage) -> None:
        """Writes the image again if a concurrent delete removed it (under the write lock)."""

    @abstractmethod
    def fetch(self, digest: str, ext: str) -> Path:
        """The local path of an image, there to read (it may be missing if the image was lost)."""

    @abstractmethod
    def thumbnail_name(self, file_name: str) -> str:
        """The local path of a file's thumbnail as a string (it may not exist yet)."""

    @abstractmethod
    def make_thumbnail(self, thumbnail: str) -> bool:
        """Makes the thumbnail at `thumbnail` if missing; False when it cannot be made."""

    def make_thumbnails(self, thumbnails: Sequence[str]) -> list[bool]:
        return [self.make_thumbnail(thumbnail) for thumbnail in thumbnails]

    @abstractmethod
    def remove(self, digest: str, ext: str) -> None:
        """Removes an image and its thumbnail, wherever they are kept."""

    @abstractmethod
    def sweep(self, known: set[str], confirm: Confirm, older_than: float = STALE_TEMP_S) -> None:
        """Removes what no row knows (`known`, read before) and older than `older_than` seconds
        (younger, it may be a save in progress); tidies what is local."""

    def check(self) -> None:
        """Raises OSError when images cannot be stored here now (a readiness check)."""
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise OSError(f"the image folder {self.root} cannot be written")


class FileBlobs(BlobStore):
    """Each image a private file under `root`, named by its digest, sharded by its first two hex
    digits; thumbnails beside it."""

    def __init__(self, root: Path, key: bytes, *, durable: bool = True) -> None:
        self.root = root
        self._root_text = str(root)
        self._key = key
        self._durable = durable
        make_folder(root)
        tighten(root, FOLDER_MODE)
        self.placeholder = str(root / PLACEHOLDER_NAME)  # shown when no thumbnail can be made
        if not Path(self.placeholder).exists():
            self._write_atomically(Path(self.placeholder), placeholder_bytes(), durable=False)

    def digest(self, data: bytes) -> str:
        return hashlib.blake2b(data, key=self._key, digest_size=24).hexdigest()

    def path(self, digest: str, ext: str) -> Path:
        return self.root / digest[:2] / f"{digest}.{ext}"

    def fetch(self, digest: str, ext: str) -> Path:
        return self.path(digest, ext)

    def thumbnail_name(self, file_name: str) -> str:
        """The path of a file's thumbnail as a string, built without Path objects (fast listing).
        The thumbnail may not exist yet: `make_thumbnail` creates it on first use."""
        return f"{self._root_text}/{file_name[:2]}/{file_name}{THUMBNAIL_SUFFIX}"

    def write(self, data: bytes) -> StoredImage:
        stored, ext, (width, height) = browser_image(data)
        image = StoredImage(self.digest(stored), ext, stored, width, height)
        target = self.path(image.digest, ext)
        if not target.exists():
            self._write_atomically(target, stored)
        return image

    def ensure(self, image: StoredImage) -> None:
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

    def sweep(self, known: set[str], confirm: Confirm, older_than: float = STALE_TEMP_S) -> None:
        """Tidies the folder on open: makes every folder 0700 and file 0600 (older versions left
        them readable by all), removes files no row knows once they are old enough not to belong
        to a save in progress, and removes the folders left empty. (One host holds the files, so
        `known`, read as the store opens, is enough.)"""
        cutoff = time.time() - older_than
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


def placeholder_bytes() -> bytes:
    grey = Image.new("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE), PLACEHOLDER_COLOUR)
    return webp_bytes(grey)


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
