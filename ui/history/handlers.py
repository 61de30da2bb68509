"""Handlers of the History tab: list, search, open, restore, delete, download.

Every handler works out the owner from the request (signed cookie or login name), never from an
argument, so calling these endpoints through the API with someone else's run id finds nothing.
An API endpoint refuses a run it cannot act on with an error; the page's own events say it in
words where the run was shown (`*_on_page`): outside Gradio's queue an error shows only a red
"Error" over the outputs. Every sentence comes from ui/core/texts.py, in the browser's language.
"""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from history import RunDetail, RunSummary
from history.lineage import TreeShape
from ui.core.context import PageContext
from ui.core.controls import fresh_seed
from ui.core.gallery import numbered
from ui.core.page import EditorTarget
from ui.core.picture_gate import PictureGate
from ui.core.run_words import detail_markdown, journal_status
from ui.core.texts import language_of, say, text_in
from ui.history.parts import ALL_MODELS, HistoryTab

PAGE_SIZE = 50


STATUS_WORDS = {"ok": "status_done", "partial": "status_partial", "failed": "status_failed"}
"""The statuses of a run that ended, by the key of their words in the list."""


def caption(run: RunSummary, language: str = "en", shape: TreeShape | None = None) -> str:
    """The prompt (the page shows two lines of it), then model, date and status (a run still
    sending, or interrupted, says so in the page's language), then how many runs and branches
    the run's tree holds (its `shape`), when it holds more than the run itself."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run.created_at))
    status = journal_status(run.status, language)
    if status is None:
        key = "status_stopped" if run.stopped else STATUS_WORDS.get(run.status)
        status = text_in(language, key) if key else run.status
    who = f" · {run.owner_label}" if run.owner_label else ""
    prompt = run.prompt if len(run.prompt) <= 140 else run.prompt[:137] + "…"
    return f"{prompt}\n{run.model} · {when} · {status}{who}{tree_words(shape, language)}"


def tree_words(shape: TreeShape | None, language: str) -> str:
    """The end of a caption: " · 5 runs, 2 branches" for a tree of more than one run."""
    if shape is None or shape.runs < 2:
        return ""
    key = "tree_shape_one_branch" if shape.branches == 1 else "tree_shape"
    return " · " + text_in(language, key, runs=shape.runs, branches=shape.branches)


def _entry(
    run: RunSummary, gate: PictureGate, language: str, shapes: dict[str, TreeShape]
) -> list[str]:
    """[id, thumbnail, caption]: what the gallery shows of a run, kept in the session (the
    thumbnail as the picture gate names it; a run without a picture shows the placeholder), its
    tree's shape read with the page's (`shapes`, by root)."""
    return [run.id, gate.thumbnail(run.id), caption(run, language, shapes.get(run.root))]


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


class HistoryHandlers:
    """The History tab's handlers, bound to the page's context, the tab's parts and the editor.

    A handler that fills several parts returns `{part: value}` (a part it leaves out keeps what it
    shows); the events it answers declare as outputs the list named after it below, whose order is
    what an API client reads (`history_list`, `history_open`, `history_delete`)."""

    def __init__(self, ctx: PageContext, tab: HistoryTab, editor: EditorTarget) -> None:
        self.ctx = ctx
        self.tab = tab
        self.editor = editor
        self.listed = [tab.gallery, tab.shown_runs, tab.more, tab.empty]
        """What listing fills: list_history and more_history."""
        self.opened = [
            tab.detail,
            tab.detail_text,
            tab.detail_inputs,
            tab.detail_outputs,
            tab.detail_params,
            tab.confirm_row,
        ]
        """What open_run fills."""
        self.deleted = [*self.listed, tab.detail, tab.run_id, tab.confirm_row]
        """What delete_run fills: the list again, and no run opened."""
        self.asked = [tab.confirm_row, tab.confirm_text, tab.confirm_delete, tab.confirm_delete_all]
        """What ask_delete fills: the question, and its choices."""
        self.gone = [*self.listed, *self.opened]
        """What a page's action on a run no longer there fills: the list again, and in the
        run's place the words saying so."""
        self.deleted_on_page = list(dict.fromkeys([*self.deleted, *self.gone]))
        """What delete_on_page fills."""
        self.exported = [tab.download_file, tab.export_path, *self.gone]
        """What export_run fills."""
        self.noticed = [tab.notice_row, tab.finished_notice, tab.finished_run, tab.since, tab.poll]
        """What watch_runs fills: the notice of a run that finished while the page was away."""
        self.polled = [*self.listed, *self.noticed]
        """What poll_runs fills: the list again and the notice."""
        self.reopened = [tab.run_id, editor.tabs, tab.notice_row, tab.finished_notice]
        """What reopen fills."""

    def _page(self, request: Any, search: str, model: str, before: str | None):
        """A page of runs and their entries (the trees' shapes: one grouped read per page)."""
        visible = self.ctx.visible_to(self.ctx.owner(request))
        runs = self.ctx.store.list_runs(
            visible,
            limit=PAGE_SIZE,
            before=before,
            search=search or None,
            model=None if not model or model == ALL_MODELS else model,
        )
        self.ctx.store.ensure_thumbnails(runs)
        shapes = self.ctx.store.tree_shapes(visible, runs)
        language = language_of(request)
        return runs, [_entry(run, self.ctx.gate, language, shapes) for run in runs]

    def _listing(
        self, request: Any, runs: list[RunSummary], shown: list[list[str]], search: str, model: str
    ) -> dict[Any, Any]:
        """The list showing `shown`, of which `runs` is the page just read."""
        return {
            self.tab.gallery: _gallery(shown),
            self.tab.shown_runs: shown,
            self.tab.more: _more_button(runs),
            self.tab.empty: _empty_text(request, runs, search, model, shown),
        }

    def list_history(self, search: str, model: str, request: gr.Request) -> dict[Any, Any]:
        """The newest page of runs for the search and model filter."""
        runs, shown = self._page(request, search, model, None)
        return self._listing(request, runs, shown, search, model)

    def more_history(
        self, search: str, model: str, shown: list[list[str]], request: gr.Request
    ) -> dict[Any, Any]:
        """Appends the next page (runs older than the last one shown)."""
        runs, entries = self._page(request, search, model, shown[-1][0] if shown else None)
        return self._listing(request, runs, [*shown, *entries], search, model)

    def _visible_run(self, request: Any, run_id: str) -> RunDetail | None:
        if not run_id:
            return None
        return self.ctx.store.get_run(self.ctx.visible_to(self.ctx.owner(request)), run_id.strip())

    def open_run(self, run_id: str, request: gr.Request) -> dict[Any, Any]:
        """One run: its inputs, results, parameters, timing and error (nothing for a run that
        is not in the caller's history)."""
        return self._shown(request, self._visible_run(request, run_id))

    def open_on_page(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """The page's Open: as open_run, but a run no longer there (deleted in another tab, or
        from a list read before) says so."""
        run = self._visible_run(request, run_id)
        if run is None and (run_id or "").strip():
            return self._gone(request, search, model)
        return self._shown(request, run)

    def _gone(self, request: Any, search: str, model: str) -> dict[Any, Any]:
        """The run the person acts on is no longer in their history: the words say so where the
        run was shown, and the list is read again, so it shows what is left."""
        return {
            **self.list_history(search, model, request),
            **self._shown(request, None),
            self.tab.detail: gr.update(visible=True),
            self.tab.detail_text: say(request, "run_gone"),
        }

    def _shown(self, request: Any, run: RunDetail | None) -> dict[Any, Any]:
        """The opened run's parts showing `run` (hidden and empty for None)."""
        tab = self.tab
        if run is None:
            return {
                tab.detail: gr.update(visible=False),
                tab.detail_text: "",
                tab.detail_inputs: [],
                tab.detail_outputs: [],
                tab.detail_params: {},
                tab.confirm_row: gr.update(visible=False),
            }
        return {
            tab.detail: gr.update(visible=True),
            tab.detail_text: detail_markdown(run, language_of(request)),
            tab.detail_inputs: numbered(self.ctx.gate.inputs(run), language_of(request)),
            tab.detail_outputs: self.ctx.gate.outputs(run.id, run.output_paths),
            tab.detail_params: run.params,
            tab.confirm_row: gr.update(visible=False),
        }

    def export_run(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """The run as a zip (Download was clicked): the gate builds it when the browser asks
        for it, after the same check as the run's pictures, so it is never kept anywhere. A run
        no longer there says so, and nothing is downloaded."""
        run = self._visible_run(request, run_id)
        if run is None:
            nothing = {self.tab.download_file: None, self.tab.export_path: None}
            return {**self._gone(request, search, model), **nothing}
        archive = self.ctx.gate.zip(run.id)
        return {self.tab.download_file: archive, self.tab.export_path: archive}

    @staticmethod
    def remove_export(archive: str | None) -> None:
        """Nothing to remove: the gate's zip is built per request and removed once sent (kept
        for the event chained after Download)."""

    def restore_run(self, run_id: str, request: gr.Request) -> dict[Any, Any]:
        """Puts a run's inputs and every parameter, seed included, back into the editor."""
        run = self._visible_run(request, run_id)
        if run is None:
            raise gr.Error(say(request, "not_in_history"))
        return self.editor.restore(run, self.ctx.gate.inputs(run), language_of(request))

    def restore_on_page(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """The page's Restore (and Run again's first step): a run no longer there says so."""
        run = self._visible_run(request, run_id)
        if run is None:
            return self._gone(request, search, model)
        return self.editor.restore(run, self.ctx.gate.inputs(run), language_of(request))

    def restore_with_new_seed(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """Run again with a new seed's first step: the run in the editor with a fresh seed in
        Seed (shown, so the run that follows can be repeated); a run no longer there says so."""
        restored = self.restore_on_page(run_id, search, model, request)
        seed, randomize = self.editor.controls["seed"], self.editor.controls["randomize_seed"]
        if seed in restored:
            restored.update({seed: str(fresh_seed()), randomize: False})
        return restored

    @staticmethod
    def picked(selected: gr.SelectData) -> int:
        """The result clicked in the opened run."""
        return selected.index if isinstance(selected.index, int) else 0

    def continue_on_page(
        self, run_id: str, picked: int, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """Continue editing: the opened run's chosen result as the editor's only input, with
        the run's parameters and an empty prompt for the next turn (the run that follows is the
        run's child, read from input 1 by the picture gate)."""
        run = self._visible_run(request, run_id)
        if run is None:
            return self._gone(request, search, model)
        results = self.ctx.gate.outputs(run.id, run.output_paths)
        if not results:
            raise gr.Error(say(request, "continue_no_result"))
        chosen = results[min(max(picked or 0, 0), len(results) - 1)]
        restored = self.editor.restore(run, [chosen], language_of(request))
        return {**restored, self.editor.controls["prompt"]: ""}

    def still_there(self, run_id: str, request: gr.Request) -> None:
        """Between Run again's restore and its run: a run no longer there stops the chain; the
        restore has already said so in words, so this error shows nothing of its own."""
        if self._visible_run(request, run_id) is None:
            raise gr.Error(say(request, "not_in_history"), visible=False, print_exception=False)

    def delete_run(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """Deletes one of the visitor's own runs (in the shared scope too, only their own)."""
        if not self._delete_own(request, run_id):
            raise gr.Error(say(request, "delete_refused"))
        return self._after_delete(request, search, model)

    def _later_runs(self, request: Any, run_id: str) -> list[str]:
        """The visitor's own runs grown from `run_id` (what deleting it with them deletes)."""
        run_id = (run_id or "").strip()
        tree = self.ctx.store.tree(self.ctx.owner(request).id, run_id) if run_id else None
        return tree.descendants(run_id) if tree else []

    def ask_delete(self, run_id: str, request: gr.Request) -> dict[Any, Any]:
        """Delete…: asks once more; a run with later runs grown from it asks what happens to
        them (they stay, their tree showing the gap, or they go too), saying how many."""
        later = len(self._later_runs(request, run_id))
        if not later:
            return {
                self.tab.confirm_row: gr.update(visible=True),
                self.tab.confirm_text: say(request, "confirm_question"),
                self.tab.confirm_delete: say(request, "confirm_delete"),
                self.tab.confirm_delete_all: gr.update(visible=False),
            }
        one = "_one" if later == 1 else ""
        return {
            self.tab.confirm_row: gr.update(visible=True),
            self.tab.confirm_text: say(request, f"confirm_question_line{one}", later=later),
            self.tab.confirm_delete: say(request, f"delete_run_only{one}", later=later),
            self.tab.confirm_delete_all: gr.update(
                visible=True, value=say(request, f"delete_with_later{one}", later=later)
            ),
        }

    def delete_on_page(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """The page's Yes, delete it (Delete this run only): its later runs stay; a run deleted
        already (in another tab) or made by someone else (the shared scope) says so in words
        instead."""
        return self._delete_on_page(request, run_id, search, model, with_descendants=False)

    def delete_line_on_page(
        self, run_id: str, search: str, model: str, request: gr.Request
    ) -> dict[Any, Any]:
        """The page's Delete it and its later runs: the run and every run grown from it."""
        return self._delete_on_page(request, run_id, search, model, with_descendants=True)

    def _delete_on_page(
        self, request: Any, run_id: str, search: str, model: str, *, with_descendants: bool
    ) -> dict[Any, Any]:
        if self._delete_own(request, run_id, with_descendants=with_descendants):
            return self._after_delete(request, search, model)
        run = self._visible_run(request, run_id)
        if run is None:
            return self._gone(request, search, model)
        words = say(request, "delete_not_yours")
        return {
            self.tab.detail_text: f"{words}\n\n{detail_markdown(run, language_of(request))}",
            self.tab.confirm_row: gr.update(visible=False),
        }

    def _delete_own(self, request: Any, run_id: str, *, with_descendants: bool = False) -> bool:
        """Deletes the run if it is the visitor's own (with the later runs grown from it when
        `with_descendants`); False when there is no such run."""
        owner = self.ctx.owner(request)
        run = self.ctx.store.get_run(owner.id, run_id.strip()) if run_id else None
        if run is None:
            return False
        later = self._later_runs(request, run.id) if with_descendants else []
        doomed = [run, *(self.ctx.store.get_run(owner.id, one) for one in later)]
        # the uploads' folders are named after the files' content: read them while they exist
        inputs = [path for one in doomed if one is not None for path in one.input_paths]
        uploads = self.ctx.uploads.copies_of(inputs)
        if not self.ctx.store.delete_run(owner.id, run.id, with_descendants=with_descendants):
            return False
        self.ctx.uploads.remove(uploads)  # its pictures, and links, answer 404 from now on
        return True

    def _after_delete(self, request: Any, search: str, model: str) -> dict[Any, Any]:
        """The list without the deleted run, and no run opened."""
        return {
            **self.list_history(search, model, request),
            self.tab.detail: gr.update(visible=False),
            self.tab.run_id: "",
            self.tab.confirm_row: gr.update(visible=False),
        }

    # -- a run that finished while the page was away -------------------------------------------

    def watch_runs(self, request: gr.Request) -> Any:
        """On page load: when the visitor has a run going (a reload during a run), say so and
        poll until it finishes."""
        owner = self.ctx.owner(request).id
        since = time.monotonic() - RECENT_S
        running = self.ctx.jobs.running(owner)
        if not running:
            return self._offer_finished(request, owner, since) or gr.skip()
        return {
            self.tab.notice_row: gr.update(visible=True),
            self.tab.finished_notice: say(request, "still_going", prompt=_short(running[0].prompt)),
            self.tab.finished_run: None,
            self.tab.since: since,
            self.tab.poll: gr.Timer(active=True),
        }

    def poll_runs(self, search: str, model: str, since: float | None, request: gr.Request) -> Any:
        """Timer tick: once the visitor's run is done, refresh the list and offer to open it."""
        owner = self.ctx.owner(request).id
        if self.ctx.jobs.running(owner):
            return gr.skip()
        offer = self._offer_finished(request, owner, since or 0.0) or {
            self.tab.notice_row: gr.update(visible=False),
            self.tab.finished_notice: "",
            self.tab.finished_run: None,
            self.tab.since: None,
            self.tab.poll: gr.Timer(active=False),
        }
        return {**self.list_history(search, model, request), **offer}

    def _offer_finished(self, request: Any, owner: str, since: float) -> dict[Any, Any] | None:
        done = [job for job in self.ctx.jobs.finished_since(owner, since) if job.outcome]
        if not done:
            return None
        job = done[-1]
        return {
            self.tab.notice_row: gr.update(visible=True),
            self.tab.finished_notice: say(request, "finished_away", prompt=_short(job.prompt)),
            self.tab.finished_run: getattr(job.outcome, "run_id", None),
            self.tab.since: time.monotonic(),
            self.tab.poll: gr.Timer(active=False),
        }

    def reopen(self, run_id: str | None, request: gr.Request) -> dict[Any, Any]:
        """Opens the finished run in History (a run that left none says so in the notice)."""
        if not run_id:
            return {self.tab.finished_notice: say(request, "finished_gone")}
        return {
            self.tab.run_id: run_id,
            self.editor.tabs: gr.Tabs(selected="history"),
            self.tab.notice_row: gr.update(visible=False),
            self.tab.finished_notice: "",
        }


RECENT_S = 30.0
"""A run that finished this shortly before the page loaded is offered too (it ended while the
page was reloading)."""


def _short(prompt: str) -> str:
    return prompt if len(prompt) <= 60 else prompt[:57] + "…"
