"""Validation of a request: every limit is read from the one table in models.py.

A violation raises ValidationError naming the field, the limit and the value, before any image is
decoded or any byte is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .models import (
    ENCODINGS,
    EXTRA_KEYS,
    MAX_OUTPUT_PIXELS,
    MIN_OUTPUT_PIXELS,
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
    """Raises ValidationError for the first parameter outside its limits."""
    spec = model_spec(request.model)
    if not isinstance(request.model, str) or not request.model.strip():
        raise ValidationError("model", "a model name", request.model)
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
    for key, value in extra.items():
        if key not in EXTRA_KEYS:
            raise ValidationError("extra", "only the keys input and parameters", key)
        if not isinstance(value, Mapping):
            raise ValidationError(f"extra.{key}", "an object", value)
