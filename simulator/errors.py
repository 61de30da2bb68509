"""The simulator's error answer, raised wherever a request is found wanting and turned into the
gateway's envelope (or a fault's) by app.py."""

from __future__ import annotations


class APIError(Exception):
    """An error answer: HTTP status, machine code, a message for the caller, the field at fault."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        error_type: str = "invalid_request_error",
        param: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.error_type = error_type
        self.param = param


def invalid(message: str, param: str | None = None) -> APIError:
    """The gateway's 400 InvalidParameter with `message`, naming `param` when one is at fault."""
    return APIError(400, "InvalidParameter", message, param=param)
