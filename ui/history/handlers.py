"""Handlers of the History tab: list, search, open, restore, delete, download.

Every handler works out the owner from the request (signed cookie or login name), never from an
argument, so calling these endpoints through the API with someone else's run id finds nothing.
"""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from client.models import MODELS
from history import RunDetail, RunSummary, export_zip, remove_export
from ui.core.context import PageContext
from ui.core.gallery import numbered
from ui.core.page import EditorTarget
from ui.core.run_words import detail_markdown
from ui.core.texts import say

PAGE_SIZE = 50
ALL_MODELS = "All models"
MODEL_FILTERS = [ALL_MODELS, *MODELS]


STATUS_WORDS = {"ok": "done", "partial": "partial", "failed": "FAILED"}


def caption(run: RunSummary) -> str:
    """The prompt (the page shows two lines of it), then model, date and status."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run.created_at))
    status = "stopped" if run.stopped else STATUS_WORDS.get(run.status, run.status)
    who = f" · {run.owner_label}" if run.owner_label else ""
    prompt = run.prompt if len(run.prompt) <= 140 else run.prompt[:137] + "…"
    return f"{prompt}\n{run.model} · {when} · {status}{who}"


def _entry(run: RunSummary) -> list[str]:
    """[id, thumbnail, caption]: what the gallery shows of a run, kept in the session."""
    return [run.id, str(run.thumbnail_path or ""), caption(run)]


def _empty_text(request: Any, runs: list, search: str, model: str, shown: list) -> Any:
    """What the list says when it has nothing to show."""
    if runs or shown:
        return gr.update(visible=False)
    if (search or "").strip():
        return gr.update(visible=True, value=say(request, "no_match", search=search.strip()))
    if model and model != ALL_MODELS:
        return gr.update(visible=True, value=say(request, "no_model_runs", model=model))
    return gr.update(visible=True, value=say(request, "no_runs"))


def _gallery(shown: list[list[str]]) -> list[tuple[str, str]]:
    """Every shown run, in order (a run without a picture has the placeholder), so the index
    of a selected picture is the index of its run (`pick_run`)."""
    return [(thumbnail, text) for _id, thumbnail, text in shown]


def _more_button(runs: list[RunSummary]) -> Any:
    return gr.update(visible=len(runs) == PAGE_SIZE)


def pick_run(shown: list[list[str]], event: gr.SelectData) -> str:
    index = event.index if isinstance(event.index, int) else 0
    return shown[index][0] if 0 <= index < len(shown) else ""


def run_files(run: RunDetail) -> list[str]:
    """Every file of a run the page may have shown: inputs, results and the list's thumbnail."""
    files = [str(path) for path in (*run.input_paths, *run.output_paths)]
    return files + ([run.thumbnail_path] if run.thumbnail_path else [])


