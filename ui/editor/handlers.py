"""Handlers of the Edit tab and of the `/edit` API endpoint, bound to PageContext and the tab.

The Run button's handler and its validator receive the editor's values as keywords named after
the controls (ui/core/controls.py CONTROL_NAMES, plus `images` and `key`); they turn them into
EditParams, call the runner and turn its outcome into component updates. Problems found before
sending are shown next to their field (page) or raised as gr.Error (API); a failed run shows the
client's message and is kept in the history.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from client import (
    EditParams,
    ImageEditError,
    InvalidImageError,
    UnreadableImageError,
    ValidationError,
    model_spec,
)
from client.models import DEFAULT_SIZE
from client.validation import image_count_problem
from history.lineage import Lineage
from history.rate_limit import Limiter
from ui.core.api_inputs import (
    IMAGES_ARGUMENT,
    IMAGES_DOC,
    PARENT_ARGUMENT,
    PARENT_DOC,
    EditAnswer,
    called_with,
    expose,
    param_arguments,
    param_docs,
    params_from_api,
)
from ui.core.backend import VisitorKey
from ui.core.client_words import error_text, translated
from ui.core.context import PageContext
from ui.core.controls import (
    CUSTOM_CHOICE,
    CUSTOM_SIZE,
    count_range,
    fresh_seed,
    model_limits_text,
    params_from_page,
    prompt_counter,
    refusal_with_remedy,
    selected_model,
    shown_choices,
    size_choices,
)
from ui.core.events import refused
from ui.core.fair_share import FairSlots
from ui.core.gallery import gallery_paths, numbered
from ui.core.jobs import AlreadyRunning, Job, TooManyInFlight
from ui.core.run_words import made_text, problem_text, spooled_warning
from ui.core.runs import RunOutcome
from ui.core.session_usage import session_of
from ui.core.texts import language_of, say, text_in
from ui.core.usage import usage_after_run
from ui.editor.inputs import RemovedInputs, taken_out
from ui.editor.parts import EXAMPLE_HEADERS, EditTab
from ui.editor.slider import aligned_pair

ERROR_FIELDS = {"extra.input": "extra", "extra.parameters": "extra"}
"""Validation errors whose field is a part of a control rather than the control's own name."""


def outcome_markdown(outcome: RunOutcome, language: str = "en") -> str:
    if outcome.error:
        lines = [text_in(language, "run_failed", error=translated(outcome.error, language))]
    else:
        made = made_text(len(outcome.output_paths), outcome.params.n, language)
        seconds, seed = f"{outcome.elapsed_s:.1f}", outcome.params.seed
        lines = [text_in(language, "made", made=made, seconds=seconds, seed=seed)]
    if outcome.stopped:
        lines.insert(0, text_in(language, "stopped_kept"))
    if outcome.request_id and outcome.request_id not in (outcome.error or ""):
        lines.append(text_in(language, "request_id", request_id=outcome.request_id))
    lines += [f"- {translated(note, language)}" for note in outcome.notes]
    if outcome.backend == "simulator":
        lines.append(text_in(language, "simulator_made"))
    return "\n\n".join(lines)


PROGRESS_EVERY_S = 1.0
CHECKED_KEPT = 64
"""How many recent page checks are remembered (a click's three steps reuse one)."""


def running_text(request: Any, job: Job, typical: float | None) -> str:
    usual = say(request, "usually", model=job.model, typical=f"{typical:.0f}") if typical else ""
    return say(request, "running_status", seconds=f"{job.elapsed_s:.0f}", usual=usual)


