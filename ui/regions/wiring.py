"""The Region boxes panel joins the editor: built in the editor's slot under Run, and wired.

Every step that changes boxes, the inputs or the model is followed by one redraw of the preview
from `bbox_list`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.core.events import QUIET, SAYS_WHY
from ui.editor.parts import EditTab
from ui.regions.handlers import RegionHandlers, pick_input
from ui.regions.parts import RegionPanel, build_region_panel


def add_regions(tab: EditTab, files: Callable[[Any, Any], list[str]]) -> None:
    """The panel in the editor's slot under Run, wired to the editor's inputs and boxes;
    `files(images, request)` gives the files behind the inputs (PageContext.input_files)."""
    with tab.below_run:
        panel = build_region_panel()
    wire_regions(panel, tab, files)


def wire_regions(panel: RegionPanel, tab: EditTab, files: Callable[[Any, Any], list[str]]) -> None:
    ev = RegionHandlers(panel, tab, files)
    c = tab.controls
    images, boxes, corner = tab.images, c["bbox_list"], panel.corner
    drawing = [images, panel.image, boxes, corner]
    redraw = {
        "fn": ev.redraw,
        "inputs": [*drawing, c["model"], c["custom_model"], panel.opened],
        "outputs": [panel.preview, panel.note, panel.mark],
        "show_progress": "hidden",
        **QUIET,
    }
    followed = [panel.image, boxes, panel.owners, corner]
    images.change(
        ev.follow_inputs, [images, panel.image, boxes, panel.owners], followed, **QUIET
    ).then(**redraw)
    images.select(pick_input, None, panel.image, **QUIET)
    panel.image.change(lambda: None, None, corner, **QUIET).then(**redraw)
    adopted = [panel.owners, panel.accordion, panel.opened]
    boxes.change(ev.adopt_boxes, [images, boxes], adopted, **QUIET).then(**redraw)
    panel.accordion.expand(lambda: True, None, panel.opened, **QUIET).then(**redraw)
    panel.accordion.collapse(lambda: False, None, panel.opened, **QUIET)
    c["model"].change(**redraw)
    c["custom_model"].blur(**redraw)
    panel.preview.select(ev.click_preview, drawing, [boxes, corner], **QUIET).then(**redraw)
    panel.undo.click(ev.undo_box, drawing, [boxes, corner], **QUIET).then(**redraw)
    panel.clear.click(ev.clear_boxes, drawing[:3], [boxes, corner], **QUIET).then(**redraw)
    marked = [images, boxes, c["prompt"], corner]
    panel.mark.click(ev.mark_boxes, [images, panel.image, boxes, c["prompt"]], marked, **SAYS_WHY)
