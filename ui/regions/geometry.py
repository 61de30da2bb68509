"""Region boxes drawn on the inputs: two clicked corners to a box, boxes to pictures, and back.

The editor's `bbox_list` text is the one record of the boxes (validation, the wire, history and
Restore already read it); this module turns clicks on a preview into boxes in the pixels of the
upright input the person gave, draws the boxes onto that preview or into a marked copy (for a
model that takes no boxes but follows visible marks), and keeps boxes with their picture when the
inputs are reordered. Plain functions over PIL, tested without a browser.
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

PREVIEW_SIDE = 1024
"""The preview's long side: larger than the panel shows it, so a click lands on a real pixel."""
PREVIEW_COLOUR = (255, 196, 0)
PREVIEW_LINE = (2, 7)
"""The preview's outline width, smallest and largest: it grows with the preview's shorter side."""
TAG_SIDE = (18, 44)
"""The square holding a box's number, smallest and largest: a panorama's preview is only about a
hundred pixels high, and a tag as big as a photo's would cover its boxes."""
MARK_COLOUR = (255, 0, 0)
MIN_BOX_SIDE = 2
"""Two clicks closer than this (in the input's pixels) make no box: a double click, not a region."""
"""File names of marked copies start so (ui/core/gallery.py captions them "Image N (marked)")."""


def source_size(path: str | Path) -> tuple[int, int]:
    """The input's size as the person sees it (EXIF orientation applied), as the client reads it."""
    with Image.open(path) as image:
        return upright_size(image)


def upright_picture(path: str | Path, longest: int | None = None) -> Image.Image:
    """The input as displayed, in RGB; at most about `longest` pixels a side when given (a JPEG
    is decoded at a reduced scale, so a huge photo never exists at full size here)."""
    with Image.open(path) as image:
        if longest is not None:
            image.draft("RGB", (longest, longest))
        picture = ImageOps.exif_transpose(image).convert("RGB")
    return picture


def preview_size(size: tuple[int, int]) -> tuple[int, int]:
    """The preview's size for an input of `size`: its long side PREVIEW_SIDE, same aspect."""
    scale = PREVIEW_SIDE / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def to_source(point: Sequence[float], preview: tuple[int, int], size: tuple[int, int]) -> tuple:
    """A clicked preview pixel in the input's own pixels, kept inside the input."""
    x = min(max(round(point[0] * size[0] / preview[0]), 0), size[0])
    y = min(max(round(point[1] * size[1] / preview[1]), 0), size[1])
    return x, y


def box_from_corners(first: Sequence[int], second: Sequence[int], size: tuple[int, int]):
    """The box with these two opposite corners, in either order, clamped to an input of `size`;
    None when the corners are too close to enclose a region."""
    x1, x2 = sorted((min(max(int(first[0]), 0), size[0]), min(max(int(second[0]), 0), size[0])))
    y1, y2 = sorted((min(max(int(first[1]), 0), size[1]), min(max(int(second[1]), 0), size[1])))
    if x2 - x1 < MIN_BOX_SIDE or y2 - y1 < MIN_BOX_SIDE:
        return None
    return [x1, y1, x2, y2]


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


def with_box(boxes: BoxList, index: int, box: Box) -> BoxList:
    return [[*entry, box] if position == index else entry for position, entry in enumerate(boxes)]


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


def _within(shorter: int, fraction: float, limits: tuple[int, int]) -> int:
    return min(max(round(shorter * fraction), limits[0]), limits[1])


def preview_line(shown: tuple[int, int]) -> int:
    """The preview's outline width: about 1/110 of its shorter side, within PREVIEW_LINE."""
    return _within(min(shown), 1 / 110, PREVIEW_LINE)


def tag_side(shown: tuple[int, int]) -> int:
    """A number tag's side: about 1/12 of the preview's shorter side, within TAG_SIDE, and never
    over a third of it, so a box always leaves room for its tag above or below it."""
    return min(_within(min(shown), 1 / 12, TAG_SIDE), max(min(shown) // 3, 1))


def tag_corner(box: Sequence[int], side: int, shown: tuple[int, int]) -> tuple[int, int]:
    """Where a box's number tag goes (its top-left pixel): outside the box at its top-left
    corner when there is room (above it, else left of it, else below it, else right of it), so
    the tag never hides the region; inside the corner only when the box fills the picture."""
    left, top, right, bottom = box
    if top >= side:
        return left, top - side
    if left >= side:
        return left - side, top
    if bottom + 1 + side <= shown[1]:
        return left, bottom + 1
    if right + 1 + side <= shown[0]:
        return right + 1, top
    return left, top


def draw_boxes(
    picture: Image.Image,
    boxes: Sequence[Box],
    scale: tuple[float, float],
    colour: tuple[int, int, int],
    width: int,
    numbered: bool = False,
) -> None:
    """Outlines each box (given in source pixels, drawn at `scale`) inside its edges, with its
    number in a tag beside it when `numbered`."""
    draw = ImageDraw.Draw(picture)
    side = tag_side(picture.size)
    for number, (x1, y1, x2, y2) in enumerate(boxes, start=1):
        left, top = round(x1 * scale[0]), round(y1 * scale[1])
        right = max(round(x2 * scale[0]) - 1, left)
        bottom = max(round(y2 * scale[1]) - 1, top)
        draw.rectangle((left, top, right, bottom), outline=colour, width=width)
        if numbered:
            tag_x, tag_y = tag_corner((left, top, right, bottom), side, picture.size)
            draw.rectangle((tag_x, tag_y, tag_x + side - 1, tag_y + side - 1), fill=colour)
            draw.text(
                (tag_x + side // 2, tag_y + side // 2),
                str(number),
                fill=(0, 0, 0),
                font_size=max(side * 3 // 4, 10),
                anchor="mm",
            )


def preview(path: str | Path, boxes: Sequence[Box], corner: Sequence[int] | None) -> Image.Image:
    """The input as the panel shows it: PREVIEW_SIDE long, its boxes numbered, and the first
    corner of a box being drawn marked with a cross."""
    size = source_size(path)
    shown = preview_size(size)
    picture = upright_picture(path, PREVIEW_SIDE).resize(shown, Image.Resampling.LANCZOS)
    scale = (shown[0] / size[0], shown[1] / size[1])
    draw_boxes(picture, boxes, scale, PREVIEW_COLOUR, preview_line(shown), numbered=True)
    if corner is not None:
        x, y = round(corner[0] * scale[0]), round(corner[1] * scale[1])
        draw = ImageDraw.Draw(picture)
        for offset in (-1, 0, 1):
            draw.line((x - 16, y + offset, x + 16, y + offset), fill=PREVIEW_COLOUR, width=1)
            draw.line((x + offset, y - 16, x + offset, y + 16), fill=PREVIEW_COLOUR, width=1)
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), outline=(0, 0, 0), width=2)
    return picture


def marked_copy(path: str | Path, boxes: Sequence[Box], folder: Path) -> Path:
    """A PNG copy of the upright input with `boxes` outlined in MARK_COLOUR, in `folder`."""
    picture = upright_picture(path)
    draw_boxes(picture, boxes, (1.0, 1.0), MARK_COLOUR, outline_width(picture.size))
    encoded = io.BytesIO()
    picture.save(encoded, format="PNG")
    data = encoded.getvalue()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{MARKED_PREFIX}{hashlib.blake2b(data, digest_size=8).hexdigest()}.png"
    target.write_bytes(data)  # named by its content: two visitors never share a name
    return target
