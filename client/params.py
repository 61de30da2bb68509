"""The one definition of an edit's parameters: names, types, defaults and what each means.

Everything else is derived from `EditParams`: the request body's fields, the CLI's flags, the
page's controls (ui keeps one control per field name), the `/edit` endpoint's arguments, what the
history stores and what a restore brings back. Adding a parameter means one field here and its
control on the page; a test walks every field through all of them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from typing import Any

from .limit_texts import (
    boxes_cap_text,
    model_names_text,
    models_taking_text,
    n_ranges_text,
    sizes_text,
    span,
)
from .models import (
    DEFAULT_MODEL,
    DEFAULT_SIZE,
    NEGATIVE_PROMPT_MAX_CHARS,
    PROMPT_MAX_CHARS,
    SEED_MAX,
)
from .sizes import normalise_size

DOC = "doc"
"""Field metadata: one line on what the parameter does, shown by the CLI, the API and MCP."""
TRANSPORT_ONLY = "transport_only"
"""Field metadata: chooses how the request travels, so it is not itself a field of the body."""
JSON_TEXT = "json_text"
"""Field metadata: a structured value, written as JSON text on the command line and the API."""


def _param(default: Any, doc: str, **flags: bool) -> Any:
    return field(default=default, metadata={DOC: doc, **flags})


@dataclass(frozen=True)
class EditParams:
    """Everything an edit asks for besides its images."""

    prompt: str = _param(
        "", f"what to change, in English or Chinese ({span(1, PROMPT_MAX_CHARS)} characters)"
    )
    model: str = _param(DEFAULT_MODEL, f"{model_names_text()} (or another model the API serves)")
    n: int = _param(1, f"how many results to make ({n_ranges_text()})")
    size: str = _param(DEFAULT_SIZE, f"output size as {sizes_text()}")
    seed: int | None = _param(
        None, f"{span(0, SEED_MAX)} for repeatable results; empty for a random one"
    )
    negative_prompt: str | None = _param(
        None, f"what to avoid (up to {NEGATIVE_PROMPT_MAX_CHARS} characters)"
    )
    watermark: bool = _param(False, "add the provider's watermark")
    prompt_extend: bool = _param(
        True, "let the service rewrite the prompt (returned as the revised prompt)"
    )
    response_format: str = _param(
        "b64_json", '"b64_json" or "url" (URLs are downloaded at once either way)'
    )
    extra: Mapping[str, Any] | None = _param(
        None,
        'extended upstream parameters as JSON, e.g. {"parameters": {"steps": 30}}',
        json_text=True,
    )
    encoding: str = _param("json", '"json" (the safe default) or "multipart"', transport_only=True)
    wire_format: str | None = _param(
        None,
        '"flat" (the seed\'s shape) or "messages" (input.messages, JSON only); '
        "empty: POWERTOKENS_WIRE_FORMAT, else flat",
        transport_only=True,
    )
    bbox_list: Sequence[Sequence[Sequence[int]]] | None = _param(
        None,
        f"region boxes ({models_taking_text('bbox_list')}): for each input image in order, "
        f"a list of [x1, y1, x2, y2] boxes in that image's own pixels ({boxes_cap_text()})",
        json_text=True,
    )

    def wire_fields(self) -> dict[str, Any]:
        """The request body's fields in the API's own names; empty optional ones are left out."""
        body: dict[str, Any] = {}
        for spec in PARAM_FIELDS:
            value = getattr(self, spec.name)
            if spec.metadata.get(TRANSPORT_ONLY):
                continue
            if value is None or value == "" or value == {}:
                continue  # optional and not given (False and 0 are values, and are sent)
            body[spec.name] = dict(value) if isinstance(value, Mapping) else value
        body["size"] = normalise_size(self.size)
        if self.bbox_list is not None:
            body["bbox_list"] = plain_lists(self.bbox_list)
        return body

    def as_dict(self) -> dict[str, Any]:
        """Every field by name, JSON-ready: what history stores and restores from."""
        values = {name: getattr(self, name) for name in PARAM_NAMES}
        if self.extra is not None:
            values["extra"] = dict(self.extra)
        if self.bbox_list is not None:
            values["bbox_list"] = plain_lists(self.bbox_list)
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> EditParams:
        """The parameters in `values`, defaults for the missing ones; other keys are ignored,
        so a run stored by an older version (fewer fields) restores."""
        return cls(**{name: values[name] for name in PARAM_NAMES if name in values})

    def with_seed(self) -> EditParams:
        """These parameters with a seed fixed: the given one, else one drawn now. A run resolves
        its seed once, so what is sent, shown and stored is the same number."""
        if self.seed is not None:
            return self
        return replace(self, seed=random.randint(0, SEED_MAX))


PARAM_FIELDS: tuple[Field, ...] = fields(EditParams)
PARAM_NAMES: tuple[str, ...] = tuple(spec.name for spec in PARAM_FIELDS)
WIRE_NAMES: tuple[str, ...] = tuple(
    spec.name for spec in PARAM_FIELDS if not spec.metadata.get(TRANSPORT_ONLY)
)


def plain_lists(value: Any) -> Any:
    """Nested sequences (tuples from Python callers) as the JSON lists the wire and history keep."""
    if isinstance(value, list | tuple):
        return [plain_lists(item) for item in value]
    return value


def default_of(spec: Field) -> Any:
    return None if spec.default is MISSING else spec.default


@dataclass(frozen=True)
class EditRequest(EditParams):
    """One call of the edits endpoint: the parameters and the input images (paths, bytes, PIL
    images, https URLs, or images the client prepared before)."""

    images: Sequence[Any] = ()

    @classmethod
    def of(cls, params: EditParams, images: Sequence[Any]) -> EditRequest:
        return cls(**{name: getattr(params, name) for name in PARAM_NAMES}, images=list(images))
