"""The one exception tree of the client; every message is a sentence a person can act on.

ImageEditError
├── ValidationError            a parameter is outside the model's limits (nothing was sent)
├── InvalidImageError          an input is not a usable image (nothing was sent)
│   └── UnreadableImageError   ... because it is not an image at all, or is damaged
├── UnsafeURLError             a result URL was refused by the download guard (never requested)
├── OversizedResultError       a result image was far larger than requested (not kept)
├── APIConnectionError         no HTTP answer came back
│   ├── APITimeoutError        the service could not be reached in time (nothing was billed)
│   └── ReplyLostError         the request was sent in full, but the answer was lost
│       ├── ReplyTimeoutError  ... because it did not come in time (also an APITimeoutError)
│       └── ReplyTooLargeError ... because it was too large to read
└── APIStatusError             it answered with an error status
    ├── ServiceFailedError     500, 502, 504 (408, 409): it failed after the request arrived
    ├── AuthenticationError    401: the key was rejected
    ├── PermissionDeniedError  403: no access, or the quota is used up
    ├── RequestTooLargeError   413: the request body is too large
    ├── RateLimitError         429: too many requests
    └── ContentPolicyError     the input or prompt was blocked by content moderation

`may_have_been_billed` is True on every error raised after the service may have run, and billed,
the edit: ReplyLostError (and its subclasses), ServiceFailedError, OversizedResultError, and any
error raised because no result of a successful reply could be kept (downloads failed or were
refused, nothing usable). None of them is retried by the client: check, then run it again.
"""

from __future__ import annotations

import math
from typing import Any

SHOWN_VALUE_MAX_CHARS = 60
"""A value longer than this is described (its length or type) rather than quoted in a message."""
JSON_LIKE_TYPES = (bool, int, float, str, list, tuple, dict)
"""Values of these types (and None) are quoted in messages; others are named by their type."""


class ImageEditError(Exception):
    """Base of every error the client raises."""

    may_have_been_billed: bool = False
    """Whether the service may have run, and billed, the edit despite the error."""


def describe_value(value: Any) -> str:
    """`value` as a message shows it: short and readable whatever it is (NaN, a long text...)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float) and math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, int) and abs(value) >= 10**50:  # repr fails past 4300 digits
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if value is not None and not isinstance(value, JSON_LIKE_TYPES):
        return f"a value of type {type(value).__name__}"  # its repr is code, not for reading
    shown = repr(value)
    if len(shown) <= SHOWN_VALUE_MAX_CHARS:
        return shown
    if isinstance(value, str):
        return f"{len(value)} characters"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a value of type {type(value).__name__}"


class ValidationError(ImageEditError, ValueError):
    """A request parameter breaks a limit; `field`, `limit` and `value` say which and how."""

    def __init__(self, field: str, limit: str, value: Any, message: str | None = None) -> None:
        self.field = field
        self.limit = limit
        self.value = value
        super().__init__(message or f"{field} must be {limit}; got {describe_value(value)}.")


class InvalidImageError(ImageEditError, ValueError):
    """An input image cannot be read or used; `index` is its 1-based position when known."""

    def __init__(self, message: str, index: int | None = None) -> None:
        self.index = index
        self.reason = message
        prefix = f"Image {index}: " if index is not None else ""
        super().__init__(prefix + message)


class UnreadableImageError(InvalidImageError):
    """An input is not an image Pillow can read, or its file is damaged: no model takes it."""


class UnsafeURLError(ImageEditError):
    """A result URL points where the client refuses to go (not https, or a private address)."""


class OversizedResultError(ImageEditError):
    """A result image's header claims far more pixels than were asked for, so it was not kept
    (decoding it could take gigabytes). The service made it, so the edit may have been billed."""

    may_have_been_billed = True


class APIConnectionError(ImageEditError):
    """The request got no HTTP answer. Raised as such, it was not sent in full: nothing was
    billed. Its subclass ReplyLostError means it was sent, and may have been billed."""

    def __init__(
        self,
        message: str = (
            "Could not reach the image service. Check the network and the base URL, then try again."
        ),
    ) -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The service could not be reached in time (connecting, or sending the request)."""

    def __init__(
        self,
        message: str = (
            "The image service could not be reached in time, so the request was not sent in full "
            "and nothing was billed. Try again later or with fewer images."
        ),
    ) -> None:
        super().__init__(message)


class ReplyLostError(APIConnectionError):
    """The request was sent in full, then the connection failed before an answer: the service may
    have run and billed the edit, so it is never retried by itself."""

    may_have_been_billed = True

    def __init__(
        self,
        message: str = (
            "The connection dropped after the request was sent, so the service may have run (and "
            "billed) this edit. Check before running it again."
        ),
    ) -> None:
        super().__init__(message)


class ReplyTimeoutError(ReplyLostError, APITimeoutError):
    """The request was sent in full, and no answer came in time (a read timeout)."""

    def __init__(
        self,
        message: str = (
            "The image service did not answer in time. The run may still have been billed; "
            "check before running it again, or try later with fewer images."
        ),
    ) -> None:
        super().__init__(message)


class ReplyTooLargeError(ReplyLostError):
    """The reply grew past the client's cap, so it was not read further (nor kept)."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(
            f"The image service sent a reply larger than {limit_bytes // 1024 // 1024} MB, so it "
            "was not read. The service may have run (and billed) this edit; check before running "
            'it again, with fewer images or with results sent as links (response format "url").'
        )


class APIStatusError(ImageEditError):
    """The service answered with an error; the fields come from whichever envelope it used."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.retry_after = retry_after
        """The seconds the service asked to wait (its Retry-After), if it said."""
        self.code = code
        self.message = message
        self.request_id = request_id
        self.body = body
        super().__init__(message)


class ServiceFailedError(APIStatusError):
    """The service failed after the request reached it (500, 502, 504; 408, 409): it may have run
    and billed the edit, so the client sent it once and leaves running it again to the person."""

    may_have_been_billed = True


class AuthenticationError(APIStatusError):
    """401."""


class PermissionDeniedError(APIStatusError):
    """403."""


class RequestTooLargeError(APIStatusError):
    """413."""


class RateLimitError(APIStatusError):
    """429."""


class ContentPolicyError(APIStatusError):
    """Content moderation (`DataInspectionFailed`)."""
