"""The Region boxes panel of the Edit tab: pick an input, draw boxes on it, see the boxes.

Built in the editor's slot under Run and wired by wiring.py beside it. The panel holds no box of
its own: the boxes live in the editor's `bbox_list` control. The picture and the boxes on it are
a canvas drawn in the browser (drawing.js): a drag or two clicks make a box at once, with no
step waiting for the server; the server only says which picture to show and what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ui.core.texts import label

DRAWING_JS = (Path(__file__).parent / "drawing.js").read_text(encoding="utf-8")
"""The canvas's script: pointer drags and clicks to boxes, in the picture's own pixels."""


@dataclass
class RegionPanel:
    accordion: gr.Accordion
    image: gr.Dropdown
    """Which input the boxes are drawn on: its position (0-based), shown as "Image N"."""
    canvas: gr.HTML
    """The shown input with its boxes (handlers.canvas_value), drawn on in the browser."""
    note: gr.Markdown
    undo: gr.Button
    clear: gr.Button
    mark: gr.Button
    owners: gr.State
    """{"text": bbox_list text, "keys": content keys of the inputs it was written for}."""


def build_region_panel() -> RegionPanel:
    with gr.Accordion(label("region_panel"), open=False, elem_id="region-panel") as accordion:
        image = gr.Dropdown(
            choices=[],
            value=None,
            label=label("region_image"),
            elem_id="region-image",
            interactive=True,
        )
        canvas = gr.HTML(
            value=None,
            html_template="",
            js_on_load=DRAWING_JS,
            apply_default_css=False,
            elem_id="region-preview",
        )
        note = gr.Markdown(elem_id="region-note")
        with gr.Row():
            undo = gr.Button(label("undo_box"), size="sm", elem_id="region-undo")
            clear = gr.Button(label("clear_boxes"), size="sm", elem_id="region-clear")
        mark = gr.Button(
            label("mark_boxes"),
            size="sm",
            variant="secondary",
            visible=False,
            elem_id="region-mark",
        )
    return RegionPanel(accordion, image, canvas, note, undo, clear, mark, gr.State(None))
