"""The edits endpoint's answer, read as a stream and never past REPLY_MAX_BYTES.

A reply used to be read whole, so a hostile endless body filled the memory. Both clients now
collect it chunk by chunk into a `ReplyBody`, which refuses a declared or received length over
the cap (ReplyTooLargeError: the service may have run the edit), and then hand on a `Reply`.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx2

from .constants import REPLY_BYTES_PER_IMAGE, REPLY_MAX_BYTES
from .errors import ReplyTooLargeError


def reply_limit(images: int) -> int:
    """The most a reply for `images` results may hold (REPLY_MAX_BYTES, or more for many)."""
    return max(REPLY_MAX_BYTES, images * REPLY_BYTES_PER_IMAGE)


@dataclass(frozen=True)
class Reply:
    """A reply of the edits endpoint read in full: its status, headers and (decoded) body."""

    status_code: int
    headers: httpx2.Headers
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


class ReplyBody:
    """The body of one response as it arrives; raises once it is longer than the cap."""

    def __init__(self, response: httpx2.Response, limit: int = REPLY_MAX_BYTES) -> None:
        self._response = response
        self._limit = limit
        self._data = bytearray()
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ReplyTooLargeError(limit)

    def add(self, chunk: bytes) -> None:
        self._data += chunk
        if len(self._data) > self._limit:
            raise ReplyTooLargeError(self._limit)

    def reply(self) -> Reply:
        response = self._response
        return Reply(response.status_code, response.headers, bytes(self._data))