class HistoryHandlers:
    """The History tab's handlers, bound to the page's context."""

    def __init__(self, ctx: PageContext, editor: EditorTarget) -> None:
        self.ctx = ctx
        self.editor = editor

    def _page(self, request: Any, search: str, model: str, before: str | None):
        owner = self.ctx.owner(request)
        runs = self.ctx.store.list_runs(
            self.ctx.visible_to(owner),
            limit=PAGE_SIZE,
            before=before,
            search=search or None,
            model=None if not model or model == ALL_MODELS else model,
        )
        self.ctx.store.ensure_thumbnails(runs)
        return runs

    def list_history(self, search: str, model: str, request: gr.Request) -> tuple:
        """The newest page of runs for the search and model filter."""
        runs = self._page(request, search, model, None)
        shown = [_entry(run) for run in runs]
        return (
            _gallery(shown),
            shown,
            _more_button(runs),
            _empty_text(request, runs, search, model, []),
        )

    def more_history(
        self, search: str, model: str, shown: list[list[str]], request: gr.Request
    ) -> tuple:
        """Appends the next page (runs older than the last one shown)."""
        runs = self._page(request, search, model, shown[-1][0] if shown else None)
        shown = [*shown, *(_entry(run) for run in runs)]
        return (
            _gallery(shown),
            shown,
            _more_button(runs),
            _empty_text(request, runs, search, model, shown),
        )

    def _visible_run(self, request: Any, run_id: str) -> RunDetail | None:
        if not run_id:
            return None
        return self.ctx.store.get_run(self.ctx.visible_to(self.ctx.owner(request)), run_id.strip())

    def open_run(self, run_id: str, request: gr.Request) -> tuple:
        """One run: its inputs, results, parameters, timing and error."""
        run = self._visible_run(request, run_id)
        hide_confirm = gr.update(visible=False)
        if run is None:
            return (gr.update(visible=False), "", [], [], {}, hide_confirm)
        return (
            gr.update(visible=True),
            detail_markdown(run),
            numbered(run.input_paths),
            [str(path) for path in run.output_paths],
            run.params,
            hide_confirm,
        )

    def export_run(self, run_id: str, request: gr.Request) -> tuple[str, str]:
        """The run as a zip, built now (Download was clicked): (file to send, file to remove)."""
        run = self._visible_run(request, run_id)
        if run is None:
            raise gr.Error("That run is not in your history.")
        archive = str(export_zip(run))
        self.ctx.served.zip_sent(run.id, archive)
        return archive, archive

    @staticmethod
    def remove_export(archive: str | None) -> None:
        """Deletes the zip once Gradio has taken its copy to send."""
        remove_export(archive)

    def restore_run(self, run_id: str, request: gr.Request) -> tuple:
        """Puts a run's inputs and every parameter, seed included, back into the editor."""
        run = self._visible_run(request, run_id)
        if run is None:
            raise gr.Error("That run is not in your history.")
        return self.editor.restore(run)

    def delete_run(self, run_id: str, search: str, model: str, request: gr.Request):
        """Deletes one of the visitor's own runs (in the shared scope too, only their own)."""
        owner = self.ctx.owner(request)
        run = self.ctx.store.get_run(owner.id, run_id.strip()) if run_id else None
        # the copies' folders are named after the files' content: read them while it exists
        served_folders = self.ctx.served.copies_of(run_files(run) if run else [])
        links = [share.token for share in self.ctx.store.shares_of(owner.id, run.id)] if run else []
        if run is None or not self.ctx.store.delete_run(owner.id, run.id):
            raise gr.Error(
                "Only your own runs can be deleted, and this one is not (or no longer) there."
            )
        self.ctx.served.run_deleted(run.id, served_folders)
        self.ctx.shared.ended(links)  # its links went with it, in the same transaction
        hidden = gr.update(visible=False)
        return (*self.list_history(search, model, request), hidden, "", hidden)

    # -- a run that finished while the page was away -------------------------------------------

    def watch_runs(self, request: gr.Request) -> tuple:
        """On page load: when the visitor has a run going (a reload during a run), say so and
        poll until it finishes. Outputs: notice row, notice, finished run, since, timer."""
        owner = self.ctx.owner(request).id
        since = time.monotonic() - RECENT_S
        running = self.ctx.jobs.running(owner)
        if not running:
            return self._offer_finished(request, owner, since) or (gr.skip(),) * 5
        text = say(request, "still_going", prompt=_short(running[0].prompt))
        return (gr.update(visible=True), text, None, since, gr.Timer(active=True))

    def poll_runs(self, search: str, model: str, since: float | None, request: gr.Request):
        """Timer tick: once the visitor's run is done, refresh the list and offer to open it."""
        owner = self.ctx.owner(request).id
        if self.ctx.jobs.running(owner):
            return (gr.skip(),) * 9
        offer = self._offer_finished(request, owner, since or 0.0) or (
            gr.update(visible=False), "", None, None, gr.Timer(active=False),
        )  # fmt: skip
        return (*self.list_history(search, model, request), *offer)

    def _offer_finished(self, request: Any, owner: str, since: float) -> tuple | None:
        done = [job for job in self.ctx.jobs.finished_since(owner, since) if job.outcome]
        if not done:
            return None
        job = done[-1]
        text = say(request, "finished_away", prompt=_short(job.prompt))
        run_id = getattr(job.outcome, "run_id", None)
        return (gr.update(visible=True), text, run_id, time.monotonic(), gr.Timer(active=False))

    @staticmethod
    def reopen(run_id: str | None) -> tuple:
        """Opens the finished run in History."""
        if not run_id:
            raise gr.Error("That run is no longer in your history.")
        return run_id, gr.Tabs(selected="history"), gr.update(visible=False)


RECENT_S = 30.0
"""A run that finished this shortly before the page loaded is offered too (it ended while the
page was reloading)."""


def _short(prompt: str) -> str:
    return prompt if len(prompt) <= 60 else prompt[:57] + "…"
