"""The Region boxes panel joins the editor: built in the editor's slot under Run, and wired.

Every step that changes `bbox_list`, the inputs or the model is followed by one redraw of the
canvas from `bbox_list`. A box drawn on the canvas goes into `bbox_list` in the browser
(TAKE_DRAWN_JS, no server step): the boxes reach the server with the run, and the redraw that
follows the change only brings the note up to date. Opening the panel asks the server nothing:
the canvas is drawn whether the panel is open or not, and costs no picture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.core.events import QUIET, SAYS_WHY
from ui.editor.parts import EditTab
from ui.regions.handlers import RegionHandlers, pick_input
from ui.regions.parts import RegionPanel, build_region_panel

TAKE_DRAWN_JS = "(drawn) => drawn.text"
"""The canvas's bbox_list text (drawing.js writes it as json_text does) into the editor's."""


def add_regions(tab: EditTab, files: Callable[[Any, Any], list[str]]) -> None:
    """The panel in the editor's slot under Run, wired to the editor's inputs and boxes;
    `files(images, request)` gives the files behind the inputs (PageContext.input_files)."""
    with tab.below_run:
        panel = build_region_panel()
    wire_regions(panel, tab, files)


def wire_regions(panel: RegionPanel, tab: EditTab, files: Callable[[Any, Any], list[str]]) -> None:
    ev = RegionHandlers(panel, tab, files)
    c = tab.controls
    images, boxes = tab.images, c["bbox_list"]
    drawing = [images, panel.image, boxes]
    redraw = {
        "fn": ev.redraw,
        "inputs": [*drawing, c["model"], c["custom_model"]],
        "outputs": [panel.canvas, panel.note, panel.mark],
        "show_progress": "hidden",
        **QUIET,
    }
    images.change(
        ev.follow_inputs,
        [images, panel.image, boxes, panel.owners],
        [panel.image, boxes, panel.owners],
        **QUIET,
    ).then(**redraw)
    images.select(pick_input, None, panel.image, **QUIET)
    panel.image.change(**redraw)
    adopted = [panel.owners, panel.accordion]
    boxes.change(ev.adopt_boxes, [images, boxes], adopted, **QUIET).then(**redraw)
    c["model"].change(**redraw)
    c["custom_model"].blur(**redraw)
    panel.canvas.input(None, panel.canvas, boxes, js=TAKE_DRAWN_JS, **QUIET)
    panel.undo.click(ev.undo_box, drawing, boxes, **QUIET)
    panel.clear.click(ev.clear_boxes, drawing, boxes, **QUIET)
    marked = [images, boxes, c["prompt"]]
    panel.mark.click(ev.mark_boxes, [images, panel.image, boxes, c["prompt"]], marked, **SAYS_WHY)
