"""Region boxes (`bbox_list`): checked against each input as the user gave it, then scaled with it.

A person draws or types boxes in the pixels of the photo they uploaded; the client may downscale
that photo to fit the model, so each box is scaled by the same factor before it is sent, and a box
outside its photo is refused before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import ValidationError
from .images import PreparedImage


def scaled_boxes(bbox_list: Sequence[Any], images: Sequence[PreparedImage]) -> list[list[list]]:
    """`bbox_list` in the pixels of the images as sent; raises ValidationError for a box that
    does not lie inside its image (as uploaded). An image sent by URL keeps its boxes as given."""
    scaled = []
    for position, (boxes, image) in enumerate(zip(bbox_list, images, strict=True), start=1):
        if image.source_size is None or image.width is None or image.height is None:
            scaled.append([list(box) for box in boxes])
            continue
        source_width, source_height = image.source_size
        for number, (x1, y1, x2, y2) in enumerate(boxes, start=1):
            if x2 > source_width or y2 > source_height:
                raise ValidationError(
                    "bbox_list",
                    f"inside image {position} ({source_width}×{source_height})",
                    [x1, y1, x2, y2],
                    f"bbox_list: box {number} of image {position}, [{x1}, {y1}, {x2}, {y2}], "
                    f"reaches outside that image ({source_width}×{source_height} pixels).",
                )
        fx, fy = image.width / source_width, image.height / source_height
        scaled.append([_scale(box, fx, fy, image.width, image.height) for box in boxes])
    return scaled


def _scale(box: Sequence[int], fx: float, fy: float, width: int, height: int) -> list[int]:
    """One box scaled, rounded outwards a little so it never collapses, kept inside the image."""
    x1, y1, x2, y2 = box
    left, top = min(int(x1 * fx), width - 1), min(int(y1 * fy), height - 1)
    right = min(max(round(x2 * fx), left + 1), width)
    bottom = min(max(round(y2 * fy), top + 1), height)
    return [left, top, right, bottom]
