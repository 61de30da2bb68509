"""Which handler answers which event: the page's parts (ui/layout.py) joined to their handlers.

The Run button and its validator take the editor's controls as keywords by name (Gradio's
`inputs_kwargs`), so no handler depends on the order of a list of components. Edits share one
concurrency group (`edit`) bounded by MAX_CONCURRENT_RUNS; everything else answers at once.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.editor import handlers as ev
from ui.editor import inputs
from ui.editor.handlers import EditorHandlers
from ui.editor.parts import ApiInputs, EditTab
from ui.history.handlers import HistoryHandlers, pick_run
from ui.history.parts import HistoryTab

PRIVATE = {"api_visibility": "private"}
AT_ONCE = {"queue": False}
"""History events bypass Gradio's queue: its size bound counts every waiting event, so a queue
full of edits would otherwise refuse the history list, opening, restoring and deleting runs."""
SAYS_WHY = {"show_progress": "hidden"}
"""A small page action whose refusal (gr.Error) the person must read: queued, since Gradio shows
an error of an event that bypasses its queue only as a red "Error" on the outputs, unexplained."""
CLICK_DOWNLOAD_JS = "() => document.querySelector('#run-download-file')?.click()"
SHOW_DETAIL_JS = (
    "() => setTimeout(() => document.querySelector('#run-detail-panel')"
    "?.scrollIntoView({behavior: 'smooth', block: 'start'}), 50)"
)


def run_inputs(tab: EditTab, key_state: gr.State) -> dict[str, Any]:
    """The Run event's inputs by keyword: the images, every control by name, the visitor key."""
    return {"images": tab.images, **tab.controls, "key": key_state}


def chain_run(
    start: Any,
    tab: EditTab,
    editor: EditorHandlers,
    key_state: gr.State,
    edit_limit: dict[str, Any],
) -> gr.events.Dependency:
    """Run's two steps after `start` (Run's click, or Run again's restore): at once, the
    refusal or the busy Run; then, queued with the other edits, the run itself."""
    begin = start(
        editor.start_run, inputs_kwargs=run_inputs(tab, key_state),
        outputs=tab.start_outputs(), **AT_ONCE, **PRIVATE,
    )  # fmt: skip
    return begin.then(
        editor.run_from_page, inputs_kwargs=run_inputs(tab, key_state),
        outputs=tab.run_outputs(), validator=editor.validate_page, show_progress="minimal",
        **edit_limit, **PRIVATE,
    )  # fmt: skip


def wire_edit(
    tab: EditTab,
    editor: EditorHandlers,
    key_state: gr.State,
    banner: gr.Markdown,
    app_banner: gr.State,
    edit_limit: dict[str, Any],
) -> gr.events.Dependency:
    """The Edit tab's events; returns the run step so History can refresh after it."""
    _wire_controls(tab, editor)
    _wire_inputs(tab)
    run_step = chain_run(tab.run.click, tab, editor, key_state, edit_limit)
    tab.stop.click(
        editor.stop_run, None, [tab.status, tab.run, tab.stop], cancels=[run_step],
        **AT_ONCE, **PRIVATE,
    )  # fmt: skip
    c = tab.controls
    tab.key_button.click(
        ev.set_visitor_key, [tab.key_box, app_banner],
        [key_state, tab.key_box, tab.key_status, banner], **AT_ONCE, **PRIVATE,
    )  # fmt: skip
    tab.forget_button.click(
        ev.forget_visitor_key, app_banner, [key_state, tab.key_status, banner], **AT_ONCE,
        **PRIVATE,
    )  # fmt: skip
    tab.reuse_seed.click(
        ev.reuse_seed, tab.used_seed, [c["seed"], c["randomize_seed"]], **SAYS_WHY, **PRIVATE
    )
    return run_step


def _wire_controls(tab: EditTab, editor: EditorHandlers) -> None:
    """Controls that follow each other: the prompt's counter, the model's limits and sizes
    (its warnings about the inputs recomputed), a custom size's fields."""
    c = tab.controls
    c["prompt"].change(ev.on_prompt_change, c["prompt"], tab.prompt_count, **AT_ONCE, **PRIVATE)
    notes = {"inputs": [tab.images, c["model"], c["custom_model"]], "outputs": tab.input_notes}
    c["model"].change(
        ev.on_model_change, [c["model"], c["custom_model"], c["n"], c["size"]],
        [c["custom_model"], c["n"], c["size"], tab.input_notes], **AT_ONCE, **PRIVATE,
    ).then(editor.on_images_change, **notes, **PRIVATE)  # fmt: skip
    c["custom_model"].blur(editor.on_images_change, **notes, **PRIVATE)
    c["size"].change(ev.on_size_change, c["size"], [c["width"], c["height"]], **AT_ONCE, **PRIVATE)
    tab.images.change(editor.on_images_change, **notes, **PRIVATE)
    if tab.examples is not None:  # an example's pictures arrive without numbers or notes
        tab.examples.load_input_event.then(
            inputs.renumber, tab.images, tab.images, **AT_ONCE, **PRIVATE
        ).then(editor.on_images_change, **notes, **PRIVATE)


