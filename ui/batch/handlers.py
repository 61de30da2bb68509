"""Handlers of a batch (one edit over many images): the `/batch`, `/batch_stop` and
`/batch_retry` endpoints, and the Batch panel's plan, confirm, progress, Stop, Retry and download.

The edit is checked once before anything is sent (a refusal refuses the whole batch), and so is
the caller's `budget` (the most images the batch may make). Then each image is a run of its own
(engine.py), the batch being the session's one job; the answer names every run and counts what
was done, what failed and what was not sent.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from client import EditParams, InvalidImageError, ValidationError
from client.params import DOC, PARAM_FIELDS
from history import RunDetail
from ui.batch.engine import DONE, FAILED, Batch, Batches, ItemState
from ui.batch.items import MAX_BATCH_IMAGES, Inputs, read_inputs
from ui.batch.parts import BatchAnswer, BatchSection, HistoryBatch
from ui.batch.report import batch_zip
from ui.batch.view import Row, batch_rows, rows_html
from ui.core.api_inputs import (
    IMAGES_DOC,
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
from ui.core.jobs import AlreadyRunning, TooManyInFlight
from ui.core.run_words import problem_text
from ui.core.session_usage import session_of
from ui.core.texts import language_of, text_in
from ui.core.usage import cost_text, images_text, requested_images

PROGRESS_EVERY_S = 0.5
"""How often the page's progress line is written while a batch goes."""


@dataclass(frozen=True)
class Asked:
    """A batch as asked, read and checked, not started: its items, the edit, the extras."""

    inputs: Inputs
    params: EditParams
    extras: tuple[str, ...]

    @property
    def images(self) -> int:
        """The images the batch makes if every item succeeds."""
        return len(self.inputs.items) * requested_images(self.params.n)


