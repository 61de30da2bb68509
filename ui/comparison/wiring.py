"""Which handler answers which event of a comparison: the Compare button (queued with the edits,
then History's list again) and History's offer to reopen a run's comparison."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.comparison.handlers import CompareHandlers
from ui.comparison.parts import CompareSection, HistoryComparison
from ui.editor.parts import EditTab
from ui.editor.wiring import AT_ONCE, PRIVATE, run_inputs
from ui.history.handlers import HistoryHandlers
from ui.history.parts import HistoryTab


def wire_compare(
    section: CompareSection,
    handlers: CompareHandlers,
    edit_tab: EditTab,
    key_state: gr.State,
    edit_limit: dict[str, Any],
    history_tab: HistoryTab,
    history: HistoryHandlers,
) -> None:
    """Compare runs the editor's inputs and settings with the panel's models and seeds; Stop
    keeps its cells not sent yet from being sent; the plan beside Compare reads the same inputs
    and changes with any of them."""
    inputs = {
        **run_inputs(edit_tab, key_state), "grid_models": section.models,
        "grid_seeds": section.seeds,
    }  # fmt: skip
    section.button.click(
        handlers.compare_from_page, inputs_kwargs=inputs,
        outputs=[section.status, section.grid, section.button, section.stop],
        show_progress="minimal", **edit_limit, **PRIVATE,
    ).then(
        history.list_history, **history_tab.listing(), **PRIVATE, **AT_ONCE
    )  # fmt: skip
    section.stop.click(
        handlers.stop_comparison, None, [section.status, section.stop], **AT_ONCE, **PRIVATE
    )
    triggers = [section.models, section.seeds, edit_tab.images, *edit_tab.controls.values()]
    gr.on(
        [control.change for control in triggers], handlers.plan, inputs_kwargs=inputs,
        outputs=section.plan, **AT_ONCE, **PRIVATE,
    )  # fmt: skip


def wire_history_comparison(
    part: HistoryComparison, handlers: CompareHandlers, run_id: gr.Textbox
) -> None:
    """An opened run offers its comparison; Open the comparison shows the grid (also the
    `/history_comparison` endpoint, which, like every history endpoint, takes no owner)."""
    run_id.change(handlers.on_run_opened, run_id, [part.row, part.grid], **AT_ONCE, **PRIVATE)
    part.open.click(
        handlers.open_comparison, run_id, part.grid, api_name="history_comparison", **AT_ONCE
    )
