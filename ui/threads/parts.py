"""The page's parts of edit threads in History: the opened run's version tree, and Replay this
line (a model, a seed, the cost asked before anything is sent, Stop). Wired in wiring.py."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from client.models import MODELS
from ui.core.texts import label
from ui.threads.tree_view import NODE_CLICK_JS

SAME_MODELS = "same"
"""The model choice that keeps each step's own model (only the seed changes)."""


@dataclass
class ThreadPanel:
    tree: gr.HTML
    model: gr.Dropdown
    seed: gr.Textbox
    replay: gr.Button
    confirm_row: gr.Row
    cost: gr.Markdown
    confirm: gr.Button
    cancel: gr.Button
    stop: gr.Button
    status: gr.Markdown
    tree_json: gr.JSON
    """The `history_tree` endpoint's output (the page draws `tree` instead)."""
    replayed: gr.JSON
    """The `replay` endpoint's output."""


def build_thread_panel() -> ThreadPanel:
    """Under an opened run's actions: its tree (hidden for a run alone), then Replay."""
    tree = gr.HTML(visible=False, js_on_load=NODE_CLICK_JS, elem_id="run-tree")
    with gr.Accordion(label("replay_title"), open=False, elem_id="replay-panel"):
        with gr.Row(equal_height=True):
            model = gr.Dropdown(
                [(label("replay_same_models"), SAME_MODELS), *MODELS],
                value=SAME_MODELS,
                label=label("replay_model"),
                elem_id="replay-model",
            )
            seed = gr.Textbox(
                label=label("replay_seed"), placeholder="42", max_lines=1, elem_id="replay-seed"
            )
            replay = gr.Button(label("replay_line"), scale=0, min_width=200, elem_id="replay")
        with gr.Row(visible=False, equal_height=True, elem_id="replay-confirm-row") as confirm_row:
            cost = gr.Markdown(elem_id="replay-cost")
            confirm = gr.Button(
                label("replay_confirm"), variant="primary", scale=0, elem_id="replay-confirm"
            )
            cancel = gr.Button(label("replay_cancel"), scale=0, elem_id="replay-cancel")
        with gr.Row(equal_height=True):
            status = gr.Markdown(elem_id="replay-status")
            stop = gr.Button(
                label("replay_stop"), variant="stop", scale=0, size="sm", elem_id="replay-stop"
            )
        tree_json = gr.JSON(visible=False, label="tree")
        replayed = gr.JSON(visible=False, label="replay")
    return ThreadPanel(
        tree,
        model,
        seed,
        replay,
        confirm_row,
        cost,
        confirm,
        cancel,
        stop,
        status,
        tree_json,
        replayed,
    )