def _wire_inputs(tab: EditTab) -> None:
    """The inputs' numbering and tools, and the results' selection, slider and reuse."""
    c = tab.controls
    tab.images.change(inputs.renumber, tab.images, tab.images, **AT_ONCE, **PRIVATE)

    tab.images.select(inputs.picked, None, tab.input_selected, **AT_ONCE, **PRIVATE)
    selection = {"inputs": [tab.images, tab.input_selected],
                 "outputs": [tab.images, tab.input_selected]}  # fmt: skip
    tab.move_left.click(lambda i, s: inputs.move(i, s, -1), **selection, **SAYS_WHY, **PRIVATE)
    tab.move_right.click(lambda i, s: inputs.move(i, s, 1), **selection, **SAYS_WHY, **PRIVATE)
    tab.remove_input.click(inputs.remove, **selection, **SAYS_WHY, **PRIVATE)
    tab.results.select(
        ev.selected_result, tab.result_paths, tab.selected, **AT_ONCE, **PRIVATE
    ).then(
        ev.compare_selected, [tab.run_inputs, tab.result_paths, tab.selected], tab.compare,
        **PRIVATE,
    )  # fmt: skip
    tab.use_as_input.click(
        inputs.use_as_input, [tab.result_paths, tab.selected], tab.images, **PRIVATE
    )
    tab.add_to_inputs.click(
        inputs.add_to_inputs,
        [tab.images, tab.result_paths, tab.selected, c["model"], c["custom_model"]],
        tab.images, **PRIVATE,
    )  # fmt: skip


def wire_history(
    demo: gr.Blocks,
    page: HistoryTab,
    history: HistoryHandlers,
    edit_tab: EditTab,
    editor: EditorHandlers,
    key_state: gr.State,
    tabs: gr.Tabs,
    edit_limit: dict[str, Any],
) -> None:
    listing = page.listing()
    demo.load(history.list_history, api_name="history_list", **listing, **AT_ONCE)
    page.refresh.click(history.list_history, **listing, **PRIVATE, **AT_ONCE)
    page.search.input(
        history.list_history, **listing, trigger_mode="always_last", **PRIVATE, **AT_ONCE
    )
    page.search.submit(history.list_history, **listing, **PRIVATE, **AT_ONCE)
    page.model_filter.change(history.list_history, **listing, **PRIVATE, **AT_ONCE)
    page.more.click(
        history.more_history, [page.search, page.model_filter, page.shown_runs],
        page.list_outputs(), **PRIVATE, **AT_ONCE,
    )  # fmt: skip
    page.gallery.select(pick_run, page.shown_runs, page.run_id, **PRIVATE, **AT_ONCE)
    page.run_id.change(
        history.open_run, page.run_id, page.detail_parts(), api_name="history_open", **AT_ONCE
    ).then(None, js=SHOW_DETAIL_JS)
    _wire_run_actions(page, history, edit_tab, editor, key_state, tabs, edit_limit, listing)
    _wire_finished_runs(demo, page, history, tabs, listing)


def _wire_run_actions(
    page: HistoryTab,
    history: HistoryHandlers,
    edit_tab: EditTab,
    editor: EditorHandlers,
    key_state: gr.State,
    tabs: gr.Tabs,
    edit_limit: dict[str, Any],
    listing: dict[str, Any],
) -> None:
    """Restore, Run again (then the list again: `listing`), Download, and Delete with its
    second step."""
    restore_outputs = [edit_tab.images, *edit_tab.controls.values(), tabs]
    page.restore.click(
        history.restore_run, page.run_id, restore_outputs, api_name="history_restore", **AT_ONCE
    )
    restored = page.run_again.click(
        history.restore_run, page.run_id, restore_outputs, **PRIVATE, **AT_ONCE
    )
    chain_run(restored.success, edit_tab, editor, key_state, edit_limit).then(
        history.list_history, **listing, **PRIVATE, **AT_ONCE
    )
    page.download.click(
        history.export_run, page.run_id, [page.download_file, page.export_path], **PRIVATE,
        **AT_ONCE,
    ).then(None, js=CLICK_DOWNLOAD_JS).then(
        history.remove_export, page.export_path, None, **PRIVATE, **AT_ONCE
    )  # fmt: skip
    page.delete.click(lambda: gr.update(visible=True), None, page.confirm_row, **AT_ONCE, **PRIVATE)
    page.cancel_delete.click(
        lambda: gr.update(visible=False), None, page.confirm_row, **AT_ONCE, **PRIVATE
    )
    page.confirm_delete.click(
        history.delete_run, [page.run_id, page.search, page.model_filter],
        [*page.list_outputs(), page.detail, page.run_id, page.confirm_row],
        api_name="history_delete", **AT_ONCE,
    )  # fmt: skip


def _wire_finished_runs(
    demo: gr.Blocks, page: HistoryTab, history: HistoryHandlers, tabs: gr.Tabs, listing: dict
) -> None:
    """After a reload during a run: watch it, list it when it ends, offer to open it."""
    notice = [page.notice_row, page.finished_notice, page.finished_run, page.since, page.poll]
    demo.load(history.watch_runs, None, notice, **AT_ONCE, **PRIVATE)
    page.poll.tick(
        history.poll_runs, [page.search, page.model_filter, page.since],
        [*page.list_outputs(), *notice], **AT_ONCE, **PRIVATE,
    )  # fmt: skip
    page.reopen.click(
        history.reopen, page.finished_run, [page.run_id, tabs, page.notice_row], **AT_ONCE,
        **PRIVATE,
    )  # fmt: skip


def wire_api(api: ApiInputs, edit_tab: EditTab, editor: EditorHandlers, edit_limit: dict) -> None:
    """The `/edit` endpoint (and MCP tool); no history refresh: an API caller has no page."""
    api.button.click(
        editor.edit, inputs_kwargs={"images": api.images, **api.params},
        outputs=[edit_tab.results, edit_tab.status, edit_tab.metadata], api_name="edit",
        **edit_limit,
    )  # fmt: skip
