"""Handlers of the Edit tab and of the `/edit` API endpoint: plain functions over PageContext.

They turn component values into EditParams, call the runner, and turn its outcome into component
updates. Problems found before sending are shown next to their field (page) or raised as
gr.Error (API); a failed run shows the client's message and is kept in the history.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from client.errors import ImageEditError, InvalidImageError, ValidationError
from client.images import prepare_image
from client.models import DEFAULT_MODEL, DEFAULT_SIZE, MODELS, model_spec

from .backend import VisitorKey
from .context import PageContext
from .editor import (
    CUSTOM_CHOICE,
    CUSTOM_SIZE,
    EditParams,
    model_limits_text,
    parse_extra,
    prompt_counter,
    resolve_model,
    resolve_seed,
    resolve_size,
)
from .runs import RunOutcome

PAGE_FIELDS = (
    "images", "prompt", "negative_prompt", "model_choice", "custom_model", "n", "size_choice",
    "width", "height", "seed", "randomize_seed", "watermark", "prompt_extend", "response_format",
    "encoding", "extra",
)  # fmt: skip
"""The Edit tab's inputs, in the order the run event receives them (then the key state)."""

FIELD_OF_ERROR = {"size": "size_choice", "model": "model_choice", "extra.input": "extra"}


def gallery_paths(value: Any) -> list[str]:
    """File paths from a Gallery or File value (tuples, dicts, paths)."""
    paths = []
    for item in value or []:
        if isinstance(item, tuple | list):
            item = item[0]
        if isinstance(item, dict):
            item = item.get("path") or (item.get("image") or {}).get("path")
        path = getattr(item, "path", item)
        if path:
            paths.append(str(path))
    return paths


def page_params(values: dict[str, Any]) -> EditParams:
    """EditParams from the Edit tab's values; raises ValidationError for a bad field."""
    images = gallery_paths(values["images"])
    return EditParams(
        model=resolve_model(values["model_choice"], values["custom_model"]),
        prompt=values["prompt"] or "",
        negative_prompt=values["negative_prompt"] or "",
        n=int(values["n"] or 1),
        size=resolve_size(values["size_choice"], values["width"], values["height"], images),
        seed=resolve_seed(values["seed"], values["randomize_seed"]),
        watermark=bool(values["watermark"]),
        prompt_extend=bool(values["prompt_extend"]),
        response_format=values["response_format"],
        encoding=values["encoding"],
        extra=parse_extra(values["extra"]),
    )


def outcome_markdown(outcome: RunOutcome, params: EditParams) -> str:
    if outcome.error:
        lines = [f"**Run failed.** {outcome.error}"]
    else:
        got = len(outcome.output_paths)
        lines = [
            f"**{got} of {params.n} images** in {outcome.elapsed_s:.1f} s · seed `{outcome.seed}`"
        ]
    if outcome.request_id:
        lines.append(f"Request id: `{outcome.request_id}`")
    lines += [f"- {note}" for note in outcome.notes]
    if outcome.backend == "simulator":
        lines.append("_Made by the offline simulator, not the model._")
    return "\n\n".join(lines)


# -- small control handlers --------------------------------------------------------------------


def on_prompt_change(prompt: str) -> str:
    return prompt_counter(prompt)


def on_model_change(choice: str, custom_name: str, n: float) -> tuple:
    model = (custom_name or "custom") if choice == CUSTOM_CHOICE else choice
    spec = model_spec(model if choice != CUSTOM_CHOICE else "")
    return (
        gr.update(visible=choice == CUSTOM_CHOICE),
        gr.update(maximum=spec.max_n, value=min(int(n or 1), spec.max_n)),
        model_limits_text(model if choice != CUSTOM_CHOICE else ""),
    )


def on_size_change(choice: str) -> tuple:
    custom = choice == CUSTOM_SIZE
    return gr.update(visible=custom), gr.update(visible=custom)


def on_images_change(images: Any, choice: str, custom_name: str) -> str:
    """Checks the inputs as soon as they change, so a bad file is named before any run."""
    model = custom_name if choice == CUSTOM_CHOICE else choice
    spec = model_spec(model or "")
    paths = gallery_paths(images)
    messages = []
    if len(paths) > spec.max_images:
        messages.append(
            f"⚠ {len(paths)} images; {model or 'this model'} takes at most {spec.max_images}."
        )
    for position, path in enumerate(paths, start=1):
        try:
            note = prepare_image(path, spec, index=position).note
        except InvalidImageError as error:
            messages.append(f"⚠ {error}")
        else:
            if note:
                messages.append(f"ℹ {note}")
    return "\n\n".join([model_limits_text(model or ""), *messages])


def reuse_seed(used_seed: float | None) -> tuple:
    return gr.update(value=used_seed), gr.update(value=False)


def selected_result(paths: list[str], event: gr.SelectData) -> int:
    return event.index if isinstance(event.index, int) else 0


def compare_selected(images: Any, paths: list[str], index: int) -> Any:
    inputs = gallery_paths(images)
    if not inputs or not paths:
        return None
    return (inputs[0], paths[min(index, len(paths) - 1)])


def use_as_input(paths: list[str], index: int) -> list[str]:
    if not paths:
        raise gr.Error("Run an edit first, then pick a result to use.")
    return [paths[min(index, len(paths) - 1)]]


def add_to_inputs(images: Any, paths: list[str], index: int, choice: str, custom: str) -> list[str]:
    if not paths:
        raise gr.Error("Run an edit first, then pick a result to add.")
    current = gallery_paths(images)
    spec = model_spec(custom if choice == CUSTOM_CHOICE else choice)
    if len(current) >= spec.max_images:
        raise gr.Error(f"The model takes at most {spec.max_images} input images; remove one first.")
    return [*current, paths[min(index, len(paths) - 1)]]


