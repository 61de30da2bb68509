"""Reads an edits request off the wire (JSON or multipart) and checks it like the gateway does.

JSON comes in two shapes, the seed's flat one and `input.messages` (messages.py); both, and
multipart, become one EditRequest. Limits come from the client's model table and its validation,
the project's one source of truth; the simulator adds what only a server sees: the Bearer token,
the body cap, undecodable images, URLs it cannot fetch, boxes outside the images they belong to,
and the pixels a named size means for the inputs.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from client.errors import ValidationError
from client.json_values import parse_json_param
from client.limit_texts import megabytes
from client.models import MB, MODELS, REQUEST_BODY_MAX_BYTES, ModelSpec, model_spec
from client.params import WIRE_NAMES, EditRequest
from client.validation import validate_request

from .errors import APIError, invalid
from .geometry import box_problem, output_size
from .messages import flatten, is_messages_shape

OTHER_SEED_MODELS = (
    "qwen-image-2.0",
    "qwen-image-edit-max",
    "qwen-image-edit-plus",
    "qwen-image-edit",
)
"""Other models the seed names: served with the general limits (client.models.CUSTOM_MODEL)."""
FORMAT_FAMILY = {"MPO": "JPEG"}
"""Pillow reads many camera JPEGs as MPO (JPEG with a second preview frame); they are JPEGs."""
GATEWAY_DEFAULTS = {"size": "512*512", "response_format": "url"}
"""What the gateway assumes for a field the request leaves out, where it differs from the
client's own defaults (one gateway page shows 512*512; the OpenAI family answers with URLs)."""
JSON_FORM_FIELDS = ("extra", "bbox_list")
"""Multipart fields that carry JSON text."""


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
    wire_format: str
    requested_size: str
    """`size` as sent: "W*H" (any spelling) or a named size; `width` and `height` are its pixels."""
    boxes: list[list[list[int]]] | None
    extra: dict[str, Any] | None


def accepted_models() -> tuple[str, ...]:
    """The model names served: the table's, read at each request (a model added to MODELS is
    served with its own limits), then the seed's others."""
    return (*MODELS, *OTHER_SEED_MODELS)


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
    return APIError(
        413,
        "request_too_large",
        f"The request body is over the {megabytes(REQUEST_BODY_MAX_BYTES)} limit.",
    )


LocalFiles = Callable[[str], bytes | None]
"""Result URL → its bytes, when the URL is one of this simulator's own live result files."""


async def parse_edit(request: Request, body: bytes, local_files: LocalFiles) -> EditCall:
    """The checked request in `body`; raises APIError. Image decoding runs in a worker thread."""
    edit = await read_request(request, body)
    return await run_in_threadpool(_check, edit, local_files)


