"""The comparison's parts of the page: the Compare panel of the Edit tab (models, seeds, the
button, the grid), in History's run detail, the offer to reopen a run's comparison, and what the
`/compare` endpoint answers.

Wired in wiring.py beside it; handlers in handlers.py; the grid's table in view.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from client.models import MODELS
from ui.comparison.view import GRID_CSS
from ui.core.texts import label

DEFAULT_SEEDS = (1, 2)
"""The seeds field's value on a new page: a 2 × 2 grid at one click. Fixed seeds, not random
ones, so the models are compared on the same seeds and a second comparison (another prompt, say)
lines up with the first; the field shows them, and any may be typed instead."""


@dataclass
class CompareSection:
    models: gr.CheckboxGroup
    seeds: gr.Textbox
    button: gr.Button
    stop: gr.Button
    """Beside Compare while its cells go: the cells not sent yet never are."""
    plan: gr.Markdown
    """Beside the button: "Will make 4 images (≈ $0.34)"."""
    status: gr.Markdown
    grid: gr.Markdown


@dataclass
class HistoryComparison:
    """Shown on an opened run that is a cell of a comparison."""

    row: gr.Row
    open: gr.Button
    grid: gr.Markdown


@dataclass
class CompareAnswer:
    """What the `/compare` endpoint gives API clients, in this order; invisible on the page."""

    gallery: gr.Gallery
    summary: gr.Markdown
    run_ids: gr.JSON
    """The cells' runs in History, in the gallery's order (for /history_share, ...)."""

    def outputs(self) -> list[gr.components.Component]:
        return [self.gallery, self.summary, self.run_ids]


GRID_IDS = ("compare-grid", "history-comparison")
"""The boxes a grid is shown in: the Compare panel's, and History's for a reopened one."""

GRID_PAGE_CSS = "".join(f"#{elem_id} {{{GRID_CSS}}}" for elem_id in GRID_IDS)
"""The grid's styles nested under each box (ids outweigh Markdown's own table styles); the
page's styles carry them (ui/app.py)."""


def comparison_grid(elem_id: str, visible: bool = True) -> gr.Markdown:
    """Where a grid (ui/comparison/view.py) is shown: a Markdown box taking its HTML as it is
    (view.py escapes every text in it). Not gr.HTML: that component's template engine is
    about 35 KB of script each visit would download for a panel that starts closed."""
    return gr.Markdown(
        "",
        label="Comparison grid",  # for the API only: a Markdown block shows no label
        sanitize_html=False,
        latex_delimiters=[],
        elem_id=elem_id,
        visible=visible,
    )


def build_compare_section() -> CompareSection:
    """The Edit tab's Compare panel: both models ticked, seeds DEFAULT_SEEDS, one click."""
    with gr.Accordion(label("grid_panel"), open=False, elem_id="compare-panel"):
        gr.Markdown(label("grid_intro"), elem_id="compare-intro")
        with gr.Row(equal_height=True):
            models = gr.CheckboxGroup(
                list(MODELS),
                value=list(MODELS),
                label=label("grid_models"),
                elem_id="compare-models",
                min_width=220,
            )
            seeds = gr.Textbox(
                ", ".join(str(seed) for seed in DEFAULT_SEEDS),
                label=label("grid_seeds"),
                placeholder=label("grid_seeds_placeholder"),
                elem_id="compare-seeds",
                min_width=180,
            )
        with gr.Row(elem_id="compare-row"):
            button = gr.Button(
                label("grid_button"), variant="secondary", elem_id="compare-button", scale=3
            )
            stop = gr.Button(
                label("stop"), variant="stop", elem_id="compare-stop", visible=False, scale=1
            )
            plan = gr.Markdown(elem_id="compare-plan")
        status = gr.Markdown(elem_id="compare-status")
        grid = comparison_grid("compare-grid")
    return CompareSection(models, seeds, button, stop, plan, status, grid)


def build_compare_answer() -> CompareAnswer:
    with gr.Column(visible=False):
        gallery = gr.Gallery(label="images", type="filepath")
        summary = gr.Markdown(label="summary")
        run_ids = gr.JSON(label="run_ids")
    return CompareAnswer(gallery, summary, run_ids)


def build_history_comparison() -> HistoryComparison:
    """In the run detail: "part of a comparison", Open the comparison, and its grid."""
    with gr.Row(visible=False, elem_id="comparison-offer") as row:
        gr.Markdown(label("grid_part_of"))
        open_button = gr.Button(
            label("grid_open"), size="sm", scale=0, min_width=180, elem_id="open-comparison"
        )
    grid = comparison_grid("history-comparison", visible=False)
    return HistoryComparison(row, open_button, grid)
