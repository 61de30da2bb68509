"""The Region boxes panel of the Edit tab: pick an input, click corners on it, see the boxes.

Built in the editor's slot under Run and wired by wiring.py beside it. The panel holds no box of
its own: the boxes live in the editor's `bbox_list` control; the panel only remembers the first
corner of a box being drawn and which pictures the written boxes belong to.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ui.core.texts import label


@dataclass
class RegionPanel:
    accordion: gr.Accordion
    image: gr.Dropdown
    """Which input the boxes are drawn on: its position (0-based), shown as "Image N"."""
    preview: gr.Image
    """Unlabelled, so no badge covers the picture: the note says where to click."""
    note: gr.Markdown
    undo: gr.Button
    clear: gr.Button
    mark: gr.Button
    corner: gr.State
    """The first corner [x, y] of a box being drawn, in the input's pixels (a third item when the
    last click was too close to it: handlers.TOO_CLOSE); None between boxes."""
    owners: gr.State
    """{"text": bbox_list text, "keys": content keys of the inputs it was written for}."""
    opened: gr.State
    """Whether the panel is open: a closed panel draws nothing, so it costs the page nothing."""


def build_region_panel() -> RegionPanel:
    with gr.Accordion(label("region_panel"), open=False, elem_id="region-panel") as accordion:
        image = gr.Dropdown(
            choices=[],
            value=None,
            label=label("region_image"),
            elem_id="region-image",
            interactive=True,
        )
        preview = gr.Image(
            show_label=False,
            type="filepath",
            format="png",
            interactive=False,
            height=380,
            buttons=["fullscreen"],
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
    return RegionPanel(
        accordion,
        image,
        preview,
        note,
        undo,
        clear,
        mark,
        gr.State(None),
        gr.State(None),
        gr.State(False),
    )
