"""The machinery both clients share: configuration, request preparation, retries, error mapping.

The sync and async clients only do I/O; every decision (what to send, whether and how long to wait
before a retry, which error a response means, what the result says) is made here, once. A call
runs against one deadline (client/deadline.py); its reply is read within a cap (client/reply.py).
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import math
import os
import random
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx2

from . import constants as C
from .deadline import Deadline
from .encoding import EncodedBody, encode
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ContentPolicyError,
    ImageEditError,
    PermissionDeniedError,
    RateLimitError,
    ReplyLostError,
    ReplyTimeoutError,
    RequestTooLargeError,
    ServiceFailedError,
)
from .images import PreparedImage, prepare_image
from .models import NAMED_SIZES, REQUEST_BODY_MAX_BYTES, WIRE_FORMATS, model_spec
from .observer import NO_OBSERVER, CallObserver
from .params import EditRequest
from .preparation import PREPARATION_MEMORY
from .redaction import redact
from .reply import Reply
from .results import (
    EditedImage,
    EditResult,
    ParsedResponse,
    Size,
    parse_success,
    shortfall_note,
)
from .sendable import sendable
from .sizes import parse_size

logger = logging.getLogger(__name__)

BODY_OVERHEAD_BYTES = 64 * 1024
"""Room left in the 32 MB body for the fields and the JSON or multipart framing."""

UNSENT_ERRORS = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
    httpx2.ProxyError,
    httpx2.WriteError,
    httpx2.WriteTimeout,
)
"""Transport failures before the request was sent in full: the service cannot have run (or
billed) the edit, so these alone are retried. Any other failure comes after the whole request
went out, and is never retried: the gateway bills per image."""

UNSENDABLE_ERRORS = (httpx2.UnsupportedProtocol, httpx2.LocalProtocolError)
"""The request could not be formed at all (a bad base URL): nothing was sent, and a retry
cannot help."""


LOCAL_PLACEHOLDER_KEY = "no-key"
"""Sent instead of a key to a loopback address (a local simulator): the simulator takes any key
unless started with one, and a placeholder this short is no secret, so it is never masked."""


def resolve_api_key(api_key: str | None, base_url: str) -> str:
    """The given key, else POWERTOKENS_API_KEY; without either, a placeholder for a loopback
    `base_url` (a local simulator), and for any other address an error naming the fix."""
    key = api_key if api_key is not None else os.environ.get(C.API_KEY_ENV)
    if key and key.strip():
        return key.strip()
    if is_loopback(base_url):
        return LOCAL_PLACEHOLDER_KEY
    raise ImageEditError(
        f"No API key: set {C.API_KEY_ENV} (or pass api_key=...), or point {C.BASE_URL_ENV} at a "
        "local simulator (python -m simulator), which needs none."
    )


def is_loopback(url: str) -> bool:
    """Whether `url` names this machine: localhost, 127.0.0.0/8 or ::1."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_wire_format() -> str:
    """POWERTOKENS_WIRE_FORMAT when set to a known shape, else the seed's flat shape."""
    configured = (os.environ.get(C.WIRE_FORMAT_ENV) or "").strip().lower()
    if configured and configured not in WIRE_FORMATS:
        raise ImageEditError(
            f"{C.WIRE_FORMAT_ENV} must be one of {', '.join(WIRE_FORMATS)}; got {configured!r}."
        )
    return configured or WIRE_FORMATS[0]


def resolve_base_url(base_url: str | None) -> str:
    return (base_url or os.environ.get(C.BASE_URL_ENV) or C.DEFAULT_BASE_URL).rstrip("/")


def default_timeout() -> httpx2.Timeout:
    return httpx2.Timeout(
        connect=C.CONNECT_TIMEOUT_S,
        read=C.READ_TIMEOUT_S,
        write=C.WRITE_TIMEOUT_S,
        pool=C.POOL_TIMEOUT_S,
    )


CONNECTION_LIMITS = httpx2.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=C.KEEPALIVE_EXPIRY_S
)
"""httpx's own pool sizes, with idle connections closed before the server's keep-alive ends."""


def within(timeout: httpx2.Timeout, seconds: float) -> httpx2.Timeout:
    """`timeout` with no single wait longer than `seconds`."""
    return httpx2.Timeout(
        **{
            phase: seconds if limit is None else min(limit, seconds)
            for phase, limit in timeout.as_dict().items()
        }
    )


