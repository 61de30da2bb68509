"""Which handler answers which event: the page's parts (ui/layout.py) joined to their handlers.

The Run button and its validator take the editor's controls as keywords by name (Gradio's
`inputs_kwargs`), so no handler depends on the order of a list of components. Edits share one
concurrency group (`edit`) bounded by MAX_CONCURRENT_RUNS; everything else answers at once.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from . import editor_events as ev
from .editor_events import EditorHandlers
from .history_events import HistoryHandlers, pick_run
from .layout import ApiInputs, EditTab, HistoryTab

PRIVATE = {"api_visibility": "private"}
AT_ONCE = {"queue": False}
"""History events bypass Gradio's queue: its size bound counts every waiting event, so a queue
full of edits would otherwise refuse the history list, opening, restoring and deleting runs."""
CLICK_DOWNLOAD_JS = "() => document.querySelector('#run-download-file')?.click()"


def run_inputs(tab: EditTab, key_state: gr.State) -> dict[str, Any]:
    """The Run event's inputs by keyword: the images, every control by name, the visitor key."""
    return {"images": tab.images, **tab.controls, "key": key_state}


def wire_edit(
    tab: EditTab, editor: EditorHandlers, key_state: gr.State, edit_limit: dict[str, Any]
) -> gr.events.Dependency:
    """The Edit tab's events; returns the Run event so History can refresh after it."""
    c = tab.controls
    c["prompt"].change(ev.on_prompt_change, c["prompt"], tab.prompt_count, queue=False, **PRIVATE)
    c["model"].change(
        ev.on_model_change, [c["model"], c["custom_model"], c["n"], c["size"]],
        [c["custom_model"], c["n"], c["size"], tab.input_notes], queue=False, **PRIVATE,
    )  # fmt: skip
    c["size"].change(
        ev.on_size_change, c["size"], [c["width"], c["height"]], queue=False, **PRIVATE
    )
    tab.images.change(
        editor.on_images_change, [tab.images, c["model"], c["custom_model"]], tab.input_notes,
        **PRIVATE,
    )  # fmt: skip
    run_event = tab.run.click(
        editor.run_from_page, inputs_kwargs=run_inputs(tab, key_state),
        outputs=tab.run_outputs(), validator=editor.validate_page, **edit_limit, **PRIVATE,
    )  # fmt: skip
    tab.reuse_seed.click(
        ev.reuse_seed, tab.used_seed, [c["seed"], c["randomize_seed"]], queue=False, **PRIVATE
    )
    tab.results.select(
        ev.selected_result, tab.result_paths, tab.selected, queue=False, **PRIVATE
    ).then(
        ev.compare_selected, [tab.images, tab.result_paths, tab.selected], tab.compare, **PRIVATE
    )
    tab.use_as_input.click(ev.use_as_input, [tab.result_paths, tab.selected], tab.images, **PRIVATE)
    tab.add_to_inputs.click(
        ev.add_to_inputs,
        [tab.images, tab.result_paths, tab.selected, c["model"], c["custom_model"]],
        tab.images, **PRIVATE,
    )  # fmt: skip
    tab.key_button.click(
        ev.set_visitor_key, tab.key_box, [key_state, tab.key_box, tab.key_status], queue=False,
        **PRIVATE,
    )  # fmt: skip
    tab.forget_button.click(
        ev.forget_visitor_key, None, [key_state, tab.key_status], queue=False, **PRIVATE
    )
    return run_event


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
    listing = {"inputs": [page.search, page.model_filter], "outputs": page.list_outputs()}
    demo.load(history.list_history, api_name="history_list", **listing, **AT_ONCE)
    page.refresh.click(history.list_history, **listing, **PRIVATE, **AT_ONCE)
    page.search.submit(history.list_history, **listing, **PRIVATE, **AT_ONCE)
    page.model_filter.change(history.list_history, **listing, **PRIVATE, **AT_ONCE)
    page.more.click(
        history.more_history, [page.search, page.model_filter, page.shown_runs],
        page.list_outputs(), **PRIVATE, **AT_ONCE,
    )  # fmt: skip
    page.gallery.select(pick_run, page.shown_runs, page.run_id, **PRIVATE, **AT_ONCE).then(
        history.open_run, page.run_id, page.detail_parts(), **PRIVATE, **AT_ONCE
    )
    page.run_id.change(
        history.open_run, page.run_id, page.detail_parts(), api_name="history_open", **AT_ONCE
    )
    restore_outputs = [edit_tab.images, *edit_tab.controls.values(), tabs]
    page.restore.click(
        history.restore_run, page.run_id, restore_outputs, api_name="history_restore", **AT_ONCE
    )
    page.run_again.click(
        history.restore_run, page.run_id, restore_outputs, **PRIVATE, **AT_ONCE
    ).success(
        editor.run_from_page, inputs_kwargs=run_inputs(edit_tab, key_state),
        outputs=edit_tab.run_outputs(), **edit_limit, **PRIVATE,
    ).then(history.list_history, **listing, **PRIVATE, **AT_ONCE)  # fmt: skip
    page.download.click(
        history.export_run, page.run_id, [page.download_file, page.export_path], **PRIVATE,
        **AT_ONCE,
    ).then(None, js=CLICK_DOWNLOAD_JS).then(
        history.remove_export, page.export_path, None, **PRIVATE, **AT_ONCE
    )  # fmt: skip
    page.delete.click(
        history.delete_run, [page.run_id, page.search, page.model_filter],
        [*page.list_outputs(), page.detail, page.run_id], api_name="history_delete", **AT_ONCE,
    )  # fmt: skip


def wire_api(api: ApiInputs, edit_tab: EditTab, editor: EditorHandlers, edit_limit: dict) -> None:
    """The `/edit` endpoint (and MCP tool); no history refresh: an API caller has no page."""
    api.button.click(
        editor.edit, inputs_kwargs={"images": api.images, **api.params},
        outputs=[edit_tab.results, edit_tab.status, edit_tab.metadata], api_name="edit",
        **edit_limit,
    )  # fmt: skip
