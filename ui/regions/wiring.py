"""Which handler answers which event of the Region boxes panel (ui/region_layout.py).

Kept apart from ui/wiring.py so the panel joins the page with one call. Every step that changes
boxes, the inputs or the model is followed by one redraw of the preview from `bbox_list`.
"""

from __future__ import annotations

from ui.editor.parts import EditTab
from ui.editor.wiring import AT_ONCE, PRIVATE, SAYS_WHY
from ui.regions import handlers as ev

QUICK = {**AT_ONCE, **PRIVATE}


def wire_regions(tab: EditTab) -> None:
    panel, c = tab.regions, tab.controls
    images, boxes, corner = tab.images, c["bbox_list"], panel.corner
    drawing = [images, panel.image, boxes, corner]
    redraw = {
        "fn": ev.redraw, "inputs": [*drawing, c["model"], c["custom_model"], panel.opened],
        "outputs": [panel.preview, panel.note, panel.mark], "show_progress": "hidden", **QUICK,
    }  # fmt: skip
    images.change(
        ev.follow_inputs, [images, panel.image, boxes, panel.owners],
        [panel.image, boxes, panel.owners, corner], **QUICK,
    ).then(**redraw)  # fmt: skip
    images.select(ev.pick_input, None, panel.image, **QUICK)
    panel.image.change(lambda: None, None, corner, **QUICK).then(**redraw)
    adopted = [panel.owners, panel.accordion, panel.opened]
    boxes.change(ev.adopt_boxes, [images, boxes], adopted, **QUICK).then(**redraw)
    panel.accordion.expand(lambda: True, None, panel.opened, **QUICK).then(**redraw)
    panel.accordion.collapse(lambda: False, None, panel.opened, **QUICK)
    c["model"].change(**redraw)
    c["custom_model"].blur(**redraw)
    panel.preview.select(ev.click_preview, drawing, [boxes, corner], **QUICK).then(**redraw)
    panel.undo.click(ev.undo_box, drawing, [boxes, corner], **QUICK).then(**redraw)
    panel.clear.click(ev.clear_boxes, drawing[:3], [boxes, corner], **QUICK).then(**redraw)
    panel.mark.click(
        ev.mark_boxes, [images, panel.image, boxes, c["prompt"]],
        [images, boxes, c["prompt"], corner], **SAYS_WHY, **PRIVATE,
    )  # fmt: skip
