"""Region boxes on the inputs: bbox_list read and written, boxes kept with their picture.

The editor's `bbox_list` text is the one record of the boxes (validation, the wire, history and
Restore already read it). Boxes are drawn in the browser (drawing.js), in the pixels of the
upright input the person gave; this module reads and writes that text, draws the boxes into a
marked copy (for a model that takes no boxes but follows visible marks), and keeps boxes with
their picture when the inputs are reordered. Plain functions over PIL, tested without a browser.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from client.errors import ValidationError
from client.images import upright_size
from client.json_values import parse_json_param
from client.validation import is_box
from ui.core.controls import json_text
from ui.core.gallery import MARKED_PREFIX

Box = list[int]
BoxList = list[list[Box]]
"""bbox_list: for each input image in order, its boxes [x1, y1, x2, y2] (x2, y2 exclusive)."""

MARK_COLOUR = (255, 0, 0)
MIN_BOX_SIDE = 2
"""Two clicks (or a drag's two ends) closer than this in the input's pixels make no box: a
double click, not a region. The browser applies it (handlers.canvas_value hands it over)."""


def source_size(path: str | Path) -> tuple[int, int]:
    """The input's size as the person sees it (EXIF orientation applied), as the client reads it."""
    with Image.open(path) as image:
        return upright_size(image)


def upright_picture(path: str | Path) -> Image.Image:
    """The input as displayed (EXIF orientation applied), in RGB."""
    with Image.open(path) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def parse_boxes(text: str | None, count: int) -> BoxList | None:
    """The boxes written in `text` as one list per input (padded with empty lists up to `count`);
    None when the text is not a bbox_list the panel can draw (validation then says why)."""
    if not text or not text.strip():
        return [[] for _ in range(count)]
    try:
        value = parse_json_param("bbox_list", text)
    except ValidationError:
        return None
    if not isinstance(value, list) or len(value) > max(count, 1):
        return None
    if not all(isinstance(boxes, list) and all(is_box(box) for box in boxes) for boxes in value):
        return None
    padding = [[] for _ in range(count - len(value))]
    return [[list(box) for box in boxes] for boxes in value] + padding


def boxes_text(boxes: BoxList) -> str:
    """bbox_list as the editor writes it: "" when no input has a box (nothing is sent then)."""
    return json_text(boxes) if any(boxes) else ""


def without_last(boxes: BoxList, index: int) -> BoxList:
    return [entry[:-1] if position == index else entry for position, entry in enumerate(boxes)]


def without_boxes(boxes: BoxList, index: int) -> BoxList:
    return [[] if position == index else entry for position, entry in enumerate(boxes)]


def follow(boxes: BoxList, before: Sequence[str], after: Sequence[str]) -> BoxList:
    """The boxes of the inputs `before` (content keys, in order) for the inputs `after`: each
    picture keeps its own boxes wherever it moved; a new picture has none, a removed one's go."""
    by_key = {key: entry for key, entry in zip(before, boxes, strict=False) if entry}
    return [list(by_key.pop(key, [])) for key in after]


def shown_after(before: Sequence[str], after: Sequence[str], shown: int | None) -> int | None:
    """Which input the panel shows once the inputs `before` (content keys, in order) became
    `after`: a picture just added; else the shown picture wherever it moved; else, when it was
    removed, the one now in its place (or the last); else the first."""
    if not after:
        return None
    added = [position for position, key in enumerate(after) if key not in before]
    if added and len(added) < len(after):  # some stayed: these were added (or marked) now
        return added[-1]
    if shown is None or not 0 <= shown < len(before) or len(added) == len(after):
        return 0 if added else min(shown or 0, len(after) - 1)
    key = before[shown]
    if key in after:  # the nearest copy of that picture, when it is there twice
        places = [position for position, other in enumerate(after) if other == key]
        return min(places, key=lambda position: abs(position - shown))
    return min(shown, len(after) - 1)


@lru_cache(maxsize=256)
def _digest(path: str, size: int, modified: float) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def content_key(path: str | Path) -> str:
    """Names a picture by its bytes: the same picture under another path is the same input."""
    stat = Path(path).stat()
    return _digest(str(path), stat.st_size, stat.st_mtime)


def outline_width(size: tuple[int, int]) -> int:
    """A marked outline the model sees clearly: 4 px on a small input, thicker on a large one."""
    return max(4, round(max(size) / 160))


def draw_boxes(
    picture: Image.Image, boxes: Sequence[Box], colour: tuple[int, int, int], width: int
) -> None:
    """Outlines each box (in the picture's pixels) inside its edges."""
    draw = ImageDraw.Draw(picture)
    for x1, y1, x2, y2 in boxes:
        draw.rectangle((x1, y1, max(x2 - 1, x1), max(y2 - 1, y1)), outline=colour, width=width)


def marked_copy(path: str | Path, boxes: Sequence[Box], folder: Path) -> Path:
    """A PNG copy of the upright input with `boxes` outlined in MARK_COLOUR, in `folder`."""
    picture = upright_picture(path)
    draw_boxes(picture, boxes, MARK_COLOUR, outline_width(picture.size))
    encoded = io.BytesIO()
    picture.save(encoded, format="PNG")
    data = encoded.getvalue()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{MARKED_PREFIX}{hashlib.blake2b(data, digest_size=8).hexdigest()}.png"
    target.write_bytes(data)  # named by its content: two visitors never share a name
    return target
