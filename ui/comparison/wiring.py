"""Which handler answers which event of a comparison: the Compare button (queued with the edits,
then History's list again) and History's offer to reopen a run's comparison."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.comparison.endpoint import build_and_wire_compare_api
from ui.comparison.handlers import CompareHandlers
from ui.comparison.parts import (
    CompareSection,
    HistoryComparison,
    build_compare_answer,
    build_compare_section,
    build_history_comparison,
)
from ui.core.context import PageContext
from ui.core.events import AT_ONCE, PRIVATE, QUIET
from ui.core.page import HistoryHooks
from ui.editor.parts import EditTab
from ui.editor.wiring import run_inputs


def add_comparison(ctx: PageContext, edit_tab: EditTab, history: HistoryHooks) -> None:
    """The Compare panel full width below the editor, the offer to reopen a comparison in
    History's opened run, and the `/compare` endpoint."""
    with edit_tab.below_columns:
        section = build_compare_section()
    with history.below_actions:
        offer = build_history_comparison()
    handlers = CompareHandlers(ctx, section, offer, build_compare_answer())
    compared = wire_compare(section, handlers, edit_tab, ctx.edit_queue)
    history.relist(compared.then)
    wire_history_comparison(offer, handlers, history.run_id)
    build_and_wire_compare_api(handlers, ctx.edit_queue)


def wire_compare(
    section: CompareSection,
    handlers: CompareHandlers,
    edit_tab: EditTab,
    edit_limit: dict[str, Any],
) -> Any:
    """Compare runs the editor's inputs and settings with the panel's models and seeds; Stop
    keeps its cells not sent yet from being sent; the plan beside Compare reads the same inputs
    and changes with any of them."""
    inputs = {
        **run_inputs(edit_tab),
        "grid_models": section.models,
        "grid_seeds": section.seeds,
    }
    compared = section.button.click(
        handlers.compare_from_page,
        inputs_kwargs=inputs,
        outputs=[section.status, section.grid, section.button, section.stop],
        show_progress="minimal",
        **edit_limit,
        **PRIVATE,
    )
    section.stop.click(handlers.stop_comparison, None, [section.status, section.stop], **QUIET)
    triggers = [section.models, section.seeds, edit_tab.images, *edit_tab.controls.values()]
    gr.on(
        [control.change for control in triggers],
        handlers.plan,
        inputs_kwargs=inputs,
        outputs=section.plan,
        **QUIET,
    )
    return compared


def wire_history_comparison(
    part: HistoryComparison, handlers: CompareHandlers, run_id: gr.Textbox
) -> None:
    """An opened run offers its comparison; Open the comparison shows the grid (also the
    `/history_comparison` endpoint, which, like every history endpoint, takes no owner)."""
    run_id.change(handlers.on_run_opened, run_id, [part.row, part.grid], **QUIET)
    part.open.click(
        handlers.open_comparison, run_id, part.grid, api_name="history_comparison", **AT_ONCE
    )
