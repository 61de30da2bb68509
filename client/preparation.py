"""Prepared inputs kept for reuse, so a photo is decoded and re-encoded once, when it is added.

Keyed by the file's content (a BLAKE2 digest, remembered per path, size and mtime so
an unchanged file is not read again) and the model's input limits: the early warning, the Run
check and the request all use the same prepared bytes, and a model switch prepares again only
when the new model's limits differ. A refusal (not an image, too small) is remembered too. The
cache holds at most `max_bytes` of prepared images, the least recently used dropped first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from .errors import InvalidImageError
from .images import PreparedImage, prepare_image
from .models import ModelSpec

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024

Entry = PreparedImage | InvalidImageError


class PreparationCache:
    """Thread-safe; one per process is enough (the page's handlers share it)."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._digests: dict[tuple, str] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def prepare(
        self, path: str | Path, spec: ModelSpec, *, index: int | None = None
    ) -> PreparedImage:
        """The input at `path` prepared for `spec`; raises InvalidImageError (also remembered)."""
        digest = self._digest(Path(path), index)
        key = (digest, spec.input_limits)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None:
            try:
                entry = prepare_image(path, spec, index=index)
            except InvalidImageError as error:
                entry = error
            self._remember(key, entry)
        if isinstance(entry, InvalidImageError):
            raise InvalidImageError(entry.reason, index) from None
        return entry.reused(spec, index)

    def _digest(self, path: Path, index: int | None) -> str:
        try:
            stat = path.stat()
        except OSError:
            raise InvalidImageError(f"no such file: {path.name}.", index) from None
        identity = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            known = self._digests.get(identity)
        if known is not None:
            return known
        digest = hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
        with self._lock:
            if len(self._digests) > 4096:
                self._digests.clear()
            self._digests[identity] = digest
        return digest

    def _remember(self, key: tuple, entry: Entry) -> None:
        size = len(entry.data or b"") if isinstance(entry, PreparedImage) else 0
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                if isinstance(dropped, PreparedImage):
                    self._bytes -= len(dropped.data or b"")
