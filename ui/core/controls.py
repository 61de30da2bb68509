"""The editor's rules as plain functions: sizes, limits per model, `extra`, restoring a run.

The page and the API endpoint both go through these, and tests call them directly. Every limit
comes from client/models.py.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PIL import Image

from client import PARAM_NAMES, EditParams, InvalidImageError, ValidationError
from client.json_values import check_depth, parse_json_param
from client.limit_texts import size_range_text
from client.models import (
    DEFAULT_SIZE,
    MAX_OUTPUT_PIXELS,
    MAX_OUTPUT_SQUARE,
    MIN_OUTPUT_PIXELS,
    MIN_OUTPUT_SQUARE,
    MODELS,
    NAMED_SIZES,
    PROMPT_MAX_CHARS,
    SEED_MAX,
    SIZE_PRESETS,
    WIRE_FORMATS,
    model_spec,
)
from ui.core.client_words import error_text
from ui.core.config import UPLOAD_MAX_BYTES
from ui.core.texts import label, language_of, say, text_in

CUSTOM_CHOICE = "Custom model name…"
MATCH_INPUT = "Match the last input's aspect"
CUSTOM_SIZE = "Custom width × height"
SIZE_CHOICES = (*SIZE_PRESETS, MATCH_INPUT, CUSTOM_SIZE)
CHOICE_WORDS = {
    CUSTOM_CHOICE: "custom_model_choice",
    MATCH_INPUT: "match_input_choice",
    CUSTOM_SIZE: "custom_size_choice",
}
"""The dropdowns' entries that are words, not names or sizes, by the key of their shown name."""
SIZE_STEP = 16
MATCH_TARGET_PIXELS = 1024 * 1024


HELPER_CONTROLS = ("custom_model", "width", "height", "randomize_seed")
"""Controls that complete a parameter's own control: the custom model's name, a custom size's
sides, and whether the seed is drawn at random."""
CONTROL_NAMES = (*PARAM_NAMES, *HELPER_CONTROLS)
"""Every control of the editor by name: one per parameter (named after it), then the helpers."""


def selected_model(choice: str, custom_name: str | None) -> str:
    """The model the editor's controls select; "" for a custom model not named yet (whose
    limits are then the general ones)."""
    return (custom_name or "").strip() if choice == CUSTOM_CHOICE else choice


def resolve_model(choice: str, custom_name: str | None) -> str:
    name = selected_model(choice, custom_name)
    if not name:
        raise ValidationError("model", "a model name", "", text_in("en", "client_custom_name"))
    return name


def model_limits_text(model: str, language: str = "en") -> str:
    """What the model takes, as the inputs' note says it; what the app does about it."""
    spec = model_spec(model)
    name = model if model in MODELS else text_in(language, "custom_model_limits")
    return text_in(
        language,
        "limits",
        name=name,
        min_images=spec.min_images,
        max_images=spec.max_images,
        max_n=spec.max_n,
        upload=UPLOAD_MAX_BYTES // 1_000_000,
        max_side=spec.max_side,
        max_mb=spec.max_image_bytes // (1024 * 1024),
    )


def check_upload_size(path: str, position: int) -> None:
    """Raises InvalidImageError for an input file over the editor's size limit, or gone: its
    served copy goes when a run with the same picture is deleted from History."""
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise InvalidImageError(text_in("en", "upload_gone"), position) from None
    if size > UPLOAD_MAX_BYTES:
        limit = UPLOAD_MAX_BYTES // 1_000_000
        reason = text_in("en", "upload_too_large", size=f"{size / 1_000_000:.0f}", limit=limit)
        raise InvalidImageError(reason, position)


def prompt_counter(prompt: str | None, language: str = "en") -> str:
    count = len(prompt or "")
    mark = text_in(language, "over_limit") if count > PROMPT_MAX_CHARS else ""
    return text_in(language, "prompt_counter", count=count, limit=PROMPT_MAX_CHARS, mark=mark)


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
        sides = whole_number(width), whole_number(height)
        if None in sides or min(sides) <= 0:
            raise ValidationError(
                "size",
                "a width and a height",
                f"{width} × {height}",
                f"Enter a width and a height in pixels: {size_range_text('×')}, e.g. 1280 and 720.",
            )
        return "{}*{}".format(*sides)
    return choice


