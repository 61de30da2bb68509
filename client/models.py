"""The one table of what each model accepts.

Client validation, the UI's controls and the simulator all read these limits from here, and every
text stating one is rendered from them (client/limit_texts.py), so a limit changes in one place
and a model with its own limits is one entry in MODELS. Sources: the gateway's seed document and
Alibaba's model pages (see shared/API-NOTES.md). A model name not in the table is allowed and gets
`CUSTOM_MODEL`, the seed's general limits.
"""

from __future__ import annotations

from dataclasses import dataclass

PROMPT_MAX_CHARS = 800
NEGATIVE_PROMPT_MAX_CHARS = 500
MODEL_NAME_MAX_CHARS = 100
"""A custom model name longer than this is a mistake (a pasted prompt, say), not a model."""
EXTRA_MAX_BYTES = 64 * 1024
"""`extra` as compact JSON; upstream parameters are a few small values, never a payload."""
BOXES_MAX_PER_IMAGE = 20
"""Region boxes (`bbox_list`) per input image. The API documents no number; a person marks a
few regions, and a cap keeps one request (and its stored run) from carrying a million."""
PARAMS_MAX_BYTES = 128 * 1024
"""An edit's parameters as history stores them (compact JSON), and the text of any JSON-text
parameter (`extra`, `bbox_list`) before it is parsed: no run row grows past this."""
JSON_MAX_DEPTH = 20
"""How deeply `extra` and `bbox_list` may nest (bbox_list needs 3): deeper is no parameter, and
would fail Python's JSON reader and writer with a RecursionError."""
SEED_MAX = 2_147_483_647
MIN_OUTPUT_SQUARE = 512
MAX_OUTPUT_SQUARE = 2048
"""An output's W*H lies between MIN_OUTPUT_SQUARE² and MAX_OUTPUT_SQUARE² pixels in total (so
512*512 to 2048*2048): the sides of the smallest and the largest square output."""
MIN_OUTPUT_PIXELS = MIN_OUTPUT_SQUARE * MIN_OUTPUT_SQUARE
MAX_OUTPUT_PIXELS = MAX_OUTPUT_SQUARE * MAX_OUTPUT_SQUARE
REQUEST_BODY_MAX_BYTES = 32 * 1024 * 1024
"""The gateway refuses bodies over about 32 MB with a 413."""

RESPONSE_FORMATS = ("b64_json", "url")
ENCODINGS = ("json", "multipart")
WIRE_FORMATS = ("flat", "messages")
"""The two documented request shapes: the seed's flat one (`image` and `prompt` at the top level)
and the newer pages' `input.messages` one (JSON only); see client/encoding.py."""
EXTRA_KEYS = ("input", "parameters")

NAMED_SIZES = {"1K": 1024 * 1024, "2K": 2048 * 2048}
"""Size presets some models take besides "W*H": about this many pixels, in the input's aspect."""
OPTIONAL_FIELDS = ("seed", "negative_prompt", "watermark", "prompt_extend", "bbox_list")
"""Request fields a model may or may not take (ModelSpec.optional_fields says which)."""

SIZE_PRESETS = (
    "1024*1024",
    "1280*720",
    "720*1280",
    "1152*864",
    "864*1152",
    "1536*1024",
    "1024*1536",
    f"{MAX_OUTPUT_SQUARE}*{MAX_OUTPUT_SQUARE}",
    f"{MIN_OUTPUT_SQUARE}*{MIN_OUTPUT_SQUARE}",
)
"""The page's size choices; the last two are the largest and the smallest square outputs."""
DEFAULT_SIZE = "1024*1024"


@dataclass(frozen=True)
class ModelSpec:
    """What one model accepts; `max_aspect` is the long side over the short side."""

    name: str
    label: str
    max_n: int
    max_images: int
    min_side: int
    max_side: int
    max_image_bytes: int
    max_aspect: float | None
    input_formats: tuple[str, ...]
    min_images: int = 1
    min_n: int = 1
    named_sizes: tuple[str, ...] = ()
    """Keys of NAMED_SIZES this model takes as `size`, besides "W*H"."""
    optional_fields: frozenset[str] = frozenset(OPTIONAL_FIELDS)
    """The OPTIONAL_FIELDS this model takes; a request giving another one is refused."""

    @property
    def input_limits(self) -> tuple:
        """What decides how an input is prepared: models with equal limits share prepared bytes."""
        return (
            self.min_side,
            self.max_side,
            self.max_image_bytes,
            self.max_aspect,
            self.input_formats,
        )


MB = 1024 * 1024

MODELS: dict[str, ModelSpec] = {
    "qwen-image-2.0-pro": ModelSpec(
        name="qwen-image-2.0-pro",
        label="Qwen Image 2.0 Pro",
        max_n=6,
        max_images=3,
        min_side=384,
        max_side=3072,
        max_image_bytes=10 * MB,
        max_aspect=None,
        input_formats=("JPEG", "PNG", "BMP", "TIFF", "WEBP", "GIF"),
        optional_fields=frozenset(OPTIONAL_FIELDS) - {"bbox_list"},
    ),
    "wan2.7-image-pro": ModelSpec(
        name="wan2.7-image-pro",
        label="Wan 2.7 Image Pro",
        max_n=4,
        max_images=9,
        min_side=240,
        max_side=8000,
        max_image_bytes=20 * MB,
        max_aspect=8.0,
        input_formats=("JPEG", "PNG", "BMP", "WEBP"),
        named_sizes=("1K", "2K"),
    ),
}

DEFAULT_MODEL = "qwen-image-2.0-pro"

CUSTOM_MODEL = ModelSpec(
    name="custom",
    label="Custom model name",
    max_n=6,
    max_images=9,
    min_side=240,
    max_side=3072,
    max_image_bytes=10 * MB,
    max_aspect=8.0,
    input_formats=("JPEG", "PNG", "BMP", "WEBP"),
    named_sizes=tuple(NAMED_SIZES),
)
"""Limits for a model name outside the whitelist: the seed's n of 1..6, and input limits every
listed model accepts (the smaller side and byte caps, so a prepared image fits them all). Its
fields and sizes are not known, so none is refused."""


def model_spec(model: str) -> ModelSpec:
    """The limits of `model`, or the general ones for a custom model name."""
    return MODELS.get(model, CUSTOM_MODEL)
