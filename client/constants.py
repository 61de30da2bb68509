"""Every tunable of the client in one place: timeouts, retries, download guards.

Values follow shared/API-NOTES.md: edits take 10-30 s and sometimes minutes, so reads wait long;
retries back off from 0.5 s to 8 s and honour the server's Retry-After up to a minute.
"""

from .models import MAX_OUTPUT_PIXELS

DEFAULT_BASE_URL = "https://api.powertokens.ai/v1"
API_KEY_ENV = "POWERTOKENS_API_KEY"
BASE_URL_ENV = "POWERTOKENS_BASE_URL"
WIRE_FORMAT_ENV = "POWERTOKENS_WIRE_FORMAT"

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 300.0
WRITE_TIMEOUT_S = 120.0
POOL_TIMEOUT_S = 30.0

MAX_RETRIES = 2
INITIAL_RETRY_DELAY_S = 0.5
MAX_RETRY_DELAY_S = 8.0
MAX_RETRY_AFTER_S = 60.0
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
NON_RETRYABLE_CODES = frozenset(
    {"DataInspectionFailed", "Throttling.AllocationQuota", "AccessDenied"}
)

DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024
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
