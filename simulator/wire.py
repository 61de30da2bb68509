"""Reads an edits request off the wire (JSON or multipart) and checks it like the gateway does.

Limits come from the client's model table and its validation, the project's one source of truth;
the simulator adds what only a server sees: the Bearer token, the body cap, undecodable images,
and URLs it cannot fetch.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from client.errors import ValidationError
from client.models import MODELS, REQUEST_BODY_MAX_BYTES, model_spec
from client.validation import EditRequest, parse_size, validate_request

OTHER_SEED_MODELS = (
    "qwen-image-2.0",
    "qwen-image-edit-max",
    "qwen-image-edit-plus",
    "qwen-image-edit",
)
ACCEPTED_MODELS = (*MODELS, *OTHER_SEED_MODELS)


class APIError(Exception):
    """An error answer: HTTP status, machine code, and a message for the caller."""

    def __init__(
        self, status: int, code: str, message: str, error_type: str = "invalid_request_error"
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.error_type = error_type


@dataclass(frozen=True)
class EditCall:
    """A checked request: decoded input images and the parameters that shape the output."""

    model: str
    prompt: str
    images: list[Image.Image]
    n: int
    width: int
    height: int
    seed: int | None
    response_format: str
    prompt_extend: bool
    watermark: bool
    encoding: str


def check_bearer(request: Request, api_key: str | None) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise APIError(
            401, "invalid_api_key", "Missing API key: send 'Authorization: Bearer <key>'."
        )
    if api_key is not None and token != api_key:
        raise APIError(401, "invalid_api_key", "Incorrect API key provided.")


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > REQUEST_BODY_MAX_BYTES:
        raise too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > REQUEST_BODY_MAX_BYTES:
            raise too_large()
    return bytes(body)


def too_large() -> APIError:
    return APIError(413, "request_too_large", "The request body is over the 32 MB limit.")


async def parse_edit(request: Request, body: bytes) -> EditCall:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        fields, sources = await _multipart_fields(request, body)
        encoding = "multipart"
    elif content_type.startswith("application/json") or not content_type:
        fields, sources = _json_fields(body)
        encoding = "json"
    else:
        raise APIError(400, "InvalidParameter", f"Unsupported content type: {content_type}.")
    return _check(fields, sources, encoding)


def _json_fields(body: bytes) -> tuple[dict[str, Any], list[Any]]:
    try:
        fields = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise APIError(400, "InvalidParameter", "The body is not valid JSON.") from None
    if not isinstance(fields, dict):
        raise APIError(400, "InvalidParameter", "The body must be a JSON object.")
    image = fields.pop("image", None)
    sources = image if isinstance(image, list) else [image] if image is not None else []
    return fields, sources


async def _multipart_fields(request: Request, body: bytes) -> tuple[dict[str, Any], list[Any]]:
    async def stream():
        yield body

    parser = MultiPartParser(
        request.headers, stream(), max_files=64, max_fields=64, max_part_size=REQUEST_BODY_MAX_BYTES
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise APIError(400, "InvalidParameter", f"Bad multipart body: {error.message}") from None
    names = {name for name in ("image", "image[]") if form.getlist(name)}
    if len(names) > 1:
        raise APIError(400, "InvalidParameter", "Use either 'image' or 'image[]' parts, not both.")
    sources: list[Any] = form.getlist(names.pop()) if names else []
    fields: dict[str, Any] = {}
    for name, value in form.multi_items():
        if name in ("image", "image[]") or isinstance(value, UploadFile):
            continue
        fields[name] = _form_value(name, value)
    read = [await item.read() if isinstance(item, UploadFile) else item for item in sources]
    return fields, read


def _form_value(name: str, value: str) -> Any:
    if name in ("n", "seed"):
        try:
            return int(value)
        except ValueError:
            return value
    if name in ("watermark", "prompt_extend"):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    if name == "extra":
        try:
            return json.loads(value)
        except ValueError:
            raise APIError(400, "InvalidParameter", "extra must be a JSON object.") from None
    return value


def _check(fields: dict[str, Any], sources: list[Any], encoding: str) -> EditCall:
    model = fields.get("model")
    if model not in ACCEPTED_MODELS:
        raise APIError(
            400, "model_not_found", f"The model {model!r} does not exist or is not available."
        )
    if "prompt" not in fields:
        raise APIError(400, "InvalidParameter", "prompt is required.")
    request = EditRequest(
        model=model,
        prompt=fields.get("prompt"),
        images=sources,
        n=fields.get("n", 1),
        size=fields.get("size", "512*512"),
        seed=fields.get("seed"),
        watermark=fields.get("watermark", False),
        prompt_extend=fields.get("prompt_extend", True),
        negative_prompt=fields.get("negative_prompt"),
        response_format=fields.get("response_format", "url"),
        extra=fields.get("extra"),
    )
    try:
        validate_request(request)
    except ValidationError as error:
        raise APIError(400, "InvalidParameter", str(error)) from None
    width, height = parse_size(request.size)
    images = [_decode(source, position) for position, source in enumerate(sources, start=1)]
    spec = model_spec(model)
    for position, image in enumerate(images, start=1):
        if min(image.size) < spec.min_side:
            raise APIError(
                400, "InvalidParameter",
                f"Image {position} is {image.width}x{image.height}; {model} needs at least "
                f"{spec.min_side} pixels a side.",
            )  # fmt: skip
    return EditCall(
        model, request.prompt, images, request.n, width, height, request.seed,
        request.response_format, request.prompt_extend, request.watermark, encoding,
    )  # fmt: skip


def _decode(source: Any, position: int) -> Image.Image:
    if isinstance(source, str):
        if source.startswith(("http://", "https://")):
            raise APIError(
                400, "InvalidParameter",
                f"Image {position}: the simulator cannot download URLs; send the image as data.",
            )  # fmt: skip
        header, _, payload = source.partition(",")
        if not header.startswith("data:image/") or ";base64" not in header:
            raise APIError(400, "InvalidParameter", f"Image {position} is not a data:image URI.")
        try:
            source = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise APIError(400, "InvalidParameter", f"Image {position}: bad base64.") from None
    if not isinstance(source, bytes):
        raise APIError(400, "InvalidParameter", f"Image {position} must be a string or a file.")
    try:
        image = Image.open(io.BytesIO(source))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise APIError(
            400, "InvalidParameter", f"Image {position} could not be decoded as an image."
        ) from None
    return image
