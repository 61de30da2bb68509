"""Handlers of the Edit tab and of the `/edit` API endpoint: plain functions over PageContext.

The Run button's handler and its validator receive the editor's values as keywords named after
the controls (ui/core/controls.py CONTROL_NAMES, plus `images` and `key`); they turn them into
EditParams, call the runner and turn its outcome into component updates. Problems found before
sending are shown next to their field (page) or raised as gr.Error (API); a failed run shows the
client's message and is kept in the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from client import EditParams, ImageEditError, InvalidImageError, ValidationError, model_spec
from client.limit_texts import image_counts_text
from client.models import DEFAULT_SIZE
from client.validation import image_count_problem
from ui.core.api_inputs import (
    IMAGES_ARGUMENT,
    called_with,
    expose,
    param_arguments,
    param_docs,
    params_from_api,
)
from ui.core.backend import VisitorKey
from ui.core.context import PageContext
from ui.core.controls import (
    CUSTOM_CHOICE,
    CUSTOM_SIZE,
    model_limits_text,
    params_from_page,
    prompt_counter,
    refusal_with_remedy,
    selected_model,
    size_choices,
)
from ui.core.events import refused
from ui.core.gallery import gallery_paths
from ui.core.jobs import AlreadyRunning, Job
from ui.core.runs import RunOutcome
from ui.core.session_usage import session_of
from ui.core.texts import language_of, say
from ui.core.usage import usage_after_run
from ui.editor.slider import aligned_pair

ERROR_FIELDS = {"extra.input": "extra", "extra.parameters": "extra"}
"""Validation errors whose field is a part of a control rather than the control's own name."""


def outcome_markdown(outcome: RunOutcome) -> str:
    if outcome.error:
        lines = [f"**Run failed.** {outcome.error}"]
    else:
        got, seed = len(outcome.output_paths), outcome.params.seed
        lines = [
            f"**{got} of {outcome.params.n} images** in {outcome.elapsed_s:.1f} s · seed `{seed}`"
        ]
    if outcome.stopped:
        lines.insert(0, "**Stopped.** The service had the request already; its answer is kept.")
    if outcome.request_id and outcome.request_id not in (outcome.error or ""):
        lines.append(f"Request id: `{outcome.request_id}`")
    lines += [f"- {note}" for note in outcome.notes]
    if outcome.backend == "simulator":
        lines.append("_Made by the offline simulator, not the model._")
    return "\n\n".join(lines)


PROGRESS_EVERY_S = 1.0


def ready_buttons(request: Any = None) -> tuple:
    """Run ready again and Stop hidden (fresh updates each time: Gradio consumes them)."""
    run = say(request, "run")
    return gr.update(value=run, interactive=True), gr.update(visible=False)


def running_text(request: Any, job: Job, typical: float | None) -> str:
    usual = say(request, "usually", model=job.model, typical=f"{typical:.0f}") if typical else ""
    return say(request, "running_status", seconds=f"{job.elapsed_s:.0f}", usual=usual)


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


def reuse_seed(used_seed: str | None) -> tuple:
    if not used_seed:
        return refused("Run an edit first: its seed can then be reused.")
    return gr.update(value=str(used_seed)), gr.update(value=False)


def selected_result(paths: list[str], event: gr.SelectData) -> int:
    return event.index if isinstance(event.index, int) else 0


def compare_selected(run_inputs: list[str], paths: list[str], index: int) -> Any:
    """The slider for the selected result: the input it was made from, in its frame."""
    if not paths:
        return None
    return aligned_pair(run_inputs or [], paths[min(index, len(paths) - 1)])


def set_visitor_key(typed: str, app_banner: str, request: gr.Request = None) -> tuple:
    """Keeps a pasted key in the session's server state and clears the field at once; the
    banner then says the visitor's runs use their key (`app_banner`: the app's own banner)."""
    typed = (typed or "").strip()
    if not typed:
        return None, "", "Using the app's backend.", say(request, app_banner)
    return (
        VisitorKey(typed), "", "Your key is set for this session (kept on the server only).",
        say(request, "banner_key"),
    )  # fmt: skip


def forget_visitor_key(app_banner: str, request: gr.Request = None) -> tuple:
    return None, "Key forgotten; using the app's backend.", say(request, app_banner)


