"""Gradio's cache: a folder of the app's own, emptied at every start, and the visitor's uploads.

Gradio keeps what visitors upload in its cache (`<cache>/<hash of the content>/<name>`), at a URL
that answers anyone who has it. The app gives Gradio a cache folder inside HISTORY_DIR, empties it
at every start (no URL of an earlier process answers) and has Gradio age files out after a day.
The pictures of runs are never put there: they go through the gate (picture_gate.py). When a run
is deleted, the upload copies of its inputs go too (`UploadCopies`), so a deleted input is not
served from the visitor's own upload either, on this replica.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from gradio.processing_utils import hash_file
from gradio.utils import get_upload_folder

CACHE_FOLDER = "gradio-cache"
CACHE_AGE_S = 24 * 3600
CACHE_SWEEP_EVERY_S = 3600
DELETE_CACHE = (CACHE_SWEEP_EVERY_S, CACHE_AGE_S)
"""Blocks(delete_cache=...): every hour, copies older than a day go (and all of them at exit)."""


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


class UploadCopies:
    """Finds and removes the visitor's upload copies of a run's inputs."""

    @staticmethod
    def cache() -> Path:
        return Path(get_upload_folder())

    def copies_of(self, files: Iterable[str | Path]) -> list[Path]:
        """The cache folders that hold (or would hold) uploads of `files`; read before the files
        themselves are deleted, since the folder is named after their content."""
        folders = []
        for file in files:
            try:
                folders.append(self.cache() / hash_file(file))
            except OSError:
                continue  # already gone: nothing of it can be uploaded again from here
        return folders

    @staticmethod
    def remove(folders: Iterable[Path]) -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
