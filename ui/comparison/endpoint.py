"""The `/compare` endpoint: its hidden inputs (as `/edit`'s, with `models` and `seeds` in place of
`model` and `seed`), wired to CompareHandlers.compare in the edits' concurrency group; its outputs
(the gallery, the summary, the cells' run ids) are the handlers' CompareAnswer.
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
    prompt, others = api.params["prompt"], {k: v for k, v in api.params.items() if k != "prompt"}
    answer = handlers.answer
    api.button.click(
        handlers.compare,
        inputs_kwargs={
            "images": api.images,
            "prompt": prompt,
            "models": models,
            "seeds": seeds,
            **others,
        },
        outputs=answer.outputs(),
        api_name="compare",
        **edit_limit,
    )
