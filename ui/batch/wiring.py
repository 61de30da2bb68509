"""Which handler answers which event of a batch: the panel's plan (changing with its inputs and
the editor's settings), Batch and its confirm step, Send (queued with the edits), Stop, Retry
the failed; History's offer to open an opened run's batch (`/history_batch`); and the `/batch`,
`/batch_stop`, `/batch_retry` endpoints."""

from __future__ import annotations

import gradio as gr

from ui.batch.handlers import BatchHandlers
from ui.batch.parts import (
    BatchSection,
    build_batch_answer,
    build_batch_section,
    build_history_batch,
)
from ui.core.api_inputs import build_api_inputs
from ui.core.context import PageContext
from ui.core.events import AT_ONCE, PRIVATE, QUIET
from ui.core.page import HistoryHooks
from ui.editor.parts import EditTab
from ui.editor.wiring import run_inputs

PLAN_CONTROLS = ("model", "custom_model", "n", "size")
"""The editor's settings that change what a batch sends or costs (the plan reads every image,
so it is not read again at each keystroke of the prompt; Batch checks the whole edit)."""


def add_batch(ctx: PageContext, demo: gr.Blocks, edit_tab: EditTab, history: HistoryHooks) -> None:
    """The Batch panel full width below the editor (followed again after a reload while its
    batch goes), and its endpoints."""
    with edit_tab.below_columns:
        section = build_batch_section()
    with history.below_actions:
        offer = build_history_batch()
    handlers = BatchHandlers(ctx, section, build_batch_answer(), offer)
    sent = wire_batch(section, handlers, edit_tab, ctx)
    history.relist(sent.then)
    history.run_id.change(handlers.on_run_opened, history.run_id, [offer.row, offer.grid], **QUIET)
    offer.open.click(
        handlers.open_batch, history.run_id, offer.grid, api_name="history_batch", **AT_ONCE
    )
    demo.load(
        handlers.resume_from_page,
        None,
        [section.panel, *following(section)],
        concurrency_limit=None,  # each page follows its own batch; nothing is sent here
        show_progress="hidden",
        **PRIVATE,
    )
    wire_batch_api(handlers, ctx)


def wire_batch(
    section: BatchSection, handlers: BatchHandlers, edit_tab: EditTab, ctx: PageContext
) -> gr.events.Dependency:
    editor = {key: part for key, part in run_inputs(edit_tab).items() if key != "images"}
    inputs = {"files": section.files, "extras": section.extras, **editor}
    controls = [edit_tab.controls[name] for name in PLAN_CONTROLS]
    triggers = [section.files, section.extras, *controls]
    gr.on(
        [part.change for part in triggers],
        handlers.plan,
        inputs_kwargs=inputs,
        outputs=section.plan,
        **QUIET,
    )
    section.button.click(
        handlers.confirm,
        inputs_kwargs=inputs,
        outputs=[section.confirm_text, section.confirm_row, section.status],
        **QUIET,
    )
    section.cancel.click(handlers.cancel, None, section.confirm_row, **QUIET)
    sent = section.send.click(
        handlers.send_from_page,
        inputs_kwargs=inputs,
        outputs=[section.confirm_row, *following(section)],
        show_progress="minimal",
        **ctx.edit_queue,
        **PRIVATE,
    )
    section.stop.click(handlers.stop_from_page, None, [section.status, section.stop], **QUIET)
    section.retry.click(
        handlers.retry_from_page,
        None,
        following(section),
        show_progress="minimal",
        **ctx.edit_queue,
        **PRIVATE,
    )
    return sent


def following(section: BatchSection) -> list[gr.components.Component]:
    """What following a batch updates: the progress line, the grid, the buttons, the zip."""
    return [
        section.status, section.grid, section.button, section.stop, section.retry,
        section.download,
    ]  # fmt: skip


def wire_batch_api(handlers: BatchHandlers, ctx: PageContext) -> None:
    """`/batch` (the edit's fields as /edit's, with the batch's images, extras and budget),
    `/batch_stop` and `/batch_retry`."""
    api = build_api_inputs("batch")
    with gr.Column(visible=False):
        images = gr.File(label="images", file_count="multiple", file_types=["image", ".zip"])
        extras = gr.File(label="extras", file_count="multiple", file_types=["image"])
        budget = gr.Number(label="budget", value=0, precision=0)
        batch_id = gr.Textbox(label="batch_id")
        said = gr.Markdown(label="said")
        stop = gr.Button("batch_stop")
        retry = gr.Button("batch_retry")
    outputs = handlers.answer.outputs()
    api.button.click(
        handlers.batch,
        inputs_kwargs={"images": images, **api.params, "extras": extras, "budget": budget},
        outputs=outputs,
        api_name="batch",
        **ctx.edit_queue,
    )
    stop.click(handlers.stop, None, said, api_name="batch_stop", queue=False)
    retry.click(handlers.retry, batch_id, outputs, api_name="batch_retry", **ctx.edit_queue)
