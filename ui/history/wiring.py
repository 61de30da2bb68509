"""Which handler answers which event of the History tab: the list, search as you type, an opened
run and its actions, and the notice of a run that finished while the page was away.

Everything answers at once (outside Gradio's queue, which edits may fill). The list follows the
search box's value whichever way it changed (typed, pasted, cut, cleared: Gradio's `input` event
comes from key presses only, so a paste was missed), and the search, the model filter and Refresh
are one event answering always the last: one answer at a time, the next one made for what the box
and filter hold by then, so an older term's answer never lands after a newer one. `history_list`,
`history_open`, `history_restore` and `history_delete` are API endpoints; like every history
endpoint they take no owner: the caller's own cookie or login decides what they see. The last
three are apart from the page's buttons: they refuse with an error, the page says it in words.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.core.context import PageContext
from ui.core.events import AT_ONCE, QUIET, SAYS_WHY
from ui.core.page import EditorTarget, HistoryHooks
from ui.history.handlers import HistoryHandlers, pick_run
from ui.history.parts import HistoryTab

CLICK_DOWNLOAD_JS = "() => document.querySelector('#run-download-file')?.click()"
SHOW_DETAIL_JS = (
    "() => setTimeout(() => document.querySelector('#run-detail-panel')"
    "?.scrollIntoView({behavior: 'smooth', block: 'start'}), 50)"
)


def wire_history(
    ctx: PageContext, demo: gr.Blocks, page: HistoryTab, editor: EditorTarget
) -> HistoryHooks:
    """History's own events; returns what its guests hook into."""
    history = HistoryHandlers(ctx, page, editor)
    listing = {"inputs": [page.search, page.model_filter], "outputs": history.listed}
    demo.load(history.list_history, api_name="history_list", **listing, **AT_ONCE)
    gr.on(
        [page.search.change, page.search.submit, page.model_filter.change, page.refresh.click],
        history.list_history,
        **listing,
        trigger_mode="always_last",
        **QUIET,
    )
    page.more.click(
        history.more_history,
        [page.search, page.model_filter, page.shown_runs],
        history.listed,
        **QUIET,
    )
    page.gallery.select(pick_run, page.shown_runs, page.run_id, **QUIET)
    on_run = [page.run_id, page.search, page.model_filter]
    page.run_id.change(history.open_on_page, on_run, history.gone, **QUIET).then(
        None, js=SHOW_DETAIL_JS
    )

    def relist(event: Any) -> Any:
        return event(history.list_history, **listing, **QUIET)

    _wire_run_actions(page, history, editor, relist)
    _wire_api(page, history, editor)
    _wire_finished_runs(demo, page, history)
    return HistoryHooks(
        run_id=page.run_id,
        actions=page.actions,
        below_actions=page.below_actions,
        above_list=page.above_list,
        below_list=page.below_list,
        gallery=page.gallery,
        relist=relist,
    )


def _wire_run_actions(
    page: HistoryTab, history: HistoryHandlers, editor: EditorTarget, relist: Any
) -> None:
    """Restore, Run again and Run again with a new seed (then the list again), Download, and
    Delete with its second step (this run only, or with its later runs); on a run no longer
    there each says so in words (and Run again runs nothing)."""
    on_run = [page.run_id, page.search, page.model_filter]
    restoring = [*editor.outputs(), *history.gone]
    page.restore.click(history.restore_on_page, on_run, restoring, **QUIET)
    again = {page.run_again: history.restore_on_page}
    again[page.run_again_new_seed] = history.restore_with_new_seed
    for button, fill in again.items():
        restored = button.click(fill, on_run, restoring, **QUIET)
        there = restored.success(history.still_there, page.run_id, None, **QUIET)
        relist(editor.run_after(there.success).then)
    _wire_continue(page, history, restoring)
    page.download.click(history.export_run, on_run, history.exported, **QUIET).then(
        None, js=CLICK_DOWNLOAD_JS
    ).then(history.remove_export, page.export_path, None, **QUIET)
    page.delete.click(history.ask_delete, page.run_id, history.asked, **QUIET)
    page.cancel_delete.click(lambda: gr.update(visible=False), None, page.confirm_row, **QUIET)
    page.confirm_delete.click(history.delete_on_page, on_run, history.deleted_on_page, **QUIET)
    page.confirm_delete_all.click(
        history.delete_line_on_page, on_run, history.deleted_on_page, **QUIET
    )


def _wire_continue(page: HistoryTab, history: HistoryHandlers, restoring: list) -> None:
    """Continue editing: the result chosen in the opened run (the first until one is clicked,
    again at each open) goes into the editor as input 1, which carries the lineage."""
    page.detail_outputs.select(history.picked, None, page.picked_result, **QUIET)
    page.detail_outputs.change(lambda: 0, None, page.picked_result, **QUIET)
    on_result = [page.run_id, page.picked_result, page.search, page.model_filter]
    page.continue_editing.click(history.continue_on_page, on_result, restoring, **SAYS_WHY)


def _wire_api(page: HistoryTab, history: HistoryHandlers, editor: EditorTarget) -> None:
    """The endpoints an API client calls with a run id, on no trigger of the page: they refuse a
    run they cannot act on with an error, which the page's own events say in words instead."""
    run = {"inputs": page.run_id, **AT_ONCE}
    gr.on([], history.open_run, outputs=history.opened, api_name="history_open", **run)
    gr.on([], history.restore_run, outputs=editor.outputs(), api_name="history_restore", **run)
    gr.on(
        [],
        history.delete_run,
        [page.run_id, page.search, page.model_filter],
        history.deleted,
        api_name="history_delete",
        **AT_ONCE,
    )


def _wire_finished_runs(demo: gr.Blocks, page: HistoryTab, history: HistoryHandlers) -> None:
    """After a reload during a run: watch it, list it when it ends, offer to open it."""
    demo.load(history.watch_runs, None, history.noticed, **QUIET)
    page.poll.tick(
        history.poll_runs,
        [page.search, page.model_filter, page.since],
        history.polled,
        **QUIET,
    )
    page.reopen.click(history.reopen, page.finished_run, history.reopened, **QUIET)