def whole_number(value: Any) -> int | None:
    """A number field's value (or a text field's) as the whole number it is; None for an empty
    field, a fraction or no number at all. Nothing is rounded: 2.5 is refused, never sent as 2."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def read_count(n: Any) -> int:
    """The number of results the editor asks for, exactly as typed; the model's range is the
    validation's to check (so the refusal follows the selected model). Empty or a fraction is
    refused: an empty field is not sent as 1, nor 2.5 as 2."""
    count = whole_number(n)
    if count is None:
        raise ValidationError("n", "a whole number", n)
    return count


def count_range(model: str) -> str:
    """ "1–4": how many results `model` makes at once, as the n field's note shows it."""
    spec = model_spec(model)
    return f"{spec.min_n}–{spec.max_n}"


def read_seed(seed: str | float | None, randomize: bool) -> int | None:
    """The seed the editor asks for (the field's text); None means one is drawn when the run
    starts: "Randomize seed" ticked, or the field left empty."""
    text = "" if seed is None else str(seed).strip()
    if randomize or not text:
        return None
    value = whole_number(text)
    if value is None:
        raise ValidationError(
            "seed",
            f"a whole number from 0 to {SEED_MAX}",
            text,
            f"The seed must be a whole number from 0 to {SEED_MAX}, or empty for a random one.",
        )
    return value


JSON_SHAPES = {
    "extra": (dict, 'an object like {"parameters": {...}}'),
    "bbox_list": (list, "a list with one list of [x1, y1, x2, y2] boxes per input image"),
}
"""The parameters written as JSON text (client.params JSON_TEXT), and the shape each must have."""


def parse_json_text(name: str, text: Any) -> Any:
    """A JSON-text parameter (`extra`, `bbox_list`) as its value; None when empty."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        check_depth(name, text)  # already structured (an API caller sent JSON, not text)
        return text
    value = parse_json_param(name, text)
    kind, expected = JSON_SHAPES[name]
    if not isinstance(value, kind):
        raise ValidationError(name, expected, value)
    return value


def json_text(value: Any) -> str:
    """A JSON-text parameter as its editor shows it; "" when not given."""
    return json.dumps(value, indent=2, ensure_ascii=False) if value else ""


def size_choices(model: str) -> list[str]:
    """The size dropdown's entries for `model`: its named sizes ("1K", "2K") first."""
    return [*model_spec(model).named_sizes, *SIZE_CHOICES]


def shown_choices(choices: Sequence[str]) -> list[Any]:
    """A dropdown's choices with its word entries shown in the page's language (the value the
    handlers receive stays the entry itself)."""
    return [(label(CHOICE_WORDS[c]), c) if c in CHOICE_WORDS else c for c in choices]


def size_controls(size: str) -> tuple[str, int | None, int | None]:
    """(size choice, width, height) that show `size` in the editor's controls."""
    if size in SIZE_PRESETS or size in NAMED_SIZES:
        return size, None, None
    width, _, height = size.partition("*")
    return CUSTOM_SIZE, int(width), int(height)


PAGE_READERS: dict[str, Callable[[Mapping[str, Any], list[str]], Any]] = {
    "model": lambda values, _images: resolve_model(values["model"], values["custom_model"]),
    "prompt": lambda values, _images: values["prompt"] or "",
    "n": lambda values, _images: read_count(values["n"]),
    "size": lambda values, images: resolve_size(
        values["size"], values["width"], values["height"], images
    ),
    "seed": lambda values, _images: read_seed(values["seed"], values["randomize_seed"]),
    "negative_prompt": lambda values, _images: values["negative_prompt"] or None,
    "extra": lambda values, _images: parse_json_text("extra", values["extra"]),
    "bbox_list": lambda values, _images: parse_json_text("bbox_list", values["bbox_list"]),
}
"""How a parameter is read from controls whose value is not the parameter itself; any other
parameter is its control's value as it is."""