async def read_request(request: Request, body: bytes) -> EditRequest:
    """The request in `body` (JSON in either shape, or multipart) with the gateway's defaults,
    checked by the client's validation; its images as sent (strings, or the bytes of file
    parts), not yet decoded. Raises APIError. The app's own edits door reads requests here too."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        fields, sources = await _multipart_fields(request, body)
        encoding, wire_format = "multipart", "flat"
    elif content_type.startswith("application/json") or not content_type:
        fields, sources, wire_format = _json_fields(body)
        encoding = "json"
    else:
        raise APIError(
            400,
            "InvalidParameter",
            f"Unsupported content type {content_type!r}: send application/json or "
            "multipart/form-data.",
        )
    return _validated_request(fields, sources, encoding, wire_format)


def _json_fields(body: bytes) -> tuple[dict[str, Any], list[Any], str]:
    """The fields, the image sources and the shape ("flat" or "messages") of a JSON body."""
    try:
        fields = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise APIError(400, "InvalidParameter", "The body is not valid JSON.") from None
    except RecursionError:
        raise APIError(400, "InvalidParameter", "The body nests too deeply.") from None
    if not isinstance(fields, dict):
        raise APIError(400, "InvalidParameter", "The body must be a JSON object.")
    if is_messages_shape(fields):
        return *flatten(fields), "messages"
    image = fields.pop("image", None)
    sources = image if isinstance(image, list) else [image] if image is not None else []
    return fields, sources, "flat"


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
    try:
        names = [name for name in ("image", "image[]") if form.getlist(name)]
        if len(names) > 1:
            raise APIError(
                400,
                "InvalidParameter",
                "Use either 'image' or 'image[]' parts, not both.",
                param="image",
            )
        sources = form.getlist(names[0]) if names else []
        read = [await item.read() if isinstance(item, UploadFile) else item for item in sources]
        fields = {
            name: _form_value(name, value)
            for name, value in form.multi_items()
            if name not in ("image", "image[]") and not isinstance(value, UploadFile)
        }
    finally:
        await form.close()
    return fields, read


def _form_value(name: str, value: str) -> Any:
    if name in ("n", "seed"):
        try:
            return int(value)
        except ValueError:
            return value
    if name in ("watermark", "prompt_extend"):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    if name in JSON_FORM_FIELDS:
        try:
            return parse_json_param(name, value)
        except ValidationError as error:
            if error.limit == "valid JSON":
                raise invalid(f"{name} must be JSON text.", param=name) from None
            raise invalid(str(error), param=name) from None
    return value


def _check(request: EditRequest, local_files: LocalFiles) -> EditCall:
    """The checked call: valid parameters, decoded images, boxes inside them, output pixels."""
    sources = list(request.images)
    spec = model_spec(request.model)
    images = [
        _decode(source, position, local_files, spec)
        for position, source in enumerate(sources, start=1)
    ]
    _check_boxes(request.bbox_list, images)
    width, height = output_size(request.size, images[-1].size)
    return EditCall(
        model=request.model,
        prompt=request.prompt,
        images=images,
        n=request.n,
        width=width,
        height=height,
        seed=request.seed,
        response_format=request.response_format,
        prompt_extend=request.prompt_extend,
        watermark=request.watermark,
        encoding=request.encoding,
        wire_format=request.wire_format or "flat",
        requested_size=request.size,
        boxes=request.bbox_list,
        extra=dict(request.extra) if request.extra is not None else None,
    )


def _check_boxes(bbox_list: Any, images: list[Image.Image]) -> None:
    problem = bbox_list and box_problem(bbox_list, [image.size for image in images])
    if problem:
        raise invalid(problem, param="bbox_list")


def _validated_request(
    fields: dict[str, Any], sources: list[Any], encoding: str, wire_format: str
) -> EditRequest:
    """The request the fields make, checked by the client's own validation (images undecoded)."""
    model = fields.get("model")
    accepted = accepted_models()
    if model not in accepted:
        raise APIError(
            400,
            "model_not_found",
            f"The model {model!r} does not exist or is not available. Use one of: "
            f"{', '.join(accepted)}.",
            param="model",
        )
    if "prompt" not in fields:
        raise invalid("prompt is required.", param="prompt")
    given = {name: value for name, value in fields.items() if name in WIRE_NAMES}
    request = EditRequest(
        images=sources,
        encoding=encoding,
        wire_format=wire_format,
        **{**GATEWAY_DEFAULTS, **given},
    )
    try:
        validate_request(request)
    except ValidationError as error:
        raise invalid(str(error), param=error.field) from None
    return request


def _check_image(image: Image.Image, size_bytes: int, position: int, spec: ModelSpec) -> None:
    """Refuses what the model does not take; runs before the pixels are decoded."""
    problem = None
    if FORMAT_FAMILY.get(image.format, image.format) not in spec.input_formats:
        problem = (
            f"is {image.format or 'an unknown format'}; {spec.name} reads "
            f"{', '.join(spec.input_formats)}"
        )
    elif size_bytes > spec.max_image_bytes:
        problem = (
            f"is {size_bytes / MB:.1f} MB; {spec.name} takes at most "
            f"{megabytes(spec.max_image_bytes)} an image"
        )
    elif min(image.size) < spec.min_side:
        problem = (
            f"is {image.width}x{image.height}; {spec.name} needs at least {spec.min_side} px a side"
        )
    elif max(image.size) > spec.max_side:
        problem = (
            f"is {image.width}x{image.height}; {spec.name} takes at most {spec.max_side} px a side"
        )
    elif spec.max_aspect and max(image.size) / min(image.size) > spec.max_aspect:
        problem = (
            f"is {image.width}x{image.height}; {spec.name} takes aspect ratios up to "
            f"{spec.max_aspect:g}:1"
        )
    if problem:
        raise APIError(400, "InvalidParameter", f"Image {position} {problem}.", param="image")


def _decode(source: Any, position: int, local_files: LocalFiles, spec: ModelSpec) -> Image.Image:
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        data = local_files(source)
        if data is None:
            raise APIError(
                400,
                "InvalidParameter",
                f"Image {position}: the simulator cannot download images from the internet; it "
                "reads only its own unexpired result URLs. Send the image as data instead.",
                param="image",
            )
        source = data
    elif isinstance(source, str):
        header, _, payload = source.partition(",")
        if not header.startswith("data:image/") or not header.endswith(";base64"):
            raise APIError(
                400,
                "InvalidParameter",
                f"Image {position} is neither an https URL nor a data:image/...;base64, URI.",
                param="image",
            )
        try:
            source = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise APIError(
                400,
                "InvalidParameter",
                f"Image {position}: the data URI has bad base64.",
                param="image",
            ) from None
    if not isinstance(source, bytes):
        raise APIError(
            400, "InvalidParameter", f"Image {position} must be a string or a file.", param="image"
        )
    try:
        image = Image.open(io.BytesIO(source))
        _check_image(image, len(source), position, spec)
        image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise APIError(
            400,
            "InvalidParameter",
            f"Image {position} could not be decoded as an image.",
            param="image",
        ) from None
    return image