@dataclass(frozen=True)
class PreparedCall:
    """A validated request with its images prepared and encoded, ready to send (and resend)."""

    request: EditRequest
    body: EncodedBody
    notes: list[str]

    @property
    def requested_size(self) -> Size:
        """The requested width and height (a named size as the square of its pixel count)."""
        if self.request.size in NAMED_SIZES:
            side = math.isqrt(NAMED_SIZES[self.request.size])
            return side, side
        return parse_size(self.request.size)


@dataclass
class ObservedAttempt:
    """One attempt as the observer hears of it: its status, once an answer came."""

    status: int | None = None


class ClientCore:
    """Configuration and decisions of one client; holds the key and never shows it."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx2.Timeout | None,
        max_retries: int,
        observer: CallObserver | None = None,
    ) -> None:
        self.base_url = resolve_base_url(base_url)
        self.observer = observer or NO_OBSERVER
        self._api_key = resolve_api_key(api_key, self.base_url)
        self.edits_url = self.base_url + "/images/edits"
        self.deadline_s = C.RUN_DEADLINE_S
        if timeout is None:
            self.timeout = default_timeout()
        elif isinstance(timeout, httpx2.Timeout):
            self.timeout = timeout
        else:
            self.timeout = httpx2.Timeout(timeout, connect=min(timeout, C.CONNECT_TIMEOUT_S))
            self.deadline_s = float(timeout)
        self.max_retries = max_retries
        self.wire_format = resolve_wire_format()

    def __repr__(self) -> str:
        return f"ClientCore(base_url={self.base_url!r}, api_key='***')"

    def deadline(self) -> Deadline:
        """The deadline of a call starting now: its attempts and waits all end by it."""
        return Deadline(self.deadline_s)

    def post_kwargs(self, body: EncodedBody, deadline: Deadline) -> dict[str, Any]:
        """Arguments for one attempt: a fresh copy, so a retried multipart body restarts cleanly,
        with no wait longer than what is left of the deadline."""
        kwargs = {key: list(v) if isinstance(v, list) else v for key, v in body.kwargs.items()}
        kwargs["headers"] = {
            **kwargs.get("headers", {}),
            "authorization": f"Bearer {self._api_key}",
        }
        kwargs["timeout"] = within(self.timeout, deadline.remaining())
        return kwargs

    def redact(self, value: Any) -> Any:
        """`value` (text, or a parsed JSON body) with every copy of the key replaced by ***."""
        return redact(value, [self._api_key])

    # -- before sending -------------------------------------------------------------------------

    def prepare(self, request: EditRequest) -> PreparedCall:
        """Checks (client/sendable.py) and encodes; raises ValidationError or
        InvalidImageError, sends nothing."""
        share = (REQUEST_BODY_MAX_BYTES - BODY_OVERHEAD_BYTES) // max(len(request.images), 1)
        if request.encoding == "json":
            share = share * 3 // 4  # base64 grows each image by a third

        def prepare_one(source: Any, position: int) -> PreparedImage:  # once validated
            spec, memory = model_spec(request.model), PREPARATION_MEMORY.reserve
            return prepare_image(source, spec, max_bytes=share, index=position, memory=memory)

        checked = sendable(request, prepare_one)
        fields = request.wire_fields()
        if checked.boxes is not None:
            fields["bbox_list"] = checked.boxes
        wire_format = request.wire_format or self.wire_format
        body = encode(fields, checked.images, request.encoding, wire_format)
        return PreparedCall(request, body, checked.notes)

    # -- retries --------------------------------------------------------------------------------

    def delay_after_error(
        self, error: httpx2.RequestError, attempt: int, deadline: Deadline
    ) -> float:
        """Seconds to wait before retrying a request that failed before it was sent in full, or
        raises the final error; a failure after sending is never retried (it may be billed), nor
        one whose retry could not start before the deadline."""
        if not isinstance(error, UNSENT_ERRORS):
            raise error_after_sending(error) from None
        delay = backoff_delay(attempt)
        if attempt >= self.max_retries or delay >= deadline.remaining():
            timed_out = isinstance(error, httpx2.TimeoutException)
            raise (APITimeoutError() if timed_out else APIConnectionError()) from None
        logger.info("retrying after %s (attempt %d)", type(error).__name__, attempt + 1)
        self.observer.retrying("connection")
        return delay

    def delay_after_response(self, reply: Reply, attempt: int, deadline: Deadline) -> float:
        """Seconds to wait before retrying a refusal (429, 503) while the deadline allows it, or
        raises the reply's APIStatusError."""
        error = self.error_for(reply)
        if attempt >= self.max_retries or not is_retryable(reply.status_code, error.code):
            raise error
        delay = retry_delay(attempt, reply.headers)
        if delay >= deadline.remaining():
            raise error
        code = error.code or ""
        logger.info("retrying after HTTP %d %s (attempt %d)", reply.status_code, code, attempt + 1)
        self.observer.retrying(str(reply.status_code))
        return delay

    @contextmanager
    def observed(self) -> Iterator[ObservedAttempt]:
        """Times one attempt for the observer, which learns its status (set on the yielded
        record once the answer is read) when the attempt ends, however it ends."""
        attempt, started = ObservedAttempt(), time.monotonic()
        try:
            yield attempt
        finally:
            self.observer.attempted(attempt.status, time.monotonic() - started)

    # -- after the answer -----------------------------------------------------------------------

    def error_for(self, reply: Reply) -> APIStatusError:
        body = _json_or_none(reply)
        code, service_message, request_id = read_error_envelope(body)
        request_id = self.redact(request_id or reply.headers.get("x-request-id"))
        status = reply.status_code
        cls, lead = explain_status(status, code)
        detail = self.redact(service_message or "").strip().rstrip(".")
        message = lead if not detail else f"{lead} The service said: {detail}."
        if request_id:
            message += f" Request id: {request_id}."
        return cls(
            message,
            status_code=status,
            code=self.redact(code),
            request_id=request_id,
            body=self.redact(body),
            retry_after=parse_retry_after(reply.headers),
        )

    def parse(self, reply: Reply, call: PreparedCall) -> ParsedResponse:
        body = _json_or_none(reply)
        request_id = reply.headers.get("x-request-id")
        try:
            return parse_success(body, reply.status_code, request_id, call.requested_size)
        except APIStatusError as error:
            error.body, error.request_id = self.redact(error.body), self.redact(error.request_id)
            raise

    def finish(
        self,
        call: PreparedCall,
        parsed: ParsedResponse,
        images: Sequence[EditedImage],
        download_notes: Sequence[str],
        started: float,
    ) -> EditResult:
        """The EditResult of a successful reply, with the key redacted from everything in it (a
        service may echo the Authorization header into a revised prompt or the metadata)."""
        requested = call.request.n
        notes = [*call.notes, *parsed.notes, *download_notes]
        if not images:
            raise self._nothing_usable(parsed)
        shortfall = shortfall_note(len(images), requested)
        if shortfall:
            notes.append(shortfall)
        return EditResult(
            images=[self._redacted_image(image) for image in images],
            created=parsed.created,
            metadata=self.redact(parsed.metadata),
            request_id=self.redact(parsed.request_id),
            elapsed_s=time.monotonic() - started,
            requested_n=requested,
            seed=call.request.seed,
            notes=self.redact(notes),
        )

    def _redacted_image(self, image: EditedImage) -> EditedImage:
        return replace(
            image, url=self.redact(image.url), revised_prompt=self.redact(image.revised_prompt)
        )

    def _nothing_usable(self, parsed: ParsedResponse) -> APIStatusError:
        detail = f" ({' '.join(parsed.notes)})" if parsed.notes else ""
        return APIStatusError(
            self.redact(f"The service answered but sent no usable image{detail}. Try again."),
            status_code=200,
            request_id=self.redact(parsed.request_id),
        )


