"""Validation of a request: every limit is read from the one table in models.py.

A violation raises ValidationError naming the field, the limit and the value, before any image is
decoded or any byte is sent; whatever a field holds (NaN, a list, a very long text), nothing else is
raised. Also the one rule of which names carry keys or secrets (`is_key_like_name`,
`key_like_path`): `extra` must not carry any, since it is sent, billed and kept in the history.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import ValidationError, describe_value
from .json_values import check_depth, stored_size
from .limit_texts import boxes_cap_text, params_size_text, pixel_range_text, size_hint
from .models import (
    BOXES_MAX_PER_IMAGE,
    ENCODINGS,
    EXTRA_KEYS,
    EXTRA_MAX_BYTES,
    MAX_OUTPUT_PIXELS,
    MIN_OUTPUT_PIXELS,
    MODEL_NAME_MAX_CHARS,
    MODELS,
    NAMED_SIZES,
    NEGATIVE_PROMPT_MAX_CHARS,
    OPTIONAL_FIELDS,
    PARAMS_MAX_BYTES,
    PROMPT_MAX_CHARS,
    RESPONSE_FORMATS,
    SEED_MAX,
    WIRE_FORMATS,
    ModelSpec,
    model_spec,
)
from .params import EditRequest
from .sizes import parse_size

KEY_LIKE_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "key",
        "token",
        "access_token",
        "secret",
        "password",
        "authorization",
        "bearer",
        "cookie",
        "x_api_key",
    }
)
"""Names (lower case, `-` and camelCase read as `_`) that carry a key or a secret."""
KEY_LIKE_SUFFIXES = ("_key", "_token", "_secret")
"""Any name ending so carries one too (`client_secret`, `refresh_token`, `x_api_key`...)."""
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[-.\s]+")


def is_key_like_name(name: object) -> bool:
    """Whether a field named `name` would carry a key or a secret, in any case and spelling:
    `API-Key`, `apiKey`, `x-api-key`, `refresh_token` and `Authorization` all do."""
    text = _SEPARATORS.sub("_", _CAMEL_BOUNDARY.sub("_", str(name).strip())).lower()
    return text in KEY_LIKE_NAMES or text.endswith(KEY_LIKE_SUFFIXES)


def key_like_path(value: Any, root: str = "extra") -> str | None:
    """Where the first key-like name sits in `value`, at any depth of objects and lists (e.g.
    `extra.parameters.api_key` or `extra.input.items[2].token`); None when there is none."""
    pending: deque[tuple[str, Any]] = deque([(root, value)])
    while pending:
        path, item = pending.popleft()
        if isinstance(item, Mapping):
            for name, child in item.items():
                if is_key_like_name(name):
                    return f"{path}.{name}"
                pending.append((f"{path}.{name}", child))
        elif isinstance(item, (list, tuple)):
            pending.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return None


def check_size(size: Any, spec: ModelSpec, model: str) -> None:
    """A size the model takes: one of its named sizes, or "W*H" within the pixel range."""
    hint = size_hint(spec)
    if isinstance(size, str) and size.strip() in NAMED_SIZES:
        if size.strip() not in spec.named_sizes:
            raise ValidationError(
                "size", hint, size, f'size "{size}" is not taken by {model}, which takes {hint}.'
            )
        return
    try:
        width, height = parse_size(size)
    except ValidationError:
        raise ValidationError(
            "size", hint, size, f"size for {model} must be {hint}; got {describe_value(size)}."
        ) from None
    if not MIN_OUTPUT_PIXELS <= width * height <= MAX_OUTPUT_PIXELS:
        raise ValidationError("size", pixel_range_text(), size)


def validate_request(request: EditRequest) -> None:
    """Raises ValidationError for the first parameter outside its limits (and nothing else,
    whatever the fields hold)."""
    if not isinstance(request.model, str) or not request.model.strip():
        raise ValidationError("model", "a model name", request.model)
    _check_text("model", request.model, MODEL_NAME_MAX_CHARS)
    spec = model_spec(request.model)
    _check_text("prompt", request.prompt, PROMPT_MAX_CHARS, required=True)
    if request.negative_prompt is not None:
        _check_text("negative_prompt", request.negative_prompt, NEGATIVE_PROMPT_MAX_CHARS)
    _check_int("n", request.n, spec.min_n, spec.max_n, f" for {request.model}")
    check_size(request.size, spec, request.model)
    if request.seed is not None:
        _check_int("seed", request.seed, 0, SEED_MAX)
    if not isinstance(request.images, (list, tuple)):
        raise ValidationError("images", "a list of images", request.images)
    check_image_count(request.model, len(request.images))
    for name, value in (("watermark", request.watermark), ("prompt_extend", request.prompt_extend)):
        if not isinstance(value, bool):
            raise ValidationError(name, "true or false", value)
    _check_choice("response_format", request.response_format, RESPONSE_FORMATS)
    _check_choice("encoding", request.encoding, ENCODINGS)
    _check_wire_format(request.wire_format, request.encoding)
    for name in ("extra", "bbox_list"):  # first: what follows reads them deeply
        check_depth(name, getattr(request, name))
    _check_extra(request.extra)
    _check_optional_fields(request, spec)
    if request.bbox_list is not None:
        check_bbox_list(request.bbox_list, len(request.images))
    _check_stored_size(request)


def _check_stored_size(request: EditRequest) -> None:
    """The parameters as a run keeps them stay under PARAMS_MAX_BYTES (checked last: the fields
    are then plain values of known shapes)."""
    size = stored_size(request.as_dict())
    if size is None:
        raise ValidationError(
            "parameters",
            "plain JSON",
            "(not storable as JSON)",
            "The parameters cannot be kept as JSON (a number with thousands of digits?); "
            "write ordinary numbers.",
        )
    if size > PARAMS_MAX_BYTES:
        raise ValidationError(
            "parameters",
            f"at most {PARAMS_MAX_BYTES // 1024} KB as JSON",
            f"{size} bytes",
            f"The parameters are {size / 1024:.0f} KB as JSON; {params_size_text()}. "
            "Shorten extra or bbox_list.",
        )


def _check_wire_format(wire_format: Any, encoding: Any) -> None:
    if wire_format is None:
        return
    _check_choice("wire_format", wire_format, WIRE_FORMATS)
    if wire_format == "messages" and encoding == "multipart":
        raise ValidationError(
            "wire_format",
            "flat with multipart",
            wire_format,
            "The messages shape is sent as JSON only: choose the json encoding, or keep the "
            "flat shape for multipart.",
        )


def _check_optional_fields(request: EditRequest, spec: ModelSpec) -> None:
    """Refuses an optional field given to a model that does not take it (bbox_list to qwen)."""
    for name in OPTIONAL_FIELDS:
        value = getattr(request, name, None)
        if value in (None, "", False) or name in spec.optional_fields:
            continue
        takers = [model for model, other in MODELS.items() if name in other.optional_fields]
        raise ValidationError(
            name,
            f"not given for {request.model}",
            value,
            f"{name} is not taken by {request.model}"
            + (f"; {' and '.join(takers)} takes it." if takers else "."),
        )


def check_bbox_list(bbox_list: Any, image_count: int) -> None:
    """One list of boxes per input image, in order; each box four integers x1 < x2, y1 < y2, at
    or above zero. (Whether a box lies inside its image is checked once the image is read.)"""
    if not isinstance(bbox_list, list | tuple) or len(bbox_list) != image_count:
        raise ValidationError(
            "bbox_list",
            f"one list of boxes per input image ({image_count})",
            bbox_list,
            f"bbox_list needs one list of [x1, y1, x2, y2] boxes per input image, in order: "
            f"{image_count} list(s) for {image_count} image(s); got {describe_value(bbox_list)}.",
        )
    for image, boxes in enumerate(bbox_list, start=1):
        if not isinstance(boxes, list | tuple):
            raise ValidationError(
                "bbox_list",
                "a list of boxes",
                boxes,
                f"bbox_list: the entry of image {image} must be a list of boxes; "
                f"got {describe_value(boxes)}.",
            )
        if len(boxes) > BOXES_MAX_PER_IMAGE:
            raise ValidationError(
                "bbox_list",
                boxes_cap_text(),
                len(boxes),
                f"bbox_list: image {image} has {len(boxes)} boxes; {boxes_cap_text()} are "
                "taken. Keep the regions that matter most.",
            )
        for number, box in enumerate(boxes, start=1):
            if not is_box(box):
                raise ValidationError(
                    "bbox_list",
                    "[x1, y1, x2, y2] with x1 < x2 and y1 < y2",
                    box,
                    f"bbox_list: box {number} of image {image} must be four whole numbers "
                    f"[x1, y1, x2, y2] with 0 <= x1 < x2 and 0 <= y1 < y2; "
                    f"got {describe_value(box)}.",
                )


def is_box(box: Any) -> bool:
    if not isinstance(box, list | tuple) or len(box) != 4:
        return False
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in box):
        return False
    x1, y1, x2, y2 = box
    return 0 <= x1 < x2 and 0 <= y1 < y2


def image_count_problem(model: str, count: int) -> str | None:
    """The sentence a person reads when `model` cannot take `count` input images, else None."""
    spec: ModelSpec = model_spec(model)
    if spec.min_images <= count <= spec.max_images:
        return None
    name = model or "this model"
    return f"{name} takes {spec.min_images} to {spec.max_images} input images; got {count}."


def check_image_count(model: str, count: int) -> None:
    problem = image_count_problem(model, count)
    if problem:
        spec = model_spec(model)
        limit = f"{spec.min_images} to {spec.max_images} images for {model}"
        raise ValidationError("images", limit, count, problem)


def _check_text(name: str, value: Any, max_chars: int, *, required: bool = False) -> None:
    if not isinstance(value, str):
        raise ValidationError(name, "text", value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            name,
            "valid text",
            value,
            f"The {name} contains a broken character (half of an emoji?) that cannot be sent; "
            "type it again.",
        ) from None
    if required and not value.strip():
        raise ValidationError(name, f"1 to {max_chars} characters", value, f"The {name} is empty.")
    if len(value) > max_chars:
        raise ValidationError(
            name,
            f"at most {max_chars} characters",
            value,
            f"The {name} has {len(value)} characters; the limit is {max_chars}.",
        )


def _check_int(name: str, value: Any, low: int, high: int, context: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(name, f"an integer from {low} to {high}{context}", value)


def _check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValidationError(name, "one of " + ", ".join(choices), value)


def _check_extra(extra: Any) -> None:
    if extra is None:
        return
    if not isinstance(extra, Mapping):
        raise ValidationError(
            "extra", 'an object like {"input": {...}, "parameters": {...}}', extra
        )
    size = _json_size(extra)  # first: what follows walks it, so it must be finite plain JSON
    secret = key_like_path(extra)
    if secret:
        raise ValidationError(
            "extra",
            "free of keys and secrets",
            secret,
            f"extra must not carry keys or secrets (found {secret}); "
            "the API key is set separately.",
        )
    for key, value in extra.items():
        if key not in EXTRA_KEYS:
            raise ValidationError("extra", "only the keys input and parameters", key)
        if not isinstance(value, Mapping):
            raise ValidationError(f"extra.{key}", "an object", value)
    if size > EXTRA_MAX_BYTES:
        kb = EXTRA_MAX_BYTES // 1024
        message = f"extra is {size / 1024:.0f} KB as JSON; the limit is {kb} KB."
        raise ValidationError("extra", f"at most {kb} KB as JSON", size, message)


def _json_size(extra: Mapping[str, Any]) -> int:
    """Bytes of `extra` as the compact JSON that is sent; ValidationError if it is not JSON."""
    try:
        plain = dict(extra)  # as the request body carries it (EditParams.wire_fields)
        text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return len(text.encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        raise ValidationError(
            "extra",
            "plain JSON (objects, lists, text, finite numbers, true, false, null)",
            extra,
            "extra must be plain JSON: objects, lists, text, finite numbers, true, false or null.",
        ) from None