def progress_text(
    request: Any, job: Job, typical: float | None, slots: FairSlots, limiter: Limiter | None = None
) -> str:
    """The run's status while it goes: waiting for a slot only while it really waits (no
    slot was free), naming the bound and how many slots the visitor's own earlier runs hold
    (a stopped run's request keeps its slot until the service answers), or for its turn under
    the service's rate limit (`limiter`, history/rate_limit.py); else running."""
    if not job.waiting.is_set():
        return running_text(request, job, typical)
    rate_wait = limiter.seconds_left(job.model) if limiter is not None else 0.0
    if limiter is not None and rate_wait > 0:
        limit = limiter.limit.of_model(job.model)
        why = say(request, "rate_limit_is", limit=f"{limit:g}", model=job.model) if limit else ""
        return say(request, "waiting_rate", seconds=f"{max(rate_wait, 1):.0f}", why=why)
    mine = slots.sending(job.owner)
    yours = say(request, "waiting_yours", mine=mine) if mine else ""
    return say(request, "waiting", seconds=f"{job.elapsed_s:.0f}", slots=slots.slots, yours=yours)


def on_prompt_change(prompt: str, request: gr.Request = None) -> str:
    return prompt_counter(prompt, language_of(request))


def selected_result(paths: list[str], event: gr.SelectData) -> int:
    return event.index if isinstance(event.index, int) else 0


def compare_selected(run_inputs: list[str], paths: list[str], index: int) -> Any:
    """The slider for the selected result: the input it was made from, in its frame."""
    if not paths:
        return None
    return aligned_pair(run_inputs or [], paths[min(index, len(paths) - 1)])


@dataclass(frozen=True)
class CheckedPage:
    """The editor's values read once: the inputs, and the parameters or what refused them."""

    images: list[str]
    params: EditParams | None
    error: ImageEditError | None
    lineage: Lineage | None = None
    """The run and result input 1 continues (PictureGate.lineage_of), if any."""


