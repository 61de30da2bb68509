"""The History tab's parts: search as you type, entries that say what each run was, one run's
detail with its actions (Delete asks once more; Share's panel is ui/share/parts.py), and the
notice of a run that finished while the page was away. Wired in ui/history/wiring.py; handlers in
ui/history/handlers.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from client.models import MODELS
from ui.core.parts import run_pictures
from ui.core.texts import label

ALL_MODELS = "All models"
MODEL_FILTERS = [(label("all_models"), ALL_MODELS), *MODELS]
"""The model filter's choices; the first one's shown name is in the page's language."""


@dataclass
class HistoryTab:
    search: gr.Textbox
    model_filter: gr.Dropdown
    refresh: gr.Button
    notice_row: gr.Row
    finished_notice: gr.Markdown
    reopen: gr.Button
    finished_run: gr.State
    since: gr.State
    gallery: gr.Gallery
    empty: gr.Markdown
    more: gr.Button
    shown_runs: gr.State
    run_id: gr.Textbox
    detail: gr.Column
    detail_text: gr.Markdown
    detail_inputs: gr.Gallery
    detail_outputs: gr.Gallery
    detail_params: gr.JSON
    restore: gr.Button
    run_again: gr.Button
    run_again_new_seed: gr.Button
    continue_editing: gr.Button
    """The chosen result of the opened run as the editor's input 1: the next run continues it."""
    picked_result: gr.State
    """Which of the opened run's results is chosen (0-based; the first until one is clicked)."""
    download: gr.Button
    download_file: gr.DownloadButton
    export_path: gr.State
    delete: gr.Button
    confirm_row: gr.Row
    confirm_text: gr.Markdown
    """The question: a run with later runs grown from it asks what happens to them."""
    confirm_delete: gr.Button
    """Deletes the opened run only (its later runs stay: their tree shows the gap)."""
    confirm_delete_all: gr.Button
    """Deletes the opened run and every later run grown from it (shown when it has some)."""
    cancel_delete: gr.Button
    actions: gr.Row
    """A slot in the opened run's row of actions, before Delete: Share."""
    below_actions: gr.Column
    """A slot under the opened run's actions: Share's panel, the run's comparison."""
    poll: gr.Timer
    above_list: gr.Column | None = None
    """A slot above the list: the images the history made and their cost."""
    below_list: gr.Column | None = None
    """A slot under the list and the opened run: the API tokens panel."""


def build_finished_notice() -> dict[str, Any]:
    """Above the tabs: "your run finished" after a reload during a run, with Open it."""
    with gr.Row(visible=False, elem_id="finished-notice") as notice_row:
        finished_notice = gr.Markdown()
        reopen = gr.Button(label("open_it"), size="sm", scale=0, min_width=90)
    return {"notice_row": notice_row, "finished_notice": finished_notice, "reopen": reopen}


def build_history_tab(notice: dict[str, Any]) -> HistoryTab:
    with gr.Tab(label("tab_history"), id="history"):
        with gr.Row(equal_height=True):
            search = gr.Textbox(
                label=label("search"),
                placeholder=label("search_placeholder"),
                scale=3,
                min_width=160,
            )
            model_filter = gr.Dropdown(
                MODEL_FILTERS, value=ALL_MODELS, label=label("model"), scale=1, min_width=140
            )
            refresh = gr.Button(label("refresh"), scale=0, min_width=80)
        above_list = gr.Column()
        gallery = gr.Gallery(
            label=label("past_runs"),
            columns=4,
            height="auto",
            allow_preview=False,
            object_fit="cover",
            elem_id="history-gallery",
        )
        empty = gr.Markdown(label="Empty list note", visible=False, elem_id="history-empty")
        more = gr.Button(label("more"), visible=False)
        run_id = gr.Textbox(label="Run id", visible=False)
        detail, parts = _build_detail()
        below_list = gr.Column()
    return HistoryTab(
        search=search,
        model_filter=model_filter,
        refresh=refresh,
        **notice,
        finished_run=gr.State(None),
        since=gr.State(None),
        gallery=gallery,
        empty=empty,
        more=more,
        shown_runs=gr.State([]),
        run_id=run_id,
        detail=detail,
        export_path=gr.State(None),
        poll=gr.Timer(3.0, active=False),
        above_list=above_list,
        below_list=below_list,
        **parts,
    )


def _build_detail() -> tuple[gr.Column, dict[str, Any]]:
    with gr.Column(visible=False, elem_id="run-detail-panel") as detail:
        detail_text = gr.Markdown(label="Run details", elem_id="run-detail")
        with gr.Row():
            restore = gr.Button(label("restore"))
            run_again = gr.Button(label("run_again"), variant="primary")
            run_again_new_seed = gr.Button(label("run_again_new_seed"), elem_id="run-again-seed")
            continue_editing = gr.Button(label("use_as_input"), elem_id="history-continue")
            download = gr.Button(label("download"))
            actions = gr.Row()
            delete = gr.Button(label("delete"), variant="stop", elem_id="delete-button")
        with gr.Row(visible=False, elem_id="confirm-delete") as confirm_row:
            confirm_text = gr.Markdown(label("confirm_question"), elem_id="confirm-question")
            confirm_delete = gr.Button(
                label("confirm_delete"), variant="stop", scale=0, min_width=140
            )
            confirm_delete_all = gr.Button(
                variant="stop", visible=False, scale=0, min_width=140, elem_id="delete-with-later"
            )
            cancel_delete = gr.Button(label("keep"), scale=0, min_width=100)
        below_actions = gr.Column()
        with gr.Row():
            detail_inputs = run_pictures("detail_inputs", 260)
            detail_outputs = run_pictures("detail_outputs", 260)
        detail_params = gr.JSON(label=label("parameters"))
    # outside the run's column: showing the column again (another run opened) would show it
    download_file = gr.DownloadButton(visible="hidden", elem_id="run-download-file")
    return detail, {
        "detail_text": detail_text,
        "detail_inputs": detail_inputs,
        "detail_outputs": detail_outputs,
        "detail_params": detail_params,
        "restore": restore,
        "run_again": run_again,
        "run_again_new_seed": run_again_new_seed,
        "continue_editing": continue_editing,
        "picked_result": gr.State(0),
        "download": download,
        "download_file": download_file,
        "delete": delete,
        "confirm_row": confirm_row,
        "confirm_text": confirm_text,
        "confirm_delete": confirm_delete,
        "confirm_delete_all": confirm_delete_all,
        "cancel_delete": cancel_delete,
        "actions": actions,
        "below_actions": below_actions,
    }
