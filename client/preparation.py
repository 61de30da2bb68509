"""Prepared inputs kept for reuse, so a photo is decoded and re-encoded once, when it is added,
and a process-wide memory budget, so that many big photos sent at once are not all decoded at
once.

Keyed by the file's content (a BLAKE2 digest, streamed from the file and remembered per path,
size and mtime so an unchanged file is not read again) and the model's input limits: the early
warning, the Run check and the request all use the same prepared bytes, and a model switch
prepares again only when the new model's limits differ. Concurrent requests for the same key
wait for the one preparation in flight. A refusal (not an image, too small) is remembered too.
The cache holds at most `max_bytes` of prepared images, the least recently used dropped first.

Every preparation first reserves its estimated working memory (from the image's header) from
`PREPARATION_MEMORY`: preparations holding at most DEFAULT_MEMORY_BUDGET bytes run at once, the
others wait their turn in arrival order, and a photo needing more than the whole budget runs
alone. The first reservation also has glibc map large buffers on their own (see
`map_large_buffers`), so a photo's pixels go back to the system as soon as they are freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import sys
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from .errors import InvalidImageError
from .images import PreparedImage, prepare_image
from .models import ModelSpec

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
DEFAULT_MEMORY_BUDGET = 768 * 1024 * 1024
"""Estimated working bytes all preparations together may hold at once. A 120-megapixel JPEG
resized to wan2.7's 8000 px needs about 700 MB, so such photos are prepared one at a time; a
12-megapixel phone photo needs under 100 MB."""
MMAP_THRESHOLD_BYTES = 1024 * 1024
M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number (malloc.h)."""

Entry = PreparedImage | InvalidImageError


class MemoryBudget:
    """A semaphore weighted in bytes: reservations are admitted in arrival order while they fit;
    one larger than the whole budget waits until nothing else is held, then runs alone."""

    def __init__(self, budget_bytes: int = DEFAULT_MEMORY_BUDGET) -> None:
        self.budget_bytes = budget_bytes
        self._held = 0
        self._queue: deque[object] = deque()
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        """Holds `nbytes` of the budget (at most all of it) for the `with` block."""
        map_large_buffers()
        weight = min(max(nbytes, 0), self.budget_bytes)
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
            try:
                self._changed.wait_for(lambda: self._admits(ticket, weight))
            finally:
                self._queue.remove(ticket)  # admitted, or interrupted: never left blocking others
                self._changed.notify_all()  # the next in line may fit as well
            self._held += weight
        try:
            yield
        finally:
            with self._changed:
                self._held -= weight
                self._changed.notify_all()

    def _admits(self, ticket: object, weight: int) -> bool:
        return self._queue[0] is ticket and self._held + weight <= self.budget_bytes


PREPARATION_MEMORY = MemoryBudget()
"""The process's one budget: every PreparationCache reserves from it unless given another."""


@functools.cache
def map_large_buffers() -> None:
    """Has glibc give every allocation of MMAP_THRESHOLD_BYTES or more its own mapping, unmapped
    when it is freed (mallopt M_MMAP_THRESHOLD, which also stops glibc raising that threshold
    by itself). Otherwise the first freed pixel buffer raises it to 16 MB (Pillow's block), later
    ones come from the arena of the thread that decoded them, and the arenas of the app's many
    worker threads keep gigabytes after the runs. Called once, by the first reservation (never on
    import); does nothing without glibc."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") else None


class PreparationCache:
    """Thread-safe; one per process is enough (the page's handlers share it)."""

    def __init__(
        self, max_bytes: int = DEFAULT_CACHE_BYTES, memory: MemoryBudget = PREPARATION_MEMORY
    ) -> None:
        self.max_bytes = max_bytes
        self.memory = memory
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._in_flight: dict[tuple, Future[Entry]] = {}
        self._digests: dict[tuple, str] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def prepare(
        self, path: str | Path, spec: ModelSpec, *, index: int | None = None
    ) -> PreparedImage:
        """The input at `path` prepared for `spec`; raises InvalidImageError (also remembered)."""
        digest = self._digest(Path(path), index)
        entry = self._entry((digest, spec.input_limits), path, spec, index)
        if isinstance(entry, InvalidImageError):
            raise type(entry)(entry.reason, index) from None  # its kind kept
        return entry.reused(spec, index)

    def _entry(self, key: tuple, path: str | Path, spec: ModelSpec, index: int | None) -> Entry:
        """The cached entry, the one in flight when another thread is preparing it, or a new one."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
            pending = self._in_flight.get(key)
            if pending is None:
                self._in_flight[key] = owned = Future()
        if pending is not None:
            return pending.result()
        try:
            entry = self._prepare_now(path, spec, index)
            self._remember(key, entry)
            owned.set_result(entry)
        except BaseException as error:
            owned.set_exception(error)
            raise
        finally:
            with self._lock:
                del self._in_flight[key]
        return entry

    def _prepare_now(self, path: str | Path, spec: ModelSpec, index: int | None) -> Entry:
        try:
            prepared = prepare_image(path, spec, index=index, memory=self.memory.reserve)
        except InvalidImageError as error:
            return error
        if prepared.data is not None:
            prepared.data_uri_bytes  # noqa: B018 - base64 once, here, off the path of every send
        return prepared

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
        try:
            with path.open("rb") as file:
                digest = hashlib.file_digest(file, _blake2).hexdigest()
        except OSError:
            raise InvalidImageError(f"no such file: {path.name}.", index) from None
        with self._lock:
            if len(self._digests) > 4096:
                self._digests.clear()
            self._digests[identity] = digest
        return digest

    def _remember(self, key: tuple, entry: Entry) -> None:
        size = _held_bytes(entry)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= _held_bytes(dropped)


def _held_bytes(entry: Entry) -> int:
    """What a cached entry holds: the prepared bytes and their data URI, encoded when prepared."""
    if not isinstance(entry, PreparedImage) or entry.data is None:
        return 0
    return len(entry.data) + len(entry.data_uri_bytes)


def _blake2() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=20)
