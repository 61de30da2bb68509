"""Gradio's served copies of history files: kept in a cache of the app's own, removed with a run.

Gradio serves an image by copying it into its cache (`<cache>/<hash of the content>/<name>`) and
handing out that copy's URL, which answers anyone, cookie or not, until the copy is removed. So
the app gives Gradio a cache folder inside HISTORY_DIR, empties it at every start (no URL of an
earlier process answers), has Gradio age copies out after a day, and when a run is deleted
removes the copies of its images and of any zip made from it at once: the history detail's, the
Edit tab's (results and uploaded inputs share the content-named folder) and the download's.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from gradio.processing_utils import hash_file
from gradio.utils import get_upload_folder

logger = logging.getLogger(__name__)

CACHE_FOLDER = "gradio-cache"
CACHE_AGE_S = 24 * 3600
CACHE_SWEEP_EVERY_S = 3600
DELETE_CACHE = (CACHE_SWEEP_EVERY_S, CACHE_AGE_S)
"""Blocks(delete_cache=...): every hour, copies older than a day go (and all of them at exit)."""
ZIP_GRACE_S = 60.0
"""How long the copy of a downloaded zip stays servable: the browser fetches it at once."""


def use_own_cache(history_dir: Path) -> Path:
    """Points Gradio's cache at a folder of this app (unless GRADIO_TEMP_DIR says otherwise)
    and empties it: copies served by an earlier process must not answer after a restart."""
    configured = os.environ.get("GRADIO_TEMP_DIR")
    cache = Path(configured) if configured else (history_dir / CACHE_FOLDER).resolve()
    if not configured:
        shutil.rmtree(cache, ignore_errors=True)
        os.environ["GRADIO_TEMP_DIR"] = str(cache)
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    return cache


class ServedCopies:
    """Finds and removes the cache copies of files the page has shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._zips: dict[str, set[Path]] = {}

    @staticmethod
    def cache() -> Path:
        return Path(get_upload_folder())

    def copies_of(self, files: Iterable[str | Path]) -> list[Path]:
        """The cache folders that hold (or would hold) copies of `files`; read before the files
        themselves are deleted, since the folder is named after their content."""
        folders = []
        for file in files:
            try:
                folders.append(self.cache() / hash_file(file))
            except OSError:
                continue  # already gone: nothing of it can be copied again
        return folders

    def remove(self, folders: Iterable[Path]) -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)

    def zip_sent(self, run_id: str, archive: str | Path) -> None:
        """A zip of `run_id` was handed to Gradio: its copy goes after a short grace period,
        or at once if the run is deleted first."""
        folders = set(self.copies_of([archive]))
        with self._lock:
            self._zips.setdefault(run_id, set()).update(folders)
        timer = threading.Timer(ZIP_GRACE_S, self._expire_zip, (run_id, folders))
        timer.daemon = True
        timer.start()

    def _expire_zip(self, run_id: str, folders: set[Path]) -> None:
        with self._lock:
            pending = self._zips.get(run_id, set())
            pending -= folders
            if not pending:
                self._zips.pop(run_id, None)
        self.remove(folders)

    def run_deleted(self, run_id: str, folders: Iterable[Path]) -> None:
        """Removes every copy of a deleted run: its images' (`folders`) and its zips'."""
        with self._lock:
            zips = self._zips.pop(run_id, set())
        self.remove([*folders, *zips])


FILE_ROUTES = ("/gradio_api/file=", "/gradio_api/file/")


class GoneFileMiddleware:
    """Pure ASGI: a file URL into the app's cache or history folders whose file is gone answers
    404 Not Found, as a deleted run's should (Gradio itself answers any missing file with 403)."""

    def __init__(self, app: Any, folders: Sequence[Path]) -> None:
        self.app = app
        self.folders = [Path(folder).resolve() for folder in folders]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self._is_gone(scope.get("path", "")):
            await answer_not_found(send)
            return
        await self.app(scope, receive, send)

    def _is_gone(self, path: str) -> bool:
        file = served_file(path)
        return (
            file is not None
            and any(file.is_relative_to(folder) for folder in self.folders)
            and not file.is_file()
        )


def served_file(path: str) -> Path | None:
    """The local file a URL path asks Gradio for (normalised, absolute), or None: through
    `/gradio_api/file=<path>` or its older spelling, `/gradio_api/file/<path>`."""
    for route in FILE_ROUTES:
        _before, found, target = path.partition(route)
        if found and target:
            file = Path(os.path.normpath(target))
            return file if file.is_absolute() else None
    return None


async def answer_not_found(send: Any) -> None:
    """A 404 for a file that went with its run or its link, or has expired."""
    body = b"Not found: this file was deleted with its run, or its link was revoked, or it expired."
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})