def params_from_page(values: Mapping[str, Any], images: list[str]) -> EditParams:
    """EditParams from the editor's controls (by name); raises ValidationError for a bad one.
    A random seed stays None here: the run draws it, once."""
    return EditParams(
        **{
            name: PAGE_READERS[name](values, images) if name in PAGE_READERS else values[name]
            for name in PARAM_NAMES
        }
    )


def page_values(params: EditParams) -> dict[str, Any]:
    """The value of every editor control (CONTROL_NAMES) that shows `params`: a restore."""
    size_choice, width, height = size_controls(params.size)
    listed = params.model in MODELS
    values = params.as_dict()
    values.update(
        model=params.model if listed else CUSTOM_CHOICE,
        custom_model="" if listed else params.model,
        size=size_choice,
        width=width,
        height=height,
        randomize_seed=params.seed is None,
        seed="" if params.seed is None else str(params.seed),
        negative_prompt=params.negative_prompt or "",
        extra=json_text(params.extra),
        bbox_list=json_text(params.bbox_list),
        wire_format=params.wire_format or WIRE_FORMATS[0],
    )
    return {name: values[name] for name in CONTROL_NAMES}


def takes_boxes(model: str, custom_model: str) -> bool:
    return "bbox_list" in model_spec(selected_model(model, custom_model)).optional_fields


def fresh_seed() -> int:
    """A new seed for the editor's 🎲 and History's Run again with a new seed: any the model
    takes, each equally likely."""
    return secrets.randbelow(SEED_MAX + 1)


FIELD_CONTROLS = {"bbox_list": "region_panel"}
"""Wire fields the page shows under another name: the text key of the control the person sees.
The API and CLI say the field's own name; the page says the control's (page_words)."""


def page_words(message: str, language: str) -> str:
    """A refusal as the page says it: each wire field of FIELD_CONTROLS named by its control."""
    for field, key in FIELD_CONTROLS.items():
        message = re.sub(rf"`?\b{field}\b`?", f"**{text_in(language, key)}**", message)
    return message


def refusal_with_remedy(error: Exception, values: dict[str, Any], request: Any = None) -> str:
    """The validation's message in the page's words (page_words); when it refuses boxes to a
    model that takes none, it also says how to give that model the boxes anyway (the panel's
    Mark button). A number the person typed is refused in the page's language
    (number_refusal)."""
    language = language_of(request)
    typed = number_refusal(error, values, language)
    if typed:
        return typed
    problem = page_words(error_text(error, request), language)
    if getattr(error, "field", None) == "bbox_list" and not takes_boxes(
        values.get("model") or "", values.get("custom_model") or ""
    ):
        return say(request, "boxes_refused", problem=problem)
    return problem


def number_refusal(error: Exception, values: Mapping[str, Any], language: str) -> str | None:
    """The refusal of a number typed into the editor (n, the seed, a custom size's sides) in the
    page's language: what the selected model takes and what the field holds, so the person
    sees why nothing was sent. None for any other refusal (the validation's own words)."""
    field = getattr(error, "field", None)
    if field == "n":
        model = selected_model(values.get("model") or "", values.get("custom_model"))
        spec = model_spec(model)
        typed = shown(values.get("n"), language)
        return text_in(
            language, "n_refused", low=spec.min_n, high=spec.max_n, model=model, value=typed
        )
    if field == "seed":
        return text_in(language, "seed_refused", top=SEED_MAX, value=shown(error.value, language))
    if field == "size" and values.get("size") == CUSTOM_SIZE:
        return text_in(
            language,
            "size_refused",
            low=MIN_OUTPUT_SQUARE,
            high=MAX_OUTPUT_SQUARE,
            width=shown(values.get("width"), language),
            height=shown(values.get("height"), language),
        )
    return None


def shown(value: Any, language: str) -> str:
    """A field's value as the person typed it: 6, 2.5, or "empty"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return text_in(language, "empty_value")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
