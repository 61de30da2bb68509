"""Image files of the history, stored once each under a keyed content hash, written atomically.

The name is a keyed BLAKE2 digest of the bytes: identical images share one file, and nobody can
derive a file's name from an image they hold. A file is complete before any row points at it
(temporary file, fsync, rename, fsync of the directory); a small WebP thumbnail sits beside it
for fast listing.
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

    def thumbnail_path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.thumb.webp"

    def thumbnail_name(self, digest: str) -> str:
        """The thumbnail's path as a string, built without Path objects for fast listing."""
        return f"{self._root_text}/{digest[:2]}/{digest}.thumb.webp"

    def write(self, data: bytes) -> tuple[str, str, int, int]:
        """Stores `data` (if new) with its thumbnail; returns (digest, ext, width, height)."""
        digest = self.digest(data)
        ext = {"JPEG": "jpg"}.get(sniff_format(data), sniff_format(data).lower())
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            target = self.path(digest, ext)
            thumb = self.thumbnail_path(digest)
            if not thumb.exists():
                image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
                image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
                buffer = io.BytesIO()
                image.convert("RGBA" if "A" in image.mode else "RGB").save(
                    buffer, "WEBP", quality=80
                )
                self._write_atomically(thumb, buffer.getvalue())
        if not target.exists():
            self._write_atomically(target, data)
        return digest, ext, width, height

    def ensure(self, digest: str, ext: str, data: bytes) -> None:
        """Writes the file again if a concurrent delete removed it (called under the write lock)."""
        if not self.path(digest, ext).exists() or not self.thumbnail_path(digest).exists():
            self.write(data)

    def remove(self, digest: str, ext: str) -> None:
        for path in (self.path(digest, ext), self.thumbnail_path(digest)):
            path.unlink(missing_ok=True)

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

    def _write_atomically(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            if self._durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
        if self._durable:
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
