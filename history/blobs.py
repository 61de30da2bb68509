"""Image files of the history, stored once each under a keyed content hash, written atomically.

The name is a keyed BLAKE2 digest of the bytes: identical images share one file, and nobody can
derive a file's name from an image they hold. A file is complete before any row points at it
(temporary file, fsync, rename, fsync of the directory). A small WebP thumbnail is made beside
it the first time a list shows it.
"""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

from PIL import Image

from client.results import sniff_format

THUMBNAIL_SIDE = 256
THUMBNAIL_SUFFIX = ".thumb.webp"
STALE_TEMP_S = 3600.0


class BlobStore:
    def __init__(self, root: Path, key: bytes, *, durable: bool = True) -> None:
        self.root = root
        self._root_text = str(root)
        self._key = key
        self._durable = durable
        root.mkdir(parents=True, exist_ok=True)

    def digest(self, data: bytes) -> str:
        return hashlib.blake2b(data, key=self._key, digest_size=24).hexdigest()

    def path(self, digest: str, ext: str) -> Path:
        return self.root / digest[:2] / f"{digest}.{ext}"

    @staticmethod
    def file_name(digest: str, ext: str) -> str:
        return f"{digest}.{ext}"

    def thumbnail_name(self, file_name: str) -> str:
        """The path of a file's thumbnail as a string, built without Path objects (fast listing).
        The thumbnail may not exist yet: `make_thumbnail` creates it on first use."""
        return f"{self._root_text}/{file_name[:2]}/{file_name}{THUMBNAIL_SUFFIX}"

    def write(self, data: bytes) -> tuple[str, str, int, int]:
        """Stores `data` if it is new; returns (digest, ext, width, height)."""
        digest = self.digest(data)
        fmt = sniff_format(data)
        ext = {"JPEG": "jpg"}.get(fmt, fmt.lower())
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        target = self.path(digest, ext)
        if not target.exists():
            self._write_atomically(target, data)
        return digest, ext, width, height

    def ensure(self, digest: str, ext: str, data: bytes) -> None:
        """Writes the file again if a concurrent delete removed it (called under the write lock)."""
        if not self.path(digest, ext).exists():
            self.write(data)

    def make_thumbnail(self, thumbnail: str) -> None:
        """Creates the thumbnail at `thumbnail` (a `thumbnail_name`) from its image, if missing.

        Thumbnails are derived data, made when a list first needs them rather than while a user
        waits for a run; a lost one is simply made again."""
        target = Path(thumbnail)
        if target.exists():
            return
        source = Path(thumbnail.removesuffix(THUMBNAIL_SUFFIX))
        with Image.open(source) as image:
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            small = image.convert("RGBA" if "A" in image.mode else "RGB")
        buffer = io.BytesIO()
        small.save(buffer, "WEBP", quality=80)
        self._write_atomically(target, buffer.getvalue(), durable=False)

    def remove(self, digest: str, ext: str) -> None:
        path = self.path(digest, ext)
        for stale in (path, Path(self.thumbnail_name(path.name))):
            stale.unlink(missing_ok=True)

    def stray_files(self, known: set[str]) -> list[Path]:
        """Files no row knows and old enough not to belong to a save in progress."""
        cutoff = time.time() - STALE_TEMP_S
        stray = []
        for path in self.root.glob("*/*"):
            digest = path.name.split(".", 1)[0]
            if (
                digest not in known or path.name.endswith(".tmp")
            ) and path.stat().st_mtime < cutoff:
                stray.append(path)
        return stray

    def _write_atomically(self, path: Path, data: bytes, *, durable: bool | None = None) -> None:
        durable = self._durable if durable is None else durable
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
        if durable:
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
