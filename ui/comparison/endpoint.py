"""The `/compare` endpoint: its hidden inputs (as `/edit`'s, with `models` and `seeds` in place of
`model` and `seed`) and outputs, wired to CompareHandlers.compare in the edits' concurrency group.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.comparison.handlers import OWN_ARGUMENTS, CompareHandlers
from ui.core.api_inputs import build_api_inputs


def build_and_wire_compare_api(handlers: CompareHandlers, edit_limit: dict[str, Any]) -> None:
    """Invisible components; the endpoint's arguments in its signature's order."""
    api = build_api_inputs("compare", skip=OWN_ARGUMENTS)
    with gr.Column(visible=False):
        models = gr.Textbox(label="models")
        seeds = gr.Textbox(label="seeds")
        gallery = gr.Gallery(label="comparison", type="filepath")
        summary = gr.Markdown()
    prompt, others = api.params["prompt"], {k: v for k, v in api.params.items() if k != "prompt"}
    api.button.click(
        handlers.compare,
        inputs_kwargs={
            "images": api.images, "prompt": prompt, "models": models, "seeds": seeds, **others,
        },
        outputs=[gallery, summary], api_name="compare", **edit_limit,
    )  # fmt: skip