class BatchHandlers:
    def __init__(
        self, ctx: PageContext, section: BatchSection, answer: BatchAnswer, offer: HistoryBatch
    ) -> None:
        self.ctx, self.section, self.answer, self.offer = ctx, section, answer, offer
        self.batches = Batches(ctx)

    # -- shared by the page and the endpoints ----------------------------------------------------

    def ask(
        self, images: Any, extras: Any, params: EditParams, request: Any, *, extract: bool = True
    ) -> Asked:
        """The batch `images` (pictures or zips) make with `params` and the shared `extras`
        (without `extract`, a zip's pictures are only counted); raises ValidationError or
        InvalidImageError (in the request's language) when the edit would be refused, before
        anything is sent."""
        language = language_of(request)
        paths = self.ctx.input_files(images, request)
        shared = tuple(self.ctx.input_files(extras, request)) if extras else ()
        folder = (
            Path(tempfile.mkdtemp(prefix="batch-", dir=get_upload_folder())) if extract else None
        )
        inputs = read_inputs(paths, folder, language)
        first = next((item.path for item in inputs.items if item.path), None)
        if first is not None:  # (a zip's pictures only counted: Batch checks them)
            self.ctx.runner.check(params, [first, *shared])
        return Asked(inputs, params, shared)

    def begin(self, asked: Asked, request: Any, key: Any = None) -> Batch:
        """Starts the batch as the session's job; raises AlreadyRunning, TooManyInFlight or
        OverBudgetRefused (the whole batch would pass the owner's budget of the day) with
        nothing sent."""
        owner = self.ctx.owner(request)
        self.ctx.runner.check_budget(owner, {asked.params.model: asked.images})
        batch = Batch(
            owner,
            session_of(request, owner.id),
            asked.params,
            asked.inputs.items,
            asked.extras,
            key if isinstance(key, VisitorKey) else None,
        )
        indices = range(len(batch.items))
        self.batches.start(batch, indices, blockers(language_of(request)))
        return batch

    def retry_failed(self, batch: Batch, request: Any) -> list[int]:
        """Sends again the failed items that surely failed before the service did work; returns
        them (none: nothing was sent)."""
        indices = batch.retryable()
        if indices:
            self.batches.start(batch, indices, blockers(language_of(request)))
        return indices

    # -- the page --------------------------------------------------------------------------------

    def _asked_from_page(
        self, files: Any, extras: Any, values: dict, request: Any, extract: bool = True
    ) -> Asked:
        """The batch the panel asks for: its images and extras, the editor's prompt and
        settings (the editor's own inputs are not the batch's)."""
        values = {**values, "images": None}
        params = params_from_page(values, [])
        return self.ask(files, extras, params, request, extract=extract)

    def plan(self, request: gr.Request = None, files: Any = None, extras: Any = None,
             key: Any = None, **values: Any) -> str:  # fmt: skip
        """Beside Batch: how many requests and images it will send and their cost, or what
        would refuse it; nothing before images are given."""
        language = language_of(request)
        if not files:
            return ""
        try:
            asked = self._asked_from_page(files, extras, values, request, extract=False)
        except (ValidationError, InvalidImageError) as error:
            return text_in(language, "batch_refused", problem=translated(str(error), language))
        return plan_words(self.ctx, asked, language)

    def confirm(self, request: gr.Request = None, files: Any = None, extras: Any = None,
                key: Any = None, **values: Any) -> dict:  # fmt: skip
        """Batch: says once what will be sent and asks (Send or Cancel); a refusal instead."""
        section, language = self.section, language_of(request)
        try:
            asked = self._asked_from_page(files, extras, values, request)
        except (ValidationError, InvalidImageError) as error:
            problem = translated(str(error), language)
            return {section.status: text_in(language, "batch_refused", problem=problem),
                    section.confirm_row: gr.update(visible=False)}  # fmt: skip
        words = text_in(language, "batch_confirm", plan=plan_words(self.ctx, asked, language))
        return {section.confirm_text: words, section.confirm_row: gr.update(visible=True),
                section.status: ""}  # fmt: skip

    def cancel(self) -> dict:
        return {self.section.confirm_row: gr.update(visible=False)}

    def send_from_page(self, request: gr.Request = None, files: Any = None, extras: Any = None,
                       key: Any = None, **values: Any) -> Iterator[dict]:  # fmt: skip
        """Send: the batch as the session's one job; the progress line and the grid as items
        end, then the zip of everything and Retry when some may be sent again."""
        section, language = self.section, language_of(request)
        hide = {section.confirm_row: gr.update(visible=False)}
        try:
            asked = self._asked_from_page(files, extras, values, request)
            batch = self.begin(asked, request, key)
        except (ValidationError, InvalidImageError) as error:
            problem = translated(str(error), language)
            yield {**hide, section.status: text_in(language, "batch_refused", problem=problem)}
            return
        except (AlreadyRunning, TooManyInFlight) as busy:
            yield {**hide, section.status: busy_words(busy, language)}
            return
        except OverBudgetRefused as over:
            problem = problem_text(over, request)
            yield {**hide, section.status: text_in(language, "batch_refused", problem=problem)}
            return
        yield hide
        yield from self._follow(batch, asked.inputs, language)

    def _follow(self, batch: Batch, inputs: Inputs | None, language: str) -> Iterator[dict]:
        section = self.section
        yield {section.button: gr.update(interactive=False), section.stop: gr.update(visible=True),
               section.retry: gr.update(visible=False),
               section.download: gr.update(value=None, visible=False)}  # fmt: skip
        while not batch.job.done.wait(PROGRESS_EVERY_S):
            yield {section.status: progress_words(batch, language),
                   section.grid: rows_html(batch_rows(batch), self._shown, language)}  # fmt: skip
        target = Path(tempfile.mkdtemp(dir=get_upload_folder())) / f"batch-{batch.id[:8]}.zip"
        yield {
            section.status: summary_text(batch, inputs, language),
            section.grid: rows_html(batch_rows(batch), self._shown, language),
            section.button: gr.update(interactive=True),
            section.stop: gr.update(visible=False),
            section.retry: gr.update(visible=bool(batch.retryable())),
            section.download: gr.update(value=str(batch_zip(batch, target)), visible=True),
        }

    def resume_from_page(self, request: gr.Request = None) -> Iterator[Any]:
        """On page load: the visitor's batch still going (a reload, another tab) is shown
        again, its panel open, and followed to its end."""
        batch = self.batches.latest(self.ctx.owner(request).id)
        if batch is None or batch.job is None or batch.job.done.is_set():
            yield gr.skip()
            return
        yield {self.section.panel: gr.update(open=True)}
        yield from self._follow(batch, None, language_of(request))

    # -- History -----------------------------------------------------------------------------

    def _visible_run(self, request: Any, run_id: str | None) -> RunDetail | None:
        if not run_id or not run_id.strip():
            return None
        owner = self.ctx.visible_to(self.ctx.owner(request))
        return self.ctx.store.get_run(owner, run_id.strip())

    def on_run_opened(self, run_id: str, request: gr.Request) -> dict:
        """An opened run that is an item of a batch offers to open it; a grid shown before
        goes."""
        run = self._visible_run(request, run_id)
        offer = self.offer
        return {
            offer.row: gr.update(visible=bool(run and run.batch)),
            offer.grid: gr.update(value="", visible=False),
        }

    def open_batch(self, run_id: str, request: gr.Request) -> Any:
        """The grid of the batch the run is an item of (input → result per run, oldest
        first): the runs the visitor may see."""
        run = self._visible_run(request, run_id)
        language = language_of(request)
        if run is None or not run.batch:
            raise gr.Error(text_in(language, "batch_not_an_item"))
        owner = self.ctx.visible_to(self.ctx.owner(request))
        runs = self.ctx.store.batch_runs(owner, run.batch)
        rows = [stored_row(position, item, self.ctx) for position, item in enumerate(runs, 1)]
        return gr.update(value=rows_html(rows, self._shown, language), visible=True)

    def _shown(self, state: Any) -> list[str]:
        if state.run_id:
            return self.ctx.gate.outputs(state.run_id, list(state.outputs))
        return list(state.outputs)

    def stop_from_page(self, request: gr.Request = None) -> dict:
        return {
            self.section.status: self.stop(request),
            self.section.stop: gr.update(visible=False),
        }

    def retry_from_page(self, request: gr.Request = None) -> Iterator[dict]:
        """Retry the failed: the session's latest batch, its items that surely failed before
        the service did work; the others are named with why."""
        language = language_of(request)
        batch = self.batches.latest(self.ctx.owner(request).id)
        try:
            sent = self.retry_failed(batch, request) if batch else []
        except (AlreadyRunning, TooManyInFlight) as busy:
            yield {self.section.status: busy_words(busy, language)}
            return
        if not sent:
            blocked = blocked_text(batch, language) if batch else ""
            yield {self.section.status: text_in(language, "batch_nothing_to_retry") + blocked}
            return
        yield from self._follow(batch, None, language)

    # -- the endpoints ---------------------------------------------------------------------------

    def batch(self, *args: Any, **kwargs: Any) -> dict:
        arguments, request = called_with(BatchHandlers.batch, self, args, kwargs)
        images, extras = arguments.pop("images"), arguments.pop("extras")
        budget = arguments.pop("budget")
        try:
            asked = self.ask(images, extras, params_from_api(arguments), request)
        except (ValidationError, InvalidImageError, ValueError, TypeError) as error:
            raise gr.Error(text_in("en", "not_run", problem=str(error))) from None
        over = over_budget(asked, budget, "en")
        if over:
            raise gr.Error(over)
        try:
            batch = self.begin(asked, request)
        except (AlreadyRunning, TooManyInFlight) as busy:
            raise gr.Error(busy_words(busy, "en")) from None
        except OverBudgetRefused as over:
            raise gr.Error(problem_text(over, request)) from None
        batch.job.done.wait()
        return self.api_answer(batch, asked.inputs)

    def stop(self, request: gr.Request = None) -> str:
        """Stops the caller's batch going in this session: nothing not sent yet is sent."""
        owner = self.ctx.owner(request)
        stopped = self.ctx.jobs.stop(session_of(request, owner.id))
        return text_in(language_of(request), "batch_stopping" if stopped else "batch_none_going")

    def retry(self, batch_id: str, request: gr.Request = None) -> dict:
        """Sends again the failed items of the caller's batch that surely failed before the
        service did work."""
        owner = self.ctx.owner(request)
        batch = self.batches.get(owner.id, (batch_id or "").strip())
        if batch is None:
            raise gr.Error(text_in("en", "batch_unknown"))
        try:
            sent = self.retry_failed(batch, request)
        except (AlreadyRunning, TooManyInFlight) as busy:
            raise gr.Error(busy_words(busy, "en")) from None
        if not sent:
            raise gr.Error(text_in("en", "batch_nothing_to_retry") + blocked_text(batch, "en"))
        batch.job.done.wait()
        return self.api_answer(batch, None)

    def api_answer(self, batch: Batch, inputs: Inputs | None) -> dict:
        answer = self.answer
        states = batch.states
        items = [
            {"name": item.name, "state": state.state, "run_id": state.run_id, "error": state.error,
             "retry": state.state == FAILED and state.retry_blocker is None,
             "why_not_retried": state.retry_blocker}
            for item, state in zip(batch.items, states, strict=True)
        ]  # fmt: skip
        return {
            answer.batch_id: batch.id,
            answer.run_ids: [state.run_id for state in states if state.run_id],
            answer.summary: summary_text(batch, inputs, "en"),
            answer.items: items,
        }


