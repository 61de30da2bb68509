"""A client for the PowerTokens image-edits API (`POST /v1/images/edits`).

    from client import ImageEditClient
    with ImageEditClient() as api:          # key from POWERTOKENS_API_KEY
        result = api.edit(model="qwen-image-2.0-pro", prompt="make it snow", images=["a.jpg"])
        result.images[0].data               # the exact bytes the service returned

Validation, image preparation, encodings, retries and error mapping are shared by the sync and
async clients; nothing here imports gradio.
"""

from .async_client import AsyncImageEditClient
from .constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ContentPolicyError,
    ImageEditError,
    InvalidImageError,
    OversizedResultError,
    PermissionDeniedError,
    RateLimitError,
    ReplyLostError,
    ReplyTimeoutError,
    ReplyTooLargeError,
    RequestTooLargeError,
    ServiceFailedError,
    UnreadableImageError,
    UnsafeURLError,
    ValidationError,
)
from .models import MODELS, ModelSpec, model_spec
from .params import PARAM_NAMES, EditParams, EditRequest
from .results import EditedImage, EditResult
from .sync_client import ImageEditClient

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "MODELS",
    "PARAM_NAMES",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncImageEditClient",
    "AuthenticationError",
    "ContentPolicyError",
    "EditParams",
    "EditRequest",
    "EditResult",
    "EditedImage",
    "ImageEditClient",
    "ImageEditError",
    "InvalidImageError",
    "ModelSpec",
    "OversizedResultError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReplyLostError",
    "ReplyTimeoutError",
    "ReplyTooLargeError",
    "RequestTooLargeError",
    "ServiceFailedError",
    "UnreadableImageError",
    "UnsafeURLError",
    "ValidationError",
    "model_spec",
]
