"""The editor's rules as plain functions: sizes, limits per model, `extra`, restoring a run.

The page and the API endpoint both go through these, and tests call them directly. Every limit
comes from client/models.py.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from PIL import Image

from client.errors import ValidationError
from client.models import (
    DEFAULT_MODEL,
    DEFAULT_SIZE,
    MAX_OUTPUT_PIXELS,
    MIN_OUTPUT_PIXELS,
    MODELS,
    PROMPT_MAX_CHARS,
    SEED_MAX,
    SIZE_PRESETS,
    model_spec,
)

CUSTOM_CHOICE = "Custom model name…"
MATCH_INPUT = "Match the last input's aspect"
CUSTOM_SIZE = "Custom width × height"
SIZE_CHOICES = (*SIZE_PRESETS, MATCH_INPUT, CUSTOM_SIZE)
SIZE_STEP = 16
MATCH_TARGET_PIXELS = 1024 * 1024


@dataclass(frozen=True)
class EditParams:
    """Everything a run needs besides its images; what history stores and restores."""

    model: str = DEFAULT_MODEL
    prompt: str = ""
    negative_prompt: str = ""
    n: int = 1
    size: str = DEFAULT_SIZE
    seed: int | None = None
    watermark: bool = False
    prompt_extend: bool = True
    response_format: str = "b64_json"
    encoding: str = "json"
    extra: dict[str, Any] | None = None

    def history_params(self) -> dict[str, Any]:
        values = asdict(self)
        for name in ("model", "prompt", "negative_prompt"):
            values.pop(name)
        return values


def resolve_model(choice: str, custom_name: str) -> str:
    if choice == CUSTOM_CHOICE:
        name = (custom_name or "").strip()
        if not name:
            raise ValidationError("model", "a model name", "", "Type the custom model's name.")
        return name
    return choice


def model_limits_text(model: str) -> str:
    spec = model_spec(model)
    name = model if model in MODELS else "Custom model"
    return (
        f"{name}: {spec.min_images}–{spec.max_images} input images, "
        f"{spec.min_side}–{spec.max_side} px a side, "
        f"up to {spec.max_image_bytes // (1024 * 1024)} MB each; n up to {spec.max_n}."
    )


def prompt_counter(prompt: str | None) -> str:
    count = len(prompt or "")
    mark = " — over the limit" if count > PROMPT_MAX_CHARS else ""
    return f"{count} / {PROMPT_MAX_CHARS} characters{mark}"


def nearest_size(width: int, height: int) -> str:
    """The valid output size closest to the aspect of `width`×`height`, about a megapixel."""
    aspect = width / height
    out_w = math.sqrt(MATCH_TARGET_PIXELS * aspect)
    out_h = out_w / aspect
    out_w, out_h = _round(out_w), _round(out_h)
    while out_w * out_h > MAX_OUTPUT_PIXELS:
        out_w, out_h = _round(out_w * 0.95), _round(out_h * 0.95)
    while out_w * out_h < MIN_OUTPUT_PIXELS:
        out_w, out_h = _round(out_w * 1.05) + SIZE_STEP, _round(out_h * 1.05) + SIZE_STEP
    return f"{out_w}*{out_h}"


def _round(value: float) -> int:
    return max(SIZE_STEP, round(value / SIZE_STEP) * SIZE_STEP)


def resolve_size(
    choice: str, width: float | None, height: float | None, images: Sequence[str]
) -> str:
    if choice == MATCH_INPUT:
        if not images:
            return DEFAULT_SIZE
        with Image.open(images[-1]) as last:
            return nearest_size(*last.size)
    if choice == CUSTOM_SIZE:
        if not width or not height:
            raise ValidationError("size", "a width and a height", (width, height))
        return f"{int(width)}*{int(height)}"
    return choice


def resolve_seed(seed: float | None, randomize: bool) -> int:
    if randomize or seed is None or seed == "":
        return random.randint(0, SEED_MAX)
    if seed != int(seed):
        raise ValidationError("seed", f"a whole number from 0 to {SEED_MAX}", seed)
    return int(seed)


def parse_extra(text: str | None) -> dict[str, Any] | None:
    """The `extra` field's JSON, checked; None when empty."""
    if not text or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValidationError(
            "extra",
            "valid JSON",
            text,
            f"extra is not valid JSON: {error.msg} (line {error.lineno}).",
        ) from None
    if not isinstance(value, dict):
        raise ValidationError("extra", 'an object like {"parameters": {...}}', value)
    return value


def size_controls(size: str) -> tuple[str, int | None, int | None]:
    """(size choice, width, height) that show `size` in the editor's controls."""
    if size in SIZE_PRESETS:
        return size, None, None
    width, _, height = size.partition("*")
    return CUSTOM_SIZE, int(width), int(height)


def restore_values(
    params: dict[str, Any], model: str, prompt: str, negative_prompt: str | None
) -> dict[str, Any]:
    """Editor control values (by control name) that bring back a stored run, seed included."""
    size_choice, width, height = size_controls(params.get("size", DEFAULT_SIZE))
    extra = params.get("extra")
    return {
        "model_choice": model if model in MODELS else CUSTOM_CHOICE,
        "custom_model": "" if model in MODELS else model,
        "prompt": prompt,
        "negative_prompt": negative_prompt or "",
        "n": params.get("n", 1),
        "size_choice": size_choice,
        "width": width,
        "height": height,
        "seed": params.get("seed"),
        "randomize_seed": False,
        "watermark": params.get("watermark", False),
        "prompt_extend": params.get("prompt_extend", True),
        "response_format": params.get("response_format", "b64_json"),
        "encoding": params.get("encoding", "json"),
        "extra": json.dumps(extra, indent=2) if extra else "",
    }
