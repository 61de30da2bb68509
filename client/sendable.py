"""What may be sent: the one check that the client, the page and the API endpoints share.

A request is sendable when its parameters pass the validation, every input can be prepared for
its model, and its region boxes lie inside their pictures. The client runs this check before it
encodes a body; the page and the endpoints run the very same check before they start a run (with
inputs the app prepared once, when they were added), so a refusal reads the same everywhere and
nothing the client would refuse is ever started.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .boxes import scaled_boxes
from .images import PreparedImage
from .params import EditRequest
from .validation import validate_request

PrepareOne = Callable[[Any, int], PreparedImage]
"""Prepares one input (a path, bytes, a URL, or an already prepared image) at its 1-based
position; raises InvalidImageError naming that position."""


@dataclass(frozen=True)
class Sendable:
    images: list[PreparedImage]
    boxes: list[list[list]] | None
    """`bbox_list` in the pixels of the images as sent (None when not given)."""

    @property
    def notes(self) -> list[str]:
        """What preparing changed about the inputs, to tell the person."""
        return [image.note for image in self.images if image.note]


def sendable(request: EditRequest, prepare_one: PrepareOne) -> Sendable:
    """Raises ValidationError or InvalidImageError for what would be refused; sends nothing."""
    validate_request(request)
    images = [prepare_one(source, position) for position, source in enumerate(request.images, 1)]
    boxes = None if request.bbox_list is None else scaled_boxes(request.bbox_list, images)
    return Sendable(images, boxes)
