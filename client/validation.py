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
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .models import (
    ENCODINGS,
    EXTRA_KEYS,
    EXTRA_MAX_BYTES,
    MAX_OUTPUT_PIXELS,
    MIN_OUTPUT_PIXELS,
    MODEL_NAME_MAX_CHARS,
    NEGATIVE_PROMPT_MAX_CHARS,
    PROMPT_MAX_CHARS,
    RESPONSE_FORMATS,
    SEED_MAX,
    ModelSpec,
    model_spec,
)

if TYPE_CHECKING:
    from .params import EditRequest

SIZE_PATTERN = re.compile(r"^\s*(\d{1,5})\s*[*xX×]\s*(\d{1,5})\s*$")

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


def parse_size(size: str) -> tuple[int, int]:
    """`"W*H"` (or `WxH`) as two integers; raises ValidationError for anything else."""
    match = SIZE_PATTERN.match(size) if isinstance(size, str) else None
    if not match:
        raise ValidationError("size", 'written "W*H", e.g. "1024*1024"', size)
    return int(match.group(1)), int(match.group(2))


def normalise_size(size: str) -> str:
    width, height = parse_size(size)
    return f"{width}*{height}"


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
    width, height = parse_size(request.size)
    if not MIN_OUTPUT_PIXELS <= width * height <= MAX_OUTPUT_PIXELS:
        raise ValidationError(
            "size",
            "between 512*512 and 2048*2048 pixels in total",
            request.size,
        )
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
    _check_extra(request.extra)


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