def set_visitor_key(typed: str) -> tuple:
    """Keeps a pasted key in the session's server state and clears the field at once."""
    typed = (typed or "").strip()
    if not typed:
        return None, "", "Using the app's backend."
    return VisitorKey(typed), "", "Your key is set for this session (kept on the server only)."


def forget_visitor_key() -> tuple:
    return None, "Key forgotten; using the app's backend."


MODEL_CHOICES = [*MODELS, CUSTOM_CHOICE]


class EditorHandlers:
    """The Edit tab's and the /edit endpoint's handlers, bound to the page's context."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def field_problem(self, values: dict[str, Any]) -> tuple[str, str] | None:
        """(field, message) for the first value the service would refuse, else None."""
        try:
            params = page_params(values)
            self.ctx.runner.check(params, gallery_paths(values["images"]))
        except ValidationError as error:
            field = error.field.split(".")[0] if error.field.startswith("extra") else error.field
            return FIELD_OF_ERROR.get(field, field), str(error)
        except InvalidImageError as error:
            return "images", str(error)
        return None

    def validate_page(self, *values: Any) -> list[dict]:
        """Gradio validator: one gr.validate per input, the failing field carrying the message."""
        named = dict(zip(PAGE_FIELDS, values, strict=False))
        problem = self.field_problem(named)
        verdicts = [gr.validate(True, "") for _ in values]
        if problem:
            position = PAGE_FIELDS.index(problem[0]) if problem[0] in PAGE_FIELDS else 1
            verdicts[position] = gr.validate(False, problem[1])
        return verdicts

    def run_from_page(
        self,
        images: Any,
        prompt: str,
        negative_prompt: str,
        model_choice: str,
        custom_model: str,
        n: float,
        size_choice: str,
        width: float | None,
        height: float | None,
        seed: float | None,
        randomize_seed: bool,
        watermark: bool,
        prompt_extend: bool,
        response_format: str,
        encoding: str,
        extra: str,
        key: VisitorKey | None,
        request: gr.Request,
    ) -> tuple:
        """The Run button: runs the edit and fills the results area."""
        arguments = locals()
        named = {name: arguments[name] for name in PAGE_FIELDS}
        try:
            params = page_params(named)
        except ValidationError as error:
            raise gr.Error(str(error)) from None
        images = gallery_paths(named["images"])
        outcome = self._run(params, images, request, key)
        if outcome.error:
            gr.Warning(outcome.error)
        first_input = images[0] if images else None
        compare = (first_input, str(outcome.output_paths[0])) if outcome.output_paths else None
        return (
            [str(path) for path in outcome.output_paths],
            outcome_markdown(outcome, params),
            compare,
            outcome.seed,
            outcome.revised_prompt or "",
            outcome.metadata,
            [str(path) for path in outcome.output_paths],
            0,
        )

    def _run(
        self, params: EditParams, images: list[str], request: gr.Request, key: Any
    ) -> RunOutcome:
        owner = self.ctx.owner(request)
        try:
            return self.ctx.runner.run(
                params, images, owner, key if isinstance(key, VisitorKey) else None
            )
        except (ValidationError, InvalidImageError) as error:
            raise gr.Error(str(error)) from None
        except ImageEditError as error:  # failures after sending are outcomes; this is a bug guard
            raise gr.Error(str(error)) from None

    def edit(
        self,
        images: list[str],
        prompt: str,
        model: str = DEFAULT_MODEL,
        n: int = 1,
        size: str = DEFAULT_SIZE,
        seed: int | None = None,
        negative_prompt: str = "",
        watermark: bool = False,
        prompt_extend: bool = True,
        response_format: str = "b64_json",
        request: gr.Request = None,
    ) -> tuple[list[str], str, dict]:
        """Edit an image, or fuse several images into one, with an image-editing model.

        Args:
            images: the input images (1-3 for qwen-image-2.0-pro, 1-9 for wan2.7-image-pro); for
                qwen the last image sets the output's aspect.
            prompt: what to change, in English or Chinese (1-800 characters).
            model: "qwen-image-2.0-pro" or "wan2.7-image-pro" (or another model the API serves).
            n: how many results to make (qwen 1-6, wan 1-4).
            size: output size as "W*H", between 512*512 and 2048*2048 pixels in total.
            seed: 0-2147483647 for repeatable results; empty for a random seed.
            negative_prompt: what to avoid (up to 500 characters).
            watermark: add the provider's watermark.
            prompt_extend: let the service rewrite the prompt (returned as the revised prompt).
            response_format: "b64_json" or "url" (URLs are downloaded at once either way).

        Returns:
            The result images, a summary (seed used, time, request id, notes) and the raw metadata.
        """
        paths = gallery_paths(images)
        try:
            params = EditParams(
                model=model or DEFAULT_MODEL,
                prompt=prompt or "",
                negative_prompt=negative_prompt or "",
                n=int(n),
                size=size or DEFAULT_SIZE,
                seed=resolve_seed(seed, seed is None),
                watermark=bool(watermark),
                prompt_extend=bool(prompt_extend),
                response_format=response_format or "b64_json",
            )
        except (ValidationError, InvalidImageError, ValueError, TypeError) as error:
            raise gr.Error(str(error)) from None
        outcome = self._run(params, paths, request, None)
        if outcome.error:
            raise gr.Error(outcome.error)
        return (
            [str(p) for p in outcome.output_paths],
            outcome_markdown(outcome, params),
            outcome.metadata,
        )
