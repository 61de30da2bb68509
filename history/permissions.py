"""Private modes for everything the history keeps on disk: files 0600, folders 0700.

Runs hold visitors' images and prompts, so nobody but the app's own user may read them. Modes are
set explicitly after creating (`chmod`/`fchmod`), so they do not depend on the process's umask; a
store written by an older version, whose files were world-readable, is tightened when it opens.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def tighten(path: str | Path, mode: int) -> None:
    """Gives `path` exactly `mode` if it has another; a path gone meanwhile is left alone, and
    one this process may not change (not its owner) is logged, not fatal."""
    try:
        if stat.S_IMODE(os.stat(path).st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        return
    except PermissionError as error:
        logger.warning("could not make %s private (mode %o): %s", path, mode, error)


def private_folder(path: Path) -> None:
    """Creates `path` (and any missing parent) if needed and makes `path` itself 0700."""
    path.mkdir(parents=True, exist_ok=True)
    tighten(path, FOLDER_MODE)


def make_folder(path: Path) -> None:
    """Creates the single folder `path` 0700 if it is missing (its parent must exist); an
    existing folder is left as it is, so this costs one system call on the hot path."""
    try:
        os.mkdir(path, FOLDER_MODE)
    except FileExistsError:
        return
    os.chmod(path, FOLDER_MODE)  # mkdir's mode is filtered by the umask


def private_file(path: Path) -> None:
    """Creates an empty file at `path` 0600 if it is missing, or makes the existing one 0600."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    tighten(path, FILE_MODE)


def open_new_private(path: Path) -> int:
    """Opens a new file at `path` for writing, 0600 whatever the umask; fails if it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)
    return descriptor