@contextmanager
def billed_if_it_fails() -> Iterator[None]:
    """Marks an ImageEditError raised inside as `may_have_been_billed`. The clients handle a
    successful reply inside it: the service ran the edit even if no result can be kept."""
    try:
        yield
    except ImageEditError as error:
        error.may_have_been_billed = True
        raise


def error_after_sending(error: httpx2.RequestError) -> APIConnectionError:
    """The error for a failure once the request may have gone out in full (never retried)."""
    if isinstance(error, UNSENDABLE_ERRORS):
        return APIConnectionError(
            f"The request could not be sent ({type(error).__name__}). Check the base URL."
        )
    if isinstance(error, httpx2.ReadTimeout):
        return ReplyTimeoutError()
    if isinstance(error, httpx2.DecodingError):
        return ReplyLostError(
            "The service's reply arrived damaged, so it may have run (and billed) this edit. "
            "Check before running it again."
        )
    return ReplyLostError()


def is_retryable(status: int, code: str | None) -> bool:
    return status in C.RETRYABLE_STATUSES and code not in C.NON_RETRYABLE_CODES


def backoff_delay(attempt: int) -> float:
    """0.5 s doubling to 8 s, with up to a quarter taken off at random so clients spread out."""
    delay = min(C.INITIAL_RETRY_DELAY_S * 2**attempt, C.MAX_RETRY_DELAY_S)
    return delay * (1 - 0.25 * random.random())