class EditorHandlers:
    """The Edit tab's and the /edit endpoint's handlers, bound to the page's context and to the
    tab's parts: a handler that sets several parts returns `{part: value}`, so no handler
    depends on the order of a list of outputs. `banner` is the page's backend banner (the
    visitor's key changes it)."""

    def __init__(
        self,
        ctx: PageContext,
        tab: EditTab,
        banner: gr.Markdown | None = None,
        answer: EditAnswer | None = None,
    ) -> None:
        self.ctx = ctx
        self.tab = tab
        self.banner = banner
        self.answer = answer
        """The `/edit` endpoint's own outputs (ui/core/api_inputs.py)."""
        self._checked: OrderedDict[str, CheckedPage] = OrderedDict()
        self._checked_lock = threading.Lock()

    # -- small control handlers ----------------------------------------------------------------

    def on_model_change(
        self, choice: str, custom_name: str, size: str, request: gr.Request = None
    ) -> dict:
        """The controls that follow the model: the custom name box, n's range (its note; the
        number typed stays as it is: one the model does not take is refused at Run, in words,
        not changed behind the person's back), the size list (the model's named sizes first; a
        size it does not take goes back to the default), the limits."""
        model = selected_model(choice, custom_name)
        choices = size_choices(model)
        c = self.tab.controls
        return {
            c["custom_model"]: gr.update(visible=choice == CUSTOM_CHOICE),
            c["n"]: gr.update(info=count_range(model)),
            c["size"]: gr.update(
                choices=shown_choices(choices), value=size if size in choices else DEFAULT_SIZE
            ),
            self.tab.input_notes: model_limits_text(model, language_of(request)),
        }

    def page_words(
        self, model: str, custom_name: str, prompt: str, request: gr.Request = None
    ) -> dict:
        """On load: the notes the page was built with, in the visitor's language."""
        language = language_of(request)
        words = {
            self.tab.input_notes: model_limits_text(selected_model(model, custom_name), language),
            self.tab.prompt_count: prompt_counter(prompt, language),
        }
        if self.tab.examples is not None:
            headers = [text_in(language, key) for key in EXAMPLE_HEADERS]
            words[self.tab.examples.dataset] = gr.Dataset(headers=headers)
        return words

    def page_words_outputs(self) -> set:
        """Every part page_words sets."""
        examples = self.tab.examples
        return {self.tab.input_notes, self.tab.prompt_count} | (
            {examples.dataset} if examples is not None else set()
        )

    def on_size_change(self, choice: str) -> dict:
        custom = choice == CUSTOM_SIZE
        c = self.tab.controls
        return {c["width"]: gr.update(visible=custom), c["height"]: gr.update(visible=custom)}

    def reuse_seed(self, used_seed: str | None, request: gr.Request = None) -> dict:
        if not used_seed:
            return refused(say(request, "reuse_seed_first"))
        c = self.tab.controls
        return {
            c["seed"]: gr.update(value=str(used_seed)),
            c["randomize_seed"]: gr.update(value=False),
        }

    def new_seed(self) -> dict:
        """🎲: a fresh random seed in the field, kept (the next run uses it, and shows it)."""
        c = self.tab.controls
        return {c["seed"]: str(fresh_seed()), c["randomize_seed"]: False}

    def set_visitor_key(self, typed: str, app_banner: str, request: gr.Request = None) -> dict:
        """Keeps a pasted key in the session's server state and clears the field at once; the
        banner then says the visitor's runs use their key (`app_banner`: the app's own
        banner)."""
        typed = (typed or "").strip()
        if not typed:
            return self._key_outputs(None, say(request, "key_app"), say(request, app_banner))
        return self._key_outputs(
            VisitorKey(typed),
            say(request, "key_set"),
            say(request, "banner_key"),
        )

    def forget_visitor_key(self, app_banner: str, request: gr.Request = None) -> dict:
        status = say(request, "key_forgotten")
        outputs = self._key_outputs(None, status, say(request, app_banner))
        del outputs[self.tab.key_box]
        return outputs

    def _key_outputs(self, key: VisitorKey | None, status: str, banner: str) -> dict:
        outputs = {self.tab.key_state: key, self.tab.key_box: "", self.tab.key_status: status}
        if self.banner is not None:
            outputs[self.banner] = banner
        return outputs

    def key_outputs(self) -> set:
        """Every part the key's two buttons may set."""
        return set(self._key_outputs(None, "", ""))

    def on_images_change(
        self, images: Any, model: str, custom_model: str, request: gr.Request = None
    ) -> str:
        """Prepares the inputs as soon as they change (the run reuses the prepared bytes), so a
        bad file or a change made to fit the model is named before any run."""
        name, language = selected_model(model, custom_model), language_of(request)
        try:
            paths = self.ctx.input_files(images, request)
        except InvalidImageError as error:
            return "\n\n".join(
                [model_limits_text(name, language), f"⚠ {error_text(error, request)}"]
            )
        messages = []
        problem = image_count_problem(name, len(paths)) if paths else None
        if problem:
            messages.append(f"⚠ {translated(problem, language)}")
        spec = model_spec(name)
        for position, path in enumerate(paths, start=1):
            try:
                note = self.ctx.runner.prepare_one(path, spec, position).note
            except InvalidImageError as error:
                messages.append(f"⚠ {error_text(error, request)}")
            else:
                if note:
                    messages.append(f"ℹ {translated(note, language)}")
        return "\n\n".join([model_limits_text(name, language), *messages])

    def on_inputs_change(
        self,
        images: Any,
        model: str,
        custom_model: str,
        removed: RemovedInputs | None = None,
        request: gr.Request = None,
    ) -> dict:
        """The inputs' notes (on_images_change), after taking out at once every file that is not
        an image at all or is damaged (an empty tile otherwise, refused only at Run); the notes
        name such files until the inputs change again (`removed`, the last taking out)."""
        unreadable = self._unreadable(images, selected_model(model, custom_model), request)
        outputs: dict = {}
        if unreadable:
            removed = taken_out(images, unreadable, language_of(request))
            images = outputs[self.tab.images] = numbered(list(removed.kept))
        elif removed is not None and not removed.still_shown(images):
            removed = None
        notes = self.on_images_change(images, model, custom_model, request)
        if removed is not None:
            notes += f"\n\n⚠ {removed.message}"
        return {**outputs, self.tab.input_notes: notes, self.tab.removed_inputs: removed}

    def _unreadable(self, images: Any, model: str, request: Any) -> list[int]:
        """The 1-based positions of the inputs that are no image at all or are damaged."""
        try:
            files = self.ctx.input_files(images, request)
        except InvalidImageError:  # a run's picture that is gone: the notes say so
            return []
        spec = model_spec(model)
        positions = []
        for position, path in enumerate(files, start=1):
            try:
                self.ctx.runner.prepare_one(path, spec, position)
            except UnreadableImageError:
                positions.append(position)
            except InvalidImageError:
                continue  # a file too large or too small for the model: named, not taken out
        return positions

    # -- Run: its check, its two steps, Stop ---------------------------------------------------

    def checked(self, values: dict[str, Any], request: Any = None) -> CheckedPage:
        """The page's values parsed and checked once: Run's first step, its validator and the
        run itself get the same values, so the later two reuse the first's reading (the check
        depends on the values and the sender alone: a run's pictures among the inputs are read
        through the gate for that sender; the inputs are files Gradio never rewrites)."""
        owner = self.ctx.owner(request)
        fingerprint = json.dumps(
            {name: value for name, value in values.items() if name != "key"} | {"": owner.id},
            sort_keys=True,
            default=repr,
        )
        with self._checked_lock:
            if fingerprint in self._checked:
                self._checked.move_to_end(fingerprint)
                return self._checked[fingerprint]
        try:
            images = self.ctx.input_files(values["images"], request)
        except InvalidImageError as error:
            return CheckedPage([], None, error)
        try:
            params = params_from_page(values, images)
            self.ctx.runner.check(params, images)
        except (ValidationError, InvalidImageError) as error:
            page = CheckedPage(images, None, error)
        else:
            lineage = self.ctx.gate.lineage_of(gallery_paths(values["images"]), owner)
            page = CheckedPage(images, params, None, lineage)
        with self._checked_lock:
            self._checked[fingerprint] = page
            while len(self._checked) > CHECKED_KEPT:
                self._checked.popitem(last=False)
        return page

    def field_problem(self, values: dict[str, Any], request: Any = None) -> tuple[str, str] | None:
        """(control name, message) for the first value the service would refuse, else None."""
        error = self.checked(values, request).error
        if isinstance(error, InvalidImageError):
            return "images", error_text(error, request)
        if error is None:
            return None
        field = ERROR_FIELDS.get(error.field, error.field)
        if field == "model" and values.get("model") == CUSTOM_CHOICE:
            field = "custom_model"  # the name is typed there
        if field == "size" and values.get("size") == CUSTOM_SIZE:
            field = "width"  # the sides are typed there, with the range beside them
        return field, refusal_with_remedy(error, values, request)

    def validate_page(self, request: gr.Request = None, **values: Any) -> list[dict]:
        """Gradio validator: one gr.validate per input, the failing control carrying the
        message."""
        problem = self.field_problem(values, request)
        names = list(values)
        failing = problem[0] if problem and problem[0] in names else "prompt"
        return [
            gr.validate(False, problem[1]) if problem and name == failing else gr.validate(True, "")
            for name in names
        ]

    def start_run(self, request: gr.Request = None, **values: Any) -> dict:
        """First step of Run, answered at once: a refusal goes to the status line in words and
        clears the last run's results (the field gets its message from the validator); a
        valid run shows Run busy and Stop."""
        problem = self.field_problem(values, request)
        if problem:
            return {self.tab.status: say(request, "not_run", problem=problem[1]), **self._cleared()}
        return self._started(request)

    def _started(self, request: Any = None) -> dict:
        tab = self.tab
        return {
            tab.status: say(request, "starting"),
            tab.run: gr.update(value=say(request, "running"), interactive=False),
            tab.stop: gr.update(visible=True),
            **self._cleared(),
        }

    def _cleared(self) -> dict:
        """The last run's results, emptied."""
        tab = self.tab
        return {
            tab.results: [],
            tab.compare: None,
            tab.used_seed: "",
            tab.revised_prompt: "",
            tab.metadata: None,
        }

    def start_outputs(self) -> set:
        """Every part Run's first step may set."""
        return set(self._started())

    def run_from_page(self, request: gr.Request, key: Any = None, **values: Any) -> Iterator:
        """The Run button: runs the edit in a job of its own (a reload or Stop never loses it),
        shows the seconds going by and the model's usual time (or that it waits for a slot),
        then the results. Stop ends it here at once and leaves the page to Stop's own answer
        and to the next run: the stopped request finishes in the background and is recorded."""
        page = self.checked(values, request)
        if page.params is None:
            problem = refusal_with_remedy(page.error, values, request)
            yield self._finished(say(request, "not_run", problem=problem), request)
            return
        params, images = page.params, page.images
        owner = self.ctx.owner(request)
        session = session_of(request, owner.id)
        visitor_key = key if isinstance(key, VisitorKey) else None
        job = Job(owner.id, session, params.prompt, params.model)
        runner = self.ctx.runner
        try:
            self.ctx.jobs.start(
                job,
                lambda stopped: self.ctx.session_usage.counted(
                    session,
                    runner.run(
                        params,
                        images,
                        owner,
                        visitor_key,
                        stopped,
                        waiting=job.waiting,
                        lineage=page.lineage,
                    ),
                ),
                most=self.ctx.config.max_runs_per_visitor,
            )
        except AlreadyRunning as busy:
            yield self._busy(busy.running, request)
            return
        except TooManyInFlight as bound:
            problem = say(request, "too_many_in_flight", **bound.values)
            yield self._finished(say(request, "not_run", problem=problem), request)
            return
        typical = self.ctx.store.typical_seconds(params.model)
        while not job.wait(PROGRESS_EVERY_S):  # Stop ends the wait at once, freeing the event
            yield {
                self.tab.status: progress_text(
                    request, job, typical, runner.sending, runner.limiter
                )
            }
        if job.stopped.is_set():  # the page may already show the next run: leave it be
            yield gr.skip()
            return
        try:
            outcome = job.result()
        except ImageEditError as error:  # refused before sending: nothing was billed
            yield self._finished(
                say(request, "not_run", problem=problem_text(error, request)), request
            )
            return
        yield self._outcome_outputs(outcome, images, request)

    def _busy(self, running: Job, request: Any) -> Any:
        """A second Run while the session's job goes: a second click on the same Run changes
        nothing (the first run's page stands); Run during a comparison says to wait."""
        if running.kind == "run":
            return gr.skip()
        return self._finished(say(request, "not_run", problem=say(request, "busy")), request)

    def _finished(self, status: str, request: Any = None) -> dict:
        """Outputs of a run that ends without results: the status, Run ready again. It sets
        every part a run sets (run_outputs)."""
        tab = self.tab
        return {
            **self._cleared(),
            tab.status: status,
            tab.result_paths: [],
            tab.run_inputs: [],
            tab.selected: 0,
            **self.ready_buttons(request),
        }

    def run_outputs(self) -> set:
        """Every part the run may set."""
        return set(self._finished(""))

    def ready_buttons(self, request: Any = None) -> dict:
        """Run ready again and Stop hidden (fresh updates each time: Gradio consumes them)."""
        return {
            self.tab.run: gr.update(value=say(request, "run"), interactive=True),
            self.tab.stop: gr.update(visible=False),
        }

    def _outcome_outputs(self, outcome: RunOutcome, images: list[str], request: Any) -> dict:
        tab = self.tab
        outputs = self.ctx.gate.results(outcome)
        return {
            tab.results: outputs,
            tab.status: outcome_markdown(outcome, language_of(request))
            + (spooled_warning(outcome, request) or usage_after_run(self.ctx, outcome, request)),
            tab.compare: aligned_pair(images, outputs[0]) if outputs else None,
            tab.used_seed: "" if outcome.params.seed is None else str(outcome.params.seed),
            tab.revised_prompt: outcome.revised_prompt or "",
            tab.metadata: outcome.metadata,
            tab.result_paths: outputs,
            tab.run_inputs: images,
            tab.selected: 0,
            **self.ready_buttons(request),
        }

    def stop_run(self, request: gr.Request) -> dict:
        """Stop: the run is marked stopped (what the service answers is still kept, in
        History) and the page is ready for the next run at once."""
        self.ctx.jobs.stop(session_of(request, self.ctx.owner(request).id))
        return {self.tab.status: say(request, "stopped"), **self.ready_buttons(request)}

    # -- the /edit endpoint --------------------------------------------------------------------

    def _run(
        self,
        params: EditParams,
        images: list[str],
        request: gr.Request,
        key: Any,
        lineage: Lineage | None = None,
    ):
        owner = self.ctx.owner(request)
        visitor_key = key if isinstance(key, VisitorKey) else None
        try:
            with self.ctx.jobs.admit(owner.id, 1, self.ctx.config.max_runs_per_visitor):
                outcome = self.ctx.runner.run(params, images, owner, visitor_key, lineage=lineage)
        except TooManyInFlight as bound:
            raise gr.Error(say(request, "too_many_in_flight", **bound.values)) from None
        except ImageEditError as error:  # refused before sending: nothing was billed
            raise gr.Error(problem_text(error, request)) from None
        return self.ctx.session_usage.counted(session_of(request, owner.id), outcome)

    def edit(self, *args: Any, **kwargs: Any) -> dict:
        arguments, request = called_with(EditorHandlers.edit, self, args, kwargs)
        try:
            paths = self.ctx.input_files(arguments.pop("images"), request)
            lineage = self._lineage(arguments.pop("parent", ""), paths, request)
            chosen = params_from_api(arguments)
        except (ValidationError, ValueError, TypeError) as error:
            raise gr.Error(str(error)) from None
        paths = paths or self._parent_input(lineage, request)
        outcome = self._run(chosen, paths, request, None, lineage)
        if outcome.error:
            raise gr.Error(outcome.error)
        answer = self.answer  # set whenever /edit is wired (wire_editor)
        return {
            answer.images: self.ctx.gate.results(outcome),
            answer.summary: outcome_markdown(outcome, language_of(request))
            + (spooled_warning(outcome, request) or usage_after_run(self.ctx, outcome, request)),
            answer.metadata: outcome.metadata,
            answer.run_id: outcome.run_id or "",
        }

    def _lineage(self, parent: Any, paths: list[str], request: Any) -> Lineage | None:
        """The run `/edit` continues (`parent`), checked to be the caller's: UnknownParent
        (a ValidationError) otherwise."""
        if not parent or not str(parent).strip():
            return None
        lineage = Lineage.parse(str(parent))
        self.ctx.runner.parent_result(self.ctx.owner(request), lineage)
        return lineage

    def _parent_input(self, lineage: Lineage | None, request: Any) -> list[str]:
        """With no images, the parent's result is the only input."""
        if lineage is None:
            return []
        found = self.ctx.runner.parent_result(self.ctx.owner(request), lineage)
        return [str(found)] if found else []


expose(
    EditorHandlers.edit,
    [IMAGES_ARGUMENT, *param_arguments(), PARENT_ARGUMENT],
    f"""Edit an image, or fuse several images into one, with an image-editing model.

    Args:
        images: {IMAGES_DOC}.
{param_docs()}
{PARENT_DOC}

    Returns:
        The result images, a summary (seed used, time, request id, notes), the raw metadata
        and the run's id in History (for /history_share, /history_open).
    """,
)
