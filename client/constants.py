"""Every tunable of the client in one place: timeouts, retries, download guards.

Values follow shared/API-NOTES.md: edits take 10-30 s and sometimes minutes, so reads wait long;
only refusals before any work are retried (the gateway bills per image), backing off from 0.5 s
to 8 s and honouring the server's Retry-After up to a minute.
"""

from .models import MAX_OUTPUT_PIXELS

DEFAULT_BASE_URL = "https://api.powertokens.ai/v1"
API_KEY_ENV = "POWERTOKENS_API_KEY"
BASE_URL_ENV = "POWERTOKENS_BASE_URL"
WIRE_FORMAT_ENV = "POWERTOKENS_WIRE_FORMAT"

RUN_DEADLINE_S = 300.0
"""A call to the edits endpoint ends within this (the README promises it): connecting, sending,
waiting and reading the whole reply, retries included. A number passed as `timeout` replaces it."""
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = RUN_DEADLINE_S
"""The longest wait for any one read: an edit can take minutes before its first byte."""
WRITE_TIMEOUT_S = 120.0
POOL_TIMEOUT_S = 30.0
KEEPALIVE_EXPIRY_S = 4.0
"""An idle pooled connection is closed after this, before common servers close theirs (uvicorn's
and Node's keep-alive default to 5 s), so a request does not go out on a connection the server is
closing at that moment: that fails after sending, as "may have been billed"."""

MAX_RETRIES = 2
INITIAL_RETRY_DELAY_S = 0.5
MAX_RETRY_DELAY_S = 8.0
MAX_RETRY_AFTER_S = 60.0
RETRYABLE_STATUSES = frozenset({429, 503})
"""Refusals before any work (rate limits, no capacity), so nothing was billed: retried. Every
other error status is sent once: a 500, 502 or 504 means the request arrived and may have been
served and billed (the gateway bills per image)."""
MAY_HAVE_RUN_STATUSES = frozenset({408, 409})
"""Client-side statuses treated like a 500: the gateway documents neither, a 408 can come from a
proxy after the service took the request, a 409 means it arrived. Not retried; may be billed."""
NON_RETRYABLE_CODES = frozenset(
    {"DataInspectionFailed", "Throttling.AllocationQuota", "AccessDenied"}
)

DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024
REPLY_MAX_BYTES = DOWNLOAD_MAX_BYTES
"""The edits endpoint's reply is read as a stream and refused past this, like a result download:
a hostile or broken service cannot fill the memory. Results sent as links are downloaded one by
one, each within DOWNLOAD_MAX_BYTES. Inline (b64_json) results count toward it, and a request
for many large images may take more: see REPLY_BYTES_PER_IMAGE."""
REPLY_BYTES_PER_IMAGE = (2048 * 2048 * 3) * 4 // 3 + 1024 * 1024
"""Room for one inline result: an uncompressed 2048*2048 RGB picture in base64, plus the JSON
around it. A reply for n images may be n times this when that is more than REPLY_MAX_BYTES, so
a billed answer of nine large pictures is never refused for its size."""
DOWNLOAD_MAX_REDIRECTS = 3
DOWNLOAD_TIMEOUT_S = 120.0
RESULT_MAX_SIZE_FACTOR = 4
"""A result image may have up to this many times the requested pixels (a model may round up or
follow an input's aspect); any result within the API's own largest output is always kept."""
RESULT_MAX_PIXELS = MAX_OUTPUT_PIXELS * RESULT_MAX_SIZE_FACTOR
"""No result image is kept past this, whatever was requested: decoding one could take gigabytes."""
DECOMPRESSION_BOMB_PIXELS = 178_956_970
"""Inputs are refused as decompression bombs past Pillow's own `Image.MAX_IMAGE_PIXELS` (about 89
megapixels unless the application changes it); this cap applies only if that limit is disabled."""
LARGE_PHOTO_PIXELS = 250_000_000
"""What `allow_large_photos()` raises Pillow's limit to: a 200-megapixel camera photo is then
downscaled like any other, while anything larger is still refused as a possible bomb."""