def retry_delay(attempt: int, headers: httpx2.Headers | dict[str, str]) -> float:
    """The server's Retry-After (capped at 60 s) when it gives a usable one, else backoff."""
    after = parse_retry_after(headers)
    if after is not None:
        return min(after, C.MAX_RETRY_AFTER_S)
    return backoff_delay(attempt)


def parse_retry_after(headers: httpx2.Headers | dict[str, str]) -> float | None:
    headers = httpx2.Headers(headers)
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            value = float(milliseconds) / 1000
        except ValueError:
            value = -1
        if value >= 0:
            return value
    after = headers.get("retry-after")
    if after is None:
        return None
    try:
        value = float(after)
    except ValueError:
        parsed = email.utils.parsedate_tz(after)
        if parsed is None:
            return None
        value = email.utils.mktime_tz(parsed) - time.time()
    return max(value, 0.0) if value == value else None  # NaN is garbage


def _json_or_none(reply: Reply) -> Any:
    try:
        return json.loads(reply.content)
    except (ValueError, UnicodeDecodeError):
        return None


def read_error_envelope(body: Any) -> tuple[str | None, str | None, str | None]:
    """(code, message, request id) from the gateway's or DashScope's envelope, or Nones."""
    if not isinstance(body, dict):
        return None, None, None
    error = body.get("error")
    if isinstance(error, dict):
        code = error.get("code") or error.get("type")
        return _str_or_none(code), _str_or_none(error.get("message")), None
    if isinstance(error, str):
        return None, error, _str_or_none(body.get("request_id"))
    return (
        _str_or_none(body.get("code")),
        _str_or_none(body.get("message")),
        _str_or_none(body.get("request_id")),
    )


def _str_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def explain_status(status: int, code: str | None) -> tuple[type[APIStatusError], str]:
    """The error class and the sentence a person reads for a status and code."""
    if code == "DataInspectionFailed":
        return ContentPolicyError, (
            "The input images or the prompt were blocked by content moderation. "
            "Change them and try again."
        )
    if status == 401:
        return AuthenticationError, (
            f"The API key was rejected (401). Check {C.API_KEY_ENV} or the key you pasted."
        )
    if status == 403:
        return PermissionDeniedError, (
            "Access denied (403): the key has no access to this model, or its quota is used up."
        )
    if status == 413:
        return RequestTooLargeError, (
            "The inputs are too large for the service (413). Try fewer or smaller images."
        )
    if status == 429:
        if code == "Throttling.AllocationQuota":
            return RateLimitError, "The key's quota is used up (429). Wait for it to renew."
        return RateLimitError, (
            "Too many requests (429): the service is busy. Wait a moment and try again."
        )
    if status in C.RETRYABLE_STATUSES:
        return APIStatusError, (
            f"The image service failed ({status}). This is usually temporary; try again shortly."
        )
    if status >= 500 or status in C.MAY_HAVE_RUN_STATUSES:
        return ServiceFailedError, (
            f"The image service failed ({status}) after it received the request, so it may have "
            "run (and billed) this edit; it was not sent again. Check before running it again."
        )
    if status == 400:
        return APIStatusError, "The service refused the request (400)."
    return APIStatusError, f"The service answered with an error ({status})."