class EditorHandlers:
    """The Edit tab's and the /edit endpoint's handlers, bound to the page's context."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def on_images_change(
        self, images: Any, model: str, custom_model: str, request: gr.Request = None
    ) -> str:
        """Prepares the inputs as soon as they change (the run reuses the prepared bytes), so a
        bad file or a change made to fit the model is named before any run."""
        name = selected_model(model, custom_model)
        paths = gallery_paths(images)
        messages = []
        problem = image_count_problem(name, len(paths)) if paths else None
        if problem:
            messages.append(f"⚠ {problem}")
        spec = model_spec(name)
        for position, path in enumerate(paths, start=1):
            try:
                note = self.ctx.runner.prepare_one(path, spec, position).note
            except InvalidImageError as error:
                messages.append(f"⚠ {error}")
            else:
                if note:
                    messages.append(f"ℹ {note}")
        return "\n\n".join([model_limits_text(name, language_of(request)), *messages])

    def field_problem(self, values: dict[str, Any], request: Any = None) -> tuple[str, str] | None:
        """(control name, message) for the first value the service would refuse, else None."""
        images = gallery_paths(values["images"])
        try:
            self.ctx.runner.check(params_from_page(values, images), images)
        except ValidationError as error:
            field = ERROR_FIELDS.get(error.field, error.field)
            if field == "model" and values.get("model") == CUSTOM_CHOICE:
                field = "custom_model"  # the name is typed there
            if field == "size" and values.get("size") == CUSTOM_SIZE:
                field = "width"  # the sides are typed there, with the range beside them
            return field, refusal_with_remedy(error, values, request)
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

    def start_run(self, request: gr.Request = None, **values: Any) -> tuple:
        """First step of Run, answered at once: a refusal goes to the status line in words and
        clears the last run's results (the field gets its message from the validator); a
        valid run shows Run busy and Stop. Outputs: status, run, stop, results, compare,
        used seed, revised prompt, metadata."""
        problem = self.field_problem(values, request)
        cleared = ([], None, "", "", None)
        if problem:
            refused = say(request, "not_run", problem=problem[1])
            return (refused, gr.update(), gr.update(), *cleared)
        return (
            say(request, "waiting"),
            gr.update(value=say(request, "running"), interactive=False),
            gr.update(visible=True), *cleared,
        )  # fmt: skip

    def run_from_page(self, request: gr.Request, key: Any = None, **values: Any) -> Iterator:
        """The Run button: runs the edit in a job of its own (a reload or Stop never loses it),
        shows the seconds going by and the model's usual time, then the results."""
        images = gallery_paths(values["images"])
        try:
            params = params_from_page(values, images)
        except ValidationError as error:
            yield self._finished(say(request, "not_run", problem=error), request)
            return
        owner = self.ctx.owner(request)
        session = session_of(request, owner.id)
        visitor_key = key if isinstance(key, VisitorKey) else None
        try:
            job = self.ctx.jobs.start(
                Job(owner.id, session, params.prompt, params.model),
                lambda stopped: self.ctx.session_usage.counted(
                    session, self.ctx.runner.run(params, images, owner, visitor_key, stopped)
                ),
            )
        except AlreadyRunning as busy:
            yield self._busy(busy.running, request)
            return
        typical = self.ctx.store.typical_seconds(params.model)
        while not job.done.wait(PROGRESS_EVERY_S):
            if job.stopped.is_set():
                yield self._finished(say(request, "stopped"), request)
                return
            yield (gr.skip(), running_text(request, job, typical), *[gr.skip()] * 9)
        try:
            outcome = job.result()
        except ImageEditError as error:  # refused before sending: nothing was billed
            yield self._finished(say(request, "not_run", problem=error), request)
            return
        yield self._outcome_outputs(outcome, images, request)

    def _busy(self, running: Job, request: Any) -> tuple:
        """A second Run while the session's job goes: a second click on the same Run changes
        nothing (the first run's page stands); Run during a comparison says to wait."""
        if running.kind == "run":
            return tuple(gr.skip() for _ in self._finished(""))
        return self._finished(say(request, "not_run", problem=say(request, "busy")), request)

    @staticmethod
    def _finished(status: str, request: Any = None) -> tuple:
        """Outputs of a run that ends without results: the status, Run ready again."""
        return ([], status, None, "", "", None, [], [], 0, *ready_buttons(request))

    def _outcome_outputs(self, outcome: RunOutcome, images: list[str], request: Any) -> tuple:
        outputs = [str(path) for path in outcome.output_paths]
        compare = aligned_pair(images, outputs[0]) if outputs else None
        return (
            outputs, outcome_markdown(outcome) + usage_after_run(self.ctx, outcome, request),
            compare,
            "" if outcome.params.seed is None else str(outcome.params.seed),
            outcome.revised_prompt or "", outcome.metadata, outputs, images, 0,
            *ready_buttons(request),
        )  # fmt: skip

    def stop_run(self, request: gr.Request) -> tuple:
        """Stop: the run is marked stopped (what the service answers is still kept)."""
        self.ctx.jobs.stop(session_of(request, self.ctx.owner(request).id))
        return (say(request, "stopped"), *ready_buttons(request))

    def _run(self, params: EditParams, images: list[str], request: gr.Request, key: Any):
        owner = self.ctx.owner(request)
        visitor_key = key if isinstance(key, VisitorKey) else None
        try:
            outcome = self.ctx.runner.run(params, images, owner, visitor_key)
        except ImageEditError as error:  # refused before sending: nothing was billed
            raise gr.Error(str(error)) from None
        return self.ctx.session_usage.counted(session_of(request, owner.id), outcome)

    def edit(self, *args: Any, **kwargs: Any) -> tuple:
        arguments, request = called_with(EditorHandlers.edit, self, args, kwargs)
        paths = gallery_paths(arguments.pop("images"))
        try:
            chosen = params_from_api(arguments)
        except (ValidationError, ValueError, TypeError) as error:
            raise gr.Error(str(error)) from None
        outcome = self._run(chosen, paths, request, None)
        if outcome.error:
            raise gr.Error(outcome.error)
        return (
            [str(p) for p in outcome.output_paths],
            outcome_markdown(outcome) + usage_after_run(self.ctx, outcome, request),
            outcome.metadata,
        )




expose(
    EditorHandlers.edit,
    [IMAGES_ARGUMENT, *param_arguments()],
    f"""Edit an image, or fuse several images into one, with an image-editing model.

    Args:
        images: the input images ({image_counts_text()}); for
            qwen the last image sets the output's aspect.
{param_docs()}

    Returns:
        The result images, a summary (seed used, time, request id, notes) and the raw metadata.
    """,
)