def stored_row(position: int, run: RunDetail, ctx: PageContext) -> Row:
    """A batch's run as its grid's row: its position, its first input, what it made."""
    inputs = ctx.gate.inputs(run)
    made = tuple(str(path) for path in run.output_paths)
    state = ItemState(DONE if made else FAILED, run.id, made, run.error)
    return (f"{position}", inputs[0] if inputs else "", state)


def plan_words(ctx: PageContext, asked: Asked, language: str) -> str:
    """ "12 requests, 12 images (≈ $0.90)", and the entries left out."""
    requests = len(asked.inputs.items)
    made = images_text(asked.images, language)
    cost = cost_text({asked.params.model: asked.images}, ctx.config.prices, language)
    words = text_in(language, "batch_plan", requests=requests, images=made + cost)
    for refused in asked.inputs.refused:
        words += "\n\n" + text_in(
            language, "batch_left_out", name=refused.name, reason=refused.reason
        )
    return words


def progress_words(batch: Batch, language: str) -> str:
    """Done, failed, left, and the time left at the pace so far."""
    counts = batch.counts()
    seconds = batch.seconds_left()
    eta = "" if seconds is None else text_in(language, "batch_eta", seconds=round(seconds))
    if batch.job is not None and batch.job.stopped.is_set():
        return text_in(language, "batch_stopping")
    return text_in(language, "batch_progress", total=len(batch.items), **counts) + eta


