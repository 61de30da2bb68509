"""A batch's input images, read from the files given: pictures as they are, a zip's pictures
extracted, one item each, in the order given (a zip's in its own order); no gradio.

An entry that is not a usable picture (damaged, not an image, too large) is refused by its name
and the others go on, so one stray file in a folder's zip costs nothing. More than
MAX_BATCH_IMAGES items refuse the whole batch before anything is sent.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from client import ValidationError
from ui.core.controls import UPLOAD_MAX_BYTES
from ui.core.texts import text_in

MAX_BATCH_IMAGES = 200
"""The most images one batch takes (a folder's worth)."""


@dataclass(frozen=True)
class Item:
    """One input of the batch: the file the runner reads, and the name the person knows it by."""

    path: str
    name: str


@dataclass(frozen=True)
class Refused:
    """An entry left out, by name, and why (in the visitor's language)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Inputs:
    items: tuple[Item, ...]
    refused: tuple[Refused, ...]


def read_inputs(paths: list[str], folder: Path | None, language: str = "en") -> Inputs:
    """The items of `paths` (pictures and zips of pictures), a zip's pictures extracted into
    `folder` (None: only read, for counting: a zip's items then have no file); raises
    ValidationError when there are none or more than MAX_BATCH_IMAGES."""
    items: list[Item] = []
    refused: list[Refused] = []
    for path in paths:
        name = Path(path).name
        if zipfile.is_zipfile(path):
            _read_zip(path, folder, items, refused, language)
        elif (reason := _unusable(Path(path), language)) is not None:
            refused.append(Refused(name, reason))
        else:
            items.append(Item(path, name))
    if not items:
        problem = text_in(language, "batch_no_images")
        raise ValidationError("images", "one or more pictures", len(paths), problem)
    if len(items) > MAX_BATCH_IMAGES:
        problem = text_in(language, "batch_too_many", count=len(items), most=MAX_BATCH_IMAGES)
        raise ValidationError("images", f"at most {MAX_BATCH_IMAGES}", len(items), problem)
    return Inputs(tuple(items), tuple(refused))


def _read_zip(
    path: str, folder: Path | None, items: list[Item], refused: list[Refused], language: str
) -> None:
    """Every file of the zip but folders and the hidden ones a Mac or Windows adds; each
    extracted under a name of its own (the entry's name may hold any path)."""
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            name = PurePosixPath(entry.filename)
            if entry.is_dir() or _hidden(name):
                continue
            if entry.file_size > UPLOAD_MAX_BYTES:
                limit = UPLOAD_MAX_BYTES // 1_000_000
                size = f"{entry.file_size / 1_000_000:.0f}"
                reason = text_in(language, "upload_too_large", size=size, limit=limit)
                refused.append(Refused(entry.filename, reason))
                continue
            try:
                data = archive.read(entry)
            except (zipfile.BadZipFile, OSError, RuntimeError) as error:  # damaged, encrypted
                refused.append(Refused(entry.filename, type(error).__name__))
                continue
            reason = _unusable(io.BytesIO(data), language)
            if reason is not None:
                refused.append(Refused(entry.filename, reason))
                continue
            target = folder / f"{len(items) + 1:03d}{name.suffix.lower()}" if folder else None
            if target is not None:
                target.write_bytes(data)
            items.append(Item(str(target or ""), entry.filename))


def _hidden(name: PurePosixPath) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in name.parts)


def _unusable(source: Path | io.BytesIO, language: str) -> str | None:
    """Why the file (or a zip entry's bytes) cannot be an input (None: it can)."""
    try:
        size = source.stat().st_size if isinstance(source, Path) else source.getbuffer().nbytes
        if size > UPLOAD_MAX_BYTES:
            limit = UPLOAD_MAX_BYTES // 1_000_000
            return text_in(
                language, "upload_too_large", size=f"{size / 1_000_000:.0f}", limit=limit
            )
        with Image.open(source) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return text_in(language, "batch_not_a_picture")
    return None
