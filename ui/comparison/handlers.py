"""Handlers of a comparison of models × seeds: the Compare button, the `/compare` endpoint, and
History reopening a comparison as its grid.

Every cell is checked before any is sent (one refusal refuses the whole comparison, naming the
model and what it refuses), and the cells are admitted against the visitor's bound
(MAX_RUNS_PER_VISITOR, ui/core/jobs.py) all together or not at all; then they run at once, at
most MAX_CONCURRENT_RUNS at a time (the slots shared fairly with other visitors), each through
the Runner (cells.py), so each is an ordinary run in History, grouped by one comparison id.
On the page a comparison is the session's one job (ui/core/jobs.py): a second click sends
nothing, and Stop keeps the cells not sent yet from being sent. Nothing is retried here; a
failed cell shows its error and the others still show.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import gradio as gr

from client import InvalidImageError, ValidationError
from client.models import MODELS
from client.params import DOC, PARAM_FIELDS
from history import RunDetail, Usage
from ui.comparison.cells import Sender, start_cells
from ui.comparison.parts import CompareAnswer, CompareSection, HistoryComparison
from ui.comparison.plan import (
    MAX_MODELS,
    MAX_SEEDS,
    Cell,
    Plan,
    parse_models,
    parse_seeds,
    plan_comparison,
    refusal_reasons,
    refusal_text,
)
from ui.comparison.view import CellView, grid_html
from ui.core.api_inputs import (
    IMAGES_ARGUMENT,
    KEYWORD,
    called_with,
    expose,
    param_arguments,
    param_docs,
    params_from_api,
)
from ui.core.backend import VisitorKey
from ui.core.budgets import OverBudgetRefused
from ui.core.client_words import translated
from ui.core.context import PageContext
from ui.core.controls import params_from_page
from ui.core.jobs import AlreadyRunning, Job, TooManyInFlight
from ui.core.run_words import problem_text
from ui.core.session_usage import session_of
from ui.core.texts import language_of, say, text_in
from ui.core.usage import plan_text, requested_images, usage_after

OWN_ARGUMENTS = ("model", "seed")
"""EditParams fields a comparison takes as lists instead (`models`, `seeds`)."""
PARAM_DOCS = {spec.name: spec.metadata[DOC] for spec in PARAM_FIELDS}


class CompareHandlers:
    """The comparison's handlers, bound to the page's context and to the parts they update: each
    returns (or yields) its updates as `{component: value}`."""

    def __init__(
        self,
        ctx: PageContext,
        section: CompareSection,
        offer: HistoryComparison,
        answer: CompareAnswer,
    ) -> None:
        self.ctx = ctx
        self.section = section
        self.offer = offer
        self.answer = answer

    # -- planning and running ------------------------------------------------------------------

    def refusals(
        self, plan: Plan, images: list[str], language: str = "en"
    ) -> list[tuple[str, str]]:
        """(model, reason in `language`) for every cell the service would refuse; empty: all
        may be sent."""
        found = []
        for cell in plan.cells:
            try:
                self.ctx.runner.check(cell.params, images)
            except (ValidationError, InvalidImageError) as error:
                found.append((cell.model, translated(str(error), language)))
        return found

    # -- the page --------------------------------------------------------------------------------

    def compare_from_page(
        self,
        request: gr.Request,
        key: Any = None,
        grid_models: Sequence[str] | None = None,
        grid_seeds: str = "",
        **values: Any,
    ) -> Iterator[Any]:
        """The Compare button: the editor's inputs and settings with every model and seed, as
        the session's one job; the grid fills as cells finish. A second click while it goes
        changes nothing; Compare while a Run goes is refused. Updates the status, the grid,
        Compare and Stop."""
        language = language_of(request)
        try:
            images = self.ctx.input_files(values["images"], request)
            plan = plan_from_page(values, images, grid_models, grid_seeds, language)
        except (ValidationError, InvalidImageError) as error:
            yield self._refused(request, translated(str(error), language))
            return
        refusals = self.refusals(plan, images, language)
        if refusals:
            yield self._refused(request, refusal_text(refusals, plan.models, language))
            return
        owner = self.ctx.owner(request)
        try:  # refused whole when its cells' images would pass the budget of the day
            self.ctx.runner.check_budget(owner, plan.images_by_model)
        except OverBudgetRefused as over:
            yield self._refused(request, problem_text(over, request))
            return
        session = session_of(request, owner.id)
        prompt, models = plan.cells[0].params.prompt, ", ".join(plan.models)
        job = Job(owner.id, session, prompt, models, kind="comparison")
        try:
            self.ctx.jobs.claim(job, len(plan.cells), self.ctx.config.max_runs_per_visitor)
        except AlreadyRunning as going:
            if going.running.kind == "comparison":  # its second click: the first's page stands
                yield gr.skip()
            else:
                yield self._refused(request, say(request, "grid_busy"))
            return
        except TooManyInFlight as bound:
            yield self._refused(request, say(request, "too_many_in_flight", **bound.values))
            return
        visitor_key = key if isinstance(key, VisitorKey) else None
        sender = Sender(owner, visitor_key, session, job, language, job.admission)
        finished = start_cells(self.ctx, plan, images, sender)
        yield from self._fill_grid(plan, finished, job.stopped, request)

    def _fill_grid(
        self,
        plan: Plan,
        finished: Iterator[tuple[Cell, CellView]],
        stopped: threading.Event,
        request: gr.Request,
    ) -> Iterator[dict]:
        """The grid as its cells finish, then what they made; Stop shows while they go."""
        section, language = self.section, language_of(request)
        views: dict[tuple[str, int], CellView] = {}
        yield {
            section.status: progress_text(plan, views, stopped, request),
            section.grid: grid_html(plan.models, plan.seeds, views, language),
            section.button: busy(language),
            section.stop: shown(),
        }
        for cell, view in finished:
            views[(cell.model, cell.seed)] = view
            yield {
                section.status: progress_text(plan, views, stopped, request),
                section.grid: grid_html(plan.models, plan.seeds, views, language),
            }
        made = sum(1 for view in views.values() if view.images)
        not_sent = sum(1 for view in views.values() if view.note)
        done = say(request, "grid_done", made=made, total=len(plan.cells))
        if not_sent:
            done += say(request, "grid_not_sent", count=not_sent)
        usage = usage_after(self.ctx, plan_usage(plan, views), request, "this_comparison")
        yield {
            section.status: done + usage,
            section.button: ready(language),
            section.stop: hidden(),
        }

    def _refused(self, request: gr.Request, problem: str) -> dict:
        """A Compare that sends nothing: why, and no grid (the one shown before is not this
        one's)."""
        return {
            self.section.status: say(request, "not_run", problem=problem),
            self.section.grid: "",
        }

    def stop_comparison(self, request: gr.Request) -> dict:
        """Stop: cells not sent yet never are; the ones at the service are kept, marked
        stopped. The grid still fills with what comes."""
        self.ctx.jobs.stop(session_of(request, self.ctx.owner(request).id))
        return {self.section.status: say(request, "grid_stopping"), self.section.stop: hidden()}

    def plan(
        self,
        request: gr.Request = None,
        key: Any = None,
        grid_models: Sequence[str] | None = None,
        grid_seeds: str = "",
        **values: Any,
    ) -> str:
        """Beside Compare, from the inputs Compare takes: what it will make (every model × seed,
        n images each, priced when prices are configured), or what Compare would refuse; a
        hint while the seeds are missing or not seeds."""
        language = language_of(request)
        try:
            images = self.ctx.input_files(values["images"], request)
            plan = plan_from_page(values, images, grid_models, grid_seeds, language)
        except InvalidImageError as error:
            return text_in(language, "grid_plan_refused", problem=translated(str(error), language))
        except ValidationError as error:
            if error.field == "seeds":
                return text_in(language, "grid_seeds_hint")
            return text_in(language, "grid_plan_refused", problem=translated(str(error), language))
        refusals = self.refusals(plan, images, language)
        if refusals:
            problem = refusal_reasons(refusals, plan.models, language)
            return text_in(language, "grid_plan_refused", problem=problem)
        each = requested_images(values.get("n")) * len(plan.seeds)
        counts = {model: each for model in plan.models}
        return plan_text(counts, self.ctx.config.prices, language)

    # -- the /compare endpoint -------------------------------------------------------------------

    def compare(self, *args: Any, **kwargs: Any) -> dict:
        arguments, request = called_with(CompareHandlers.compare, self, args, kwargs)
        try:
            images = self.ctx.input_files(arguments.pop("images"), request)
            models = parse_models(arguments.pop("models"))
            seeds = parse_seeds(arguments.pop("seeds"))
            params = params_from_api(arguments)
        except (ValidationError, ValueError, TypeError) as error:
            raise gr.Error(str(error)) from None
        plan = plan_comparison(params, models, seeds)
        refusals = self.refusals(plan, images)
        if refusals:
            raise gr.Error(refusal_text(refusals, plan.models))
        owner = self.ctx.owner(request)
        try:  # refused whole when its cells' images would pass the budget of the day
            self.ctx.runner.check_budget(owner, plan.images_by_model)
        except OverBudgetRefused as over:
            raise gr.Error(problem_text(over, request)) from None
        most = self.ctx.config.max_runs_per_visitor
        try:
            admission = self.ctx.jobs.admit(owner.id, len(plan.cells), most)
        except TooManyInFlight as bound:
            raise gr.Error(say(request, "too_many_in_flight", **bound.values)) from None
        with admission:
            sender = Sender(owner, None, session_of(request, owner.id), admission=admission)
            views = {
                (cell.model, cell.seed): view
                for cell, view in start_cells(self.ctx, plan, images, sender)
            }
        gallery = [
            (path, cell.caption)
            for cell in plan.cells
            for path in views[(cell.model, cell.seed)].images
        ]
        summary = summary_markdown(plan, views) + usage_after(
            self.ctx, plan_usage(plan, views), request, "this_comparison"
        )
        if not gallery:
            raise gr.Error(summary)
        cells = [views[(cell.model, cell.seed)] for cell in plan.cells]
        run_ids = [view.run_id for view in cells if view.run_id]
        return {
            self.answer.gallery: gallery,
            self.answer.summary: summary,
            self.answer.run_ids: run_ids,
        }

    # -- History ---------------------------------------------------------------------------------

    def _visible_run(self, request: Any, run_id: str | None) -> RunDetail | None:
        if not run_id:
            return None
        owner = self.ctx.visible_to(self.ctx.owner(request))
        return self.ctx.store.get_run(owner, run_id.strip())

    def on_run_opened(self, run_id: str, request: gr.Request) -> dict:
        """An opened run that is a cell of a comparison offers to open it; any other grid
        shown before goes."""
        run = self._visible_run(request, run_id)
        return {
            self.offer.row: gr.update(visible=bool(run and run.comparison)),
            self.offer.grid: gr.update(value="", visible=False),
        }

    def open_comparison(self, run_id: str, request: gr.Request) -> Any:
        """The grid of the comparison the run belongs to: the visitor's own cells only."""
        run = self._visible_run(request, run_id)
        if run is None or not run.comparison:
            raise gr.Error(say(request, "grid_not_a_cell"))
        owner = self.ctx.visible_to(self.ctx.owner(request))
        runs = self.ctx.store.comparison_runs(owner, run.comparison)
        gate = self.ctx.gate
        models, seeds, views = reopened_grid(
            runs, language_of(request), lambda cell: gate.outputs(cell.id, cell.output_paths)
        )
        return gr.update(value=grid_html(models, seeds, views, language_of(request)), visible=True)


def plan_from_page(
    values: Mapping[str, Any],
    images: list[str],
    models: Sequence[str] | None,
    seeds: str,
    language: str = "en",
) -> Plan:
    """The comparison the page asks for: the editor's settings, whatever its own model and seed
    fields hold (the comparison's models and seeds replace them)."""
    chosen_models = parse_models(models, language)
    chosen_seeds = parse_seeds(seeds, language)
    editor = {
        **values,
        "model": chosen_models[0],
        "custom_model": "",
        "seed": "",
        "randomize_seed": True,
    }
    return plan_comparison(params_from_page(editor, images), chosen_models, chosen_seeds)


def reopened_grid(
    runs: Sequence[RunDetail], language: str, pictures: Callable[[RunDetail], list[str]]
) -> tuple[list[str], list[int], dict[tuple[str, int], CellView]]:
    """Rows (the model table's order first), columns (seeds, ascending) and cells of stored
    runs, each cell's results named by `pictures` (the picture gate's names); a cell deleted
    since says so."""
    listed = list(MODELS)
    models = sorted(
        {run.model for run in runs},
        key=lambda name: (listed.index(name) if name in listed else len(listed), name),
    )
    seeds = sorted({run.seed for run in runs if run.seed is not None})
    views = {(run.model, run.seed): CellView(tuple(pictures(run)), run.error) for run in runs}
    gone = CellView(note=text_in(language, "grid_gone"))
    for model in models:
        for seed in seeds:
            views.setdefault((model, seed), gone)
    return models, seeds, views


def plan_usage(plan: Plan, views: Mapping[tuple[str, int], CellView]) -> Usage:
    """What a comparison's cells made, per model, as the usage line counts it."""
    made = Usage()
    for cell in plan.cells:
        made = made.plus(cell.model, len(views[(cell.model, cell.seed)].images))
    return made


def summary_markdown(plan: Plan, views: Mapping[tuple[str, int], CellView]) -> str:
    """What the API says besides the gallery: how many cells made images, and each cell."""
    made = sum(1 for view in views.values() if view.images)
    lines = [f"**{made} of {len(plan.cells)} cells** made (each is a run in History)."]
    for cell in plan.cells:
        view = views[(cell.model, cell.seed)]
        result = f"failed: {view.error}" if view.error else f"{len(view.images)} image(s)"
        result = view.note if view.note and not view.images else result
        lines.append(f"- {cell.caption}: {result}")
    return "\n".join(lines)


def progress_text(
    plan: Plan,
    views: Mapping[tuple[str, int], CellView],
    stopped: threading.Event,
    request: gr.Request,
) -> str:
    if stopped.is_set():
        return say(request, "grid_stopping")
    return say(request, "grid_progress", done=len(views), total=len(plan.cells))


def shown() -> Any:
    return gr.update(visible=True)


def hidden() -> Any:
    return gr.update(visible=False)


def busy(language: str) -> Any:
    """The Compare button while its cells run (fresh each time: Gradio consumes updates)."""
    return gr.update(value=text_in(language, "running"), interactive=False)


def ready(language: str) -> Any:
    return gr.update(value=text_in(language, "grid_button"), interactive=True)


def _compare_arguments() -> list[inspect.Parameter]:
    """images, prompt, models, seeds, then every other parameter of /edit."""
    prompt, *others = param_arguments(skip=OWN_ARGUMENTS)
    models = inspect.Parameter("models", KEYWORD, annotation=str)
    seeds = inspect.Parameter("seeds", KEYWORD, annotation=str)
    return [IMAGES_ARGUMENT, prompt, models, seeds, *others]


expose(
    CompareHandlers.compare,
    _compare_arguments(),
    f"""Compare models × seeds: run the edit with every model and every seed at once (each a
    run in History, grouped under one comparison).

    Args:
        images: the input images, as for /edit.
        prompt: {PARAM_DOCS["prompt"]}.
        models: comma-separated model names, e.g. "{",".join(MODELS)}" (up to {MAX_MODELS}).
        seeds: comma-separated whole numbers, e.g. "1,2" (up to {MAX_SEEDS}).
{param_docs(skip=(*OWN_ARGUMENTS, "prompt"))}

    Returns:
        A gallery of every image, captioned "<model> · seed <seed>", row by row (model) and
        seed by seed; a summary naming each cell and any failure; the cells' run ids.
    """,
)