def blockers(language: str) -> dict[str, str]:
    return {
        "billed": text_in(language, "batch_retry_billed"),
        "unexpected": text_in(language, "batch_retry_unexpected"),
    }


def over_budget(asked: Asked, budget: Any, language: str) -> str:
    """Why the batch passes the caller's budget of images ("" when it does not, or there is
    none)."""
    if budget in (None, "", 0):
        return ""
    try:
        most = int(budget)
    except (TypeError, ValueError):
        return text_in(language, "batch_bad_budget", budget=budget)
    if asked.images <= most:
        return ""
    return text_in(language, "batch_over_budget", images=asked.images, budget=most)


def busy_words(busy: Exception, language: str) -> str:
    if isinstance(busy, TooManyInFlight):
        return text_in(language, "too_many_in_flight", **busy.values)
    return text_in(language, "batch_busy")


def summary_text(batch: Batch, inputs: Inputs | None, language: str) -> str:
    """What was done: done, failed and not sent of all; then the entries left out, the failures
    and which of them may not be retried, and why."""
    counts = batch.counts()
    lines = [text_in(language, "batch_summary", total=len(batch.items), **counts)]
    for refused in inputs.refused if inputs else ():
        lines.append(text_in(language, "batch_left_out", name=refused.name, reason=refused.reason))
    for item, state in zip(batch.items, batch.states, strict=True):
        if state.state == FAILED:
            lines.append(text_in(language, "batch_item_failed", name=item.name, error=state.error))
    return "\n\n".join(lines) + blocked_text(batch, language)


def blocked_text(batch: Batch, language: str) -> str:
    blocked = batch.not_retryable()
    return "".join(
        "\n\n" + text_in(language, "batch_not_retried", name=item.name, why=why)
        for item, why in blocked
    )


def _batch_arguments() -> list[inspect.Parameter]:
    """images, prompt, every other parameter of /edit, extras, budget."""
    images = inspect.Parameter("images", KEYWORD, annotation=list[str])
    extras = inspect.Parameter("extras", KEYWORD, default=None, annotation=list[str] | None)
    budget = inspect.Parameter("budget", KEYWORD, default=0, annotation=int)
    return [images, *param_arguments(), extras, budget]


PARAM_DOCS = {spec.name: spec.metadata[DOC] for spec in PARAM_FIELDS}

expose(
    BatchHandlers.batch,
    _batch_arguments(),
    f"""Batch: the same edit over many images, each image a run of its own (in History, grouped
    under one batch), at most MAX_CONCURRENT_RUNS at a time.

    Args:
        images: up to {MAX_BATCH_IMAGES} pictures, or zips of them, each edited on its own.
{param_docs()}
        extras: inputs every item shares, after the item ({IMAGES_DOC}); none by default.
        budget: the most images it may make (0: any); more is refused, nothing sent.

    Returns:
        The batch's id (for /batch_retry); the run ids; a summary (done, failed, not sent,
        entries left out, failures and why any may not be retried); each item's name, state,
        run id, error and whether /batch_retry would send it again.
    """,
)
