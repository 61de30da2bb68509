"""Pixel arithmetic only the server can do, since it has the decoded inputs: the output size a
named size means for them, and whether each box lies inside the image it belongs to.

The limits and presets themselves are the client's (client/models.py); validate_request has
already checked the request's shape (which sizes a model takes, the structure of bbox_list).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from client.models import MAX_OUTPUT_PIXELS, MIN_OUTPUT_PIXELS, NAMED_SIZES
from client.sizes import normalise_size, parse_size

SIDE_STEP = 16
"""A named size's sides are multiples of this, as image models' outputs are."""


def output_size(size: str, last_input: tuple[int, int]) -> tuple[int, int]:
    """Width and height of the result: "W*H" as given; a named size as about NAMED_SIZES[size]
    pixels in the aspect of the last input, each side a multiple of SIDE_STEP."""
    size = normalise_size(size)
    if size not in NAMED_SIZES:
        return parse_size(size)
    pixels = min(max(NAMED_SIZES[size], MIN_OUTPUT_PIXELS), MAX_OUTPUT_PIXELS)
    aspect = last_input[0] / last_input[1]
    exact = (math.sqrt(pixels * aspect), math.sqrt(pixels / aspect))
    width, height = (_to_step(side, math.floor) for side in exact)
    if width * height < MIN_OUTPUT_PIXELS:  # rounding down fell under the floor: round up
        width, height = (_to_step(side, math.ceil) for side in exact)
    return width, height


def _to_step(side: float, rounding) -> int:
    return max(SIDE_STEP, rounding(side / SIDE_STEP) * SIDE_STEP)


def box_problem(
    bbox_list: Sequence[Sequence[Sequence[int]]], image_sizes: Sequence[tuple[int, int]]
) -> str | None:
    """The sentence naming the first box that is not inside its image, else None. A box's
    x1, y1, x2, y2 are edges in that image's pixels as sent: 0 <= x1, x2 <= width, likewise y."""
    pairs = zip(bbox_list, image_sizes, strict=True)  # validate_request: one entry per image
    for image_index, (boxes, (width, height)) in enumerate(pairs):
        for box_index, box in enumerate(boxes):
            x1, y1, x2, y2 = box
            if min(x1, y1) < 0 or x2 > width or y2 > height:
                return (
                    f"bbox_list[{image_index}][{box_index}] = {list(box)} lies outside image "
                    f"{image_index + 1}, which is {width}x{height} px as sent; a box must fit "
                    "in its image's pixels."
                )
    return None
