"""The one exception tree of the client; every message is a sentence a person can act on.

ImageEditError
├── ValidationError            a parameter is outside the model's limits (nothing was sent)
├── InvalidImageError          an input is not a usable image (nothing was sent)
├── UnsafeURLError             a result URL was refused by the download guard (never requested)
├── APIConnectionError         the service could not be reached
│   └── APITimeoutError        it did not answer in time
└── APIStatusError             it answered with an error status
    ├── AuthenticationError    401: the key was rejected
    ├── PermissionDeniedError  403: no access, or the quota is used up
    ├── RequestTooLargeError   413: the request body is too large
    ├── RateLimitError         429: too many requests
    └── ContentPolicyError     the input or prompt was blocked by content moderation
"""

from __future__ import annotations

from typing import Any


class ImageEditError(Exception):
    """Base of every error the client raises."""


class ValidationError(ImageEditError, ValueError):
    """A request parameter breaks a limit; `field`, `limit` and `value` say which and how."""

    def __init__(self, field: str, limit: str, value: Any, message: str | None = None) -> None:
        self.field = field
        self.limit = limit
        self.value = value
        shown = (
            repr(value)
            if not isinstance(value, str) or len(value) < 60
            else f"{len(value)} characters"
        )
        super().__init__(message or f"{field} must be {limit}; got {shown}.")


class InvalidImageError(ImageEditError, ValueError):
    """An input image cannot be read or used; `index` is its 1-based position when known."""

    def __init__(self, message: str, index: int | None = None) -> None:
        self.index = index
        self.reason = message
        prefix = f"Image {index}: " if index is not None else ""
        super().__init__(prefix + message)


class UnsafeURLError(ImageEditError):
    """A result URL points where the client refuses to go (not https, or a private address)."""


class APIConnectionError(ImageEditError):
    """The request never got an HTTP answer."""

    def __init__(
        self,
        message: str = (
            "Could not reach the image service. Check the network and the base URL, then try again."
        ),
    ) -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """No answer in time. A read timeout is not retried: the run may have been billed."""

    def __init__(
        self,
        message: str = (
            "The image service did not answer in time. The run may still have been billed; "
            "try again later or with fewer images."
        ),
    ) -> None:
        super().__init__(message)


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
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.request_id = request_id
        self.body = body
        super().__init__(message)


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
