"""Handlers of the Edit tab and of the `/edit` API endpoint: plain functions over PageContext.

The Run button's handler and its validator receive the editor's values as keywords named after
the controls (ui/editor.py CONTROL_NAMES, plus `images` and `key`); they turn them into
EditParams, call the runner and turn its outcome into component updates. Problems found before
sending are shown next to their field (page) or raised as gr.Error (API); a failed run shows the
client's message and is kept in the history.
"""

from __future__ import annotations

import inspect
from typing import Any

import gradio as gr

from client import EditParams, ImageEditError, InvalidImageError, ValidationError, model_spec
from client.models import DEFAULT_SIZE
from client.params import DOC, JSON_TEXT, PARAM_FIELDS, default_of
from client.validation import image_count_problem

from .backend import VisitorKey
from .context import PageContext
from .editor import (
    CUSTOM_CHOICE,
    CUSTOM_SIZE,
    model_limits_text,
    params_from_page,
    parse_json_text,
    prompt_counter,
    selected_model,
    size_choices,
)
from .runs import RunOutcome

ERROR_FIELDS = {"extra.input": "extra", "extra.parameters": "extra"}
"""Validation errors whose field is a part of a control rather than the control's own name."""


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


def outcome_markdown(outcome: RunOutcome) -> str:
    if outcome.error:
        lines = [f"**Run failed.** {outcome.error}"]
    else:
        got, seed = len(outcome.output_paths), outcome.params.seed
        lines = [
            f"**{got} of {outcome.params.n} images** in {outcome.elapsed_s:.1f} s · seed `{seed}`"
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


def on_model_change(choice: str, custom_name: str, n: float, size: str) -> tuple:
    """The controls that follow the model: the custom name box, n's range, the size list (the
    model's named sizes first; a size it does not take goes back to the default), the limits."""
    model = selected_model(choice, custom_name)
    spec = model_spec(model)
    choices = size_choices(model)
    return (
        gr.update(visible=choice == CUSTOM_CHOICE),
        gr.update(maximum=spec.max_n, value=min(int(n or 1), spec.max_n)),
        gr.update(choices=choices, value=size if size in choices else DEFAULT_SIZE),
        model_limits_text(model),
    )


def on_size_change(choice: str) -> tuple:
    custom = choice == CUSTOM_SIZE
    return gr.update(visible=custom), gr.update(visible=custom)


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
    model = selected_model(choice, custom)
    problem = image_count_problem(model, len(current) + 1)
    if problem:
        raise gr.Error(f"{problem} Remove one first.")
    return [*current, paths[min(index, len(paths) - 1)]]


def set_visitor_key(typed: str) -> tuple:
    """Keeps a pasted key in the session's server state and clears the field at once."""
    typed = (typed or "").strip()
    if not typed:
        return None, "", "Using the app's backend."
    return VisitorKey(typed), "", "Your key is set for this session (kept on the server only)."


def forget_visitor_key() -> tuple:
    return None, "Key forgotten; using the app's backend."


class EditorHandlers:
    """The Edit tab's and the /edit endpoint's handlers, bound to the page's context."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def on_images_change(self, images: Any, model: str, custom_model: str) -> str:
        """Prepares the inputs as soon as they change (the run reuses the prepared bytes), so a
        bad file or a change made to fit the model is named before any run."""
        name = selected_model(model, custom_model)
        paths = gallery_paths(images)
        messages = []
        problem = image_count_problem(name, len(paths)) if paths else None
        if problem:
            messages.append(f"⚠ {problem}")
        for position, path in enumerate(paths, start=1):
            try:
                note = self.ctx.runner.preparation.prepare(
                    path, model_spec(name), index=position
                ).note
            except InvalidImageError as error:
                messages.append(f"⚠ {error}")
            else:
                if note:
                    messages.append(f"ℹ {note}")
        return "\n\n".join([model_limits_text(name), *messages])

    def field_problem(self, values: dict[str, Any]) -> tuple[str, str] | None:
        """(control name, message) for the first value the service would refuse, else None."""
        images = gallery_paths(values["images"])
        try:
            self.ctx.runner.check(params_from_page(values, images), images)
        except ValidationError as error:
            field = ERROR_FIELDS.get(error.field, error.field)
            if field == "model" and values.get("model") == CUSTOM_CHOICE:
                field = "custom_model"  # the name is typed there
            return field, str(error)
        except InvalidImageError as error:
            return "images", str(error)
        return None

    def validate_page(self, **values: Any) -> list[dict]:
        """Gradio validator: one gr.validate per input, the failing control carrying the message."""
        problem = self.field_problem(values)
        names = list(values)
        failing = problem[0] if problem and problem[0] in names else "prompt"
        return [
            gr.validate(False, problem[1]) if problem and name == failing else gr.validate(True, "")
            for name in names
        ]

    def run_from_page(self, request: gr.Request, key: Any = None, **values: Any) -> tuple:
        """The Run button: runs the edit and fills the results area."""
        images = gallery_paths(values["images"])
        try:
            params = params_from_page(values, images)
        except ValidationError as error:
            raise gr.Error(str(error)) from None
        outcome = self._run(params, images, request, key)
        if outcome.error:
            gr.Warning(outcome.error)
        outputs = [str(path) for path in outcome.output_paths]
        compare = (images[0], outputs[0]) if outputs and images else None
        return (
            outputs,
            outcome_markdown(outcome),
            compare,
            outcome.params.seed,
            outcome.revised_prompt or "",
            outcome.metadata,
            outputs,
            0,
        )

    def _run(self, params: EditParams, images: list[str], request: gr.Request, key: Any):
        owner = self.ctx.owner(request)
        visitor_key = key if isinstance(key, VisitorKey) else None
        try:
            return self.ctx.runner.run(params, images, owner, visitor_key)
        except ImageEditError as error:  # refused before sending: nothing was billed
            raise gr.Error(str(error)) from None

    def edit(self, *args: Any, **kwargs: Any) -> tuple:
        # Gradio calls this by the signature derived below (positionally or by keyword)
        arguments = self.edit.__signature__.bind(self, *args, **kwargs).arguments
        paths = gallery_paths(arguments.pop("images"))
        request = arguments.pop("request", None)
        arguments.pop("self")
        try:
            chosen = EditParams(
                **{name: api_value(name, value) for name, value in arguments.items()}
            )
        except (ValidationError, ValueError, TypeError) as error:
            raise gr.Error(str(error)) from None
        outcome = self._run(chosen, paths, request, None)
        if outcome.error:
            raise gr.Error(outcome.error)
        return (
            [str(p) for p in outcome.output_paths],
            outcome_markdown(outcome),
            outcome.metadata,
        )


def api_value(name: str, value: Any) -> Any:
    """An /edit argument as the parameter takes it: empty text means the default, `extra` is
    JSON text, a whole number may arrive as a float (2.0). Nothing else is coerced: 2.5, true,
    NaN or "abc" go to the validation as they are, and it says what is wrong."""
    if FIELDS_BY_NAME[name].metadata.get(JSON_TEXT):
        return parse_json_text(name, value)
    if value is None or value == "":
        return None if name == "seed" else default_of(FIELDS_BY_NAME[name])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


FIELDS_BY_NAME = {spec.name: spec for spec in PARAM_FIELDS}


def _api_signature() -> tuple[inspect.Signature, str]:
    """The /edit endpoint's signature and docstring, derived from EditParams: the API and the
    MCP tool show one argument per parameter, named and documented by the definition."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("self", keyword),
        inspect.Parameter("images", keyword, annotation=list[str]),
    ]
    for spec in PARAM_FIELDS:
        default = inspect.Parameter.empty if spec.name == "prompt" else default_of(spec)
        parameters.append(inspect.Parameter(spec.name, keyword, default=default))
    parameters.append(inspect.Parameter("request", keyword, default=None, annotation=gr.Request))
    args = "\n".join(f"        {spec.name}: {spec.metadata[DOC]}." for spec in PARAM_FIELDS)
    doc = f"""Edit an image, or fuse several images into one, with an image-editing model.

    Args:
        images: the input images (1-3 for qwen-image-2.0-pro, 1-9 for wan2.7-image-pro); for
            qwen the last image sets the output's aspect.
{args}

    Returns:
        The result images, a summary (seed used, time, request id, notes) and the raw metadata.
    """
    return inspect.Signature(parameters), doc


EditorHandlers.edit.__signature__, EditorHandlers.edit.__doc__ = _api_signature()
EditorHandlers.edit.__annotations__ = {  # Gradio finds the request by its annotation
    name: parameter.annotation
    for name, parameter in EditorHandlers.edit.__signature__.parameters.items()
    if parameter.annotation is not inspect.Parameter.empty
}
