"""The batch's parts of the page: the Batch panel of the Edit tab (the images, the shared extra
inputs, the plan, the confirm step, the progress line, Stop, Retry the failed, the grid, the zip),
and what the `/batch` endpoints answer.

Wired in wiring.py beside it; handlers in handlers.py; the grid's table in view.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ui.core.texts import label


@dataclass
class BatchSection:
    panel: gr.Accordion
    """Opened again when a page reloads while its visitor's batch goes."""
    files: gr.File
    extras: gr.File
    plan: gr.Markdown
    """What Batch will send: requests, images and their estimated cost."""
    button: gr.Button
    confirm_row: gr.Column
    """The confirm step: the plan said once more, Send or Cancel."""
    confirm_text: gr.Markdown
    send: gr.Button
    cancel: gr.Button
    status: gr.Markdown
    """The progress line: done, failed, left, the time left."""
    stop: gr.Button
    retry: gr.Button
    grid: gr.Markdown
    download: gr.File


@dataclass
class HistoryBatch:
    """Shown on an opened run that is an item of a batch: Open the batch, and its grid."""

    row: gr.Row
    open: gr.Button
    grid: gr.Markdown


def build_history_batch() -> HistoryBatch:
    with gr.Row(visible=False, elem_id="batch-offer") as row:
        gr.Markdown(label("batch_part_of"))
        open_button = gr.Button(
            label("batch_open"), size="sm", scale=0, min_width=180, elem_id="open-batch"
        )
    grid = gr.Markdown(
        "",
        sanitize_html=False,
        latex_delimiters=[],
        elem_id="history-batch",
        elem_classes=["batch-grid"],
        label="grid",
        visible=False,
    )
    return HistoryBatch(row, open_button, grid)


@dataclass
class BatchAnswer:
    """What `/batch` and `/batch_retry` give API clients, in this order; invisible on the page."""

    batch_id: gr.Textbox
    run_ids: gr.JSON
    summary: gr.Markdown
    items: gr.JSON

    def outputs(self) -> list[gr.components.Component]:
        return [self.batch_id, self.run_ids, self.summary, self.items]


def build_batch_answer() -> BatchAnswer:
    with gr.Column(visible=False):
        return BatchAnswer(
            gr.Textbox(label="batch_id"),
            gr.JSON(label="run_ids"),
            gr.Markdown(label="summary"),
            gr.JSON(label="items"),
        )


def build_batch_section() -> BatchSection:
    """The Edit tab's Batch panel, closed on a new page: the editor's prompt and settings over
    many images."""
    with gr.Accordion(label("batch_panel"), open=False, elem_id="batch-panel") as panel:
        gr.Markdown(label("batch_intro"), elem_id="batch-intro")
        with gr.Row(equal_height=True):
            files = gr.File(
                label=label("batch_files"),
                file_count="multiple",
                file_types=["image", ".zip"],
                elem_id="batch-files",
                min_width=220,
            )
            extras = gr.File(
                label=label("batch_extras"),
                file_count="multiple",
                file_types=["image"],
                elem_id="batch-extras",
                min_width=220,
            )
        with gr.Row(elem_id="batch-row"):
            button = gr.Button(
                label("batch_button"), variant="secondary", elem_id="batch-button", scale=3
            )
            stop = gr.Button(
                label("stop"), variant="stop", elem_id="batch-stop", visible=False, scale=1
            )
            retry = gr.Button(label("batch_retry"), elem_id="batch-retry", visible=False, scale=1)
            plan = gr.Markdown(elem_id="batch-plan")
        with gr.Column(visible=False, elem_id="batch-confirm") as confirm_row:
            confirm_text = gr.Markdown(elem_id="batch-confirm-text")
            with gr.Row():
                send = gr.Button(label("batch_send"), variant="primary", elem_id="batch-send")
                cancel = gr.Button(label("batch_cancel"), elem_id="batch-cancel")
        status = gr.Markdown(elem_id="batch-status")
        grid = gr.Markdown(
            "",
            sanitize_html=False,
            latex_delimiters=[],
            elem_id="batch-grid",
            elem_classes=["batch-grid"],
            label="grid",
        )
        download = gr.File(label=label("batch_download"), visible=False, elem_id="batch-zip")
    return BatchSection(
        panel,
        files, extras, plan, button, confirm_row, confirm_text, send, cancel, status, stop,
        retry, grid, download,
    )  # fmt: skip
