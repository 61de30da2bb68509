"""The model table's facts as text: the output size range and what each model takes.

Every parameter doc, validation message, simulator refusal and page note that states a limit gets
its words here, rendered from client/models.py, so no number is written twice. MODELS is read at
each call: a model added to the table appears in the next text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .models import (
    BOXES_MAX_PER_IMAGE,
    JSON_MAX_DEPTH,
    MAX_OUTPUT_SQUARE,
    MB,
    MIN_OUTPUT_SQUARE,
    MODELS,
    PARAMS_MAX_BYTES,
    ModelSpec,
)


def pixel_range_text(times: str = "*") -> str:
    """ "between 512*512 and 2048*2048 pixels in total"; the page writes `times` as "×"."""
    low, high = MIN_OUTPUT_SQUARE, MAX_OUTPUT_SQUARE
    return f"between {low}{times}{low} and {high}{times}{high} pixels in total"


def size_range_text(times: str = "*") -> str:
    """ "W*H between 512*512 and 2048*2048 pixels in total": which "W*H" sizes any model takes."""
    return f"W{times}H {pixel_range_text(times)}"


def size_hint(spec: ModelSpec) -> str:
    """How `spec`'s model writes `size`: '"1K", "2K" or "W*H", W*H between ... in total'."""
    return f"{either(quoted([*spec.named_sizes, 'W*H']))}, {size_range_text()}"


def named_sizes_text() -> str:
    """Which models take which named sizes: '"1K" or "2K" for wan2.7-image-pro'; "" if none."""
    return ", ".join(
        f"{either(quoted(spec.named_sizes))} for {name}"
        for name, spec in MODELS.items()
        if spec.named_sizes
    )


def sizes_text() -> str:
    """Every size the table's models take, for a parameter's doc: '"W*H", W*H between ... in
    total; also "1K" or "2K" for wan2.7-image-pro'."""
    named = named_sizes_text()
    return f'"W*H", {size_range_text()}' + (f"; also {named}" if named else "")


def image_counts_text() -> str:
    """How many input images each model takes: "1-3 for qwen-image-2.0-pro, 1-9 for ..."."""
    return per_model(lambda spec: span(spec.min_images, spec.max_images))


def n_ranges_text() -> str:
    """How many results each model makes at once: "1-6 for qwen-image-2.0-pro, 1-4 for ..."."""
    return per_model(lambda spec: span(spec.min_n, spec.max_n))


def model_names_text() -> str:
    """The table's models, quoted: '"qwen-image-2.0-pro" or "wan2.7-image-pro"'."""
    return either(quoted(MODELS))


def models_text() -> str:
    """The table's models as prose: "qwen-image-2.0-pro and wan2.7-image-pro"."""
    return either(list(MODELS), "and")


def models_taking_text(field: str) -> str:
    """The models that take the optional `field`: "wan2.7-image-pro" for bbox_list."""
    return either([name for name, spec in MODELS.items() if field in spec.optional_fields])


def boxes_cap_text() -> str:
    """ "at most 20 boxes per input image": the cap on `bbox_list`."""
    return f"at most {BOXES_MAX_PER_IMAGE} boxes per input image"


def params_size_text() -> str:
    """ "the limit is 128 KB": how large a JSON-text parameter, and a run's parameters, may be."""
    return f"the limit is {PARAMS_MAX_BYTES // 1024} KB"


def json_depth_text() -> str:
    """How deeply `extra` and `bbox_list` may nest, as a refusal says it."""
    return f"at most {JSON_MAX_DEPTH} levels of nested lists and objects are taken"


def megabytes(size_bytes: int) -> str:
    """A byte cap of the table in its own unit: "32 MB" (MB being 1024 * 1024 bytes)."""
    return f"{size_bytes / MB:g} MB"


def per_model(describe: Callable[[ModelSpec], str]) -> str:
    """ "<what> for <model>" for each model of the table, in its order, comma-separated."""
    return ", ".join(f"{describe(spec)} for {name}" for name, spec in MODELS.items())


def span(low: int, high: int) -> str:
    """ "1-3", or "1" when both ends are one number."""
    return str(low) if low == high else f"{low}-{high}"


def quoted(names: Iterable[str]) -> list[str]:
    """Each name in double quotes, as the API's JSON writes it."""
    return [f'"{name}"' for name in names]


def either(items: Sequence[str], word: str = "or") -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
