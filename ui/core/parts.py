"""Components that several features build alike: a stored run's pictures, as History's opened
run and a shared link show them (whole pictures, three to a row, at any width from a phone's)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.core.texts import label


def run_pictures(label_key: str, height: int, **options: Any) -> gr.Gallery:
    """A run's inputs or results, labelled by the text `label_key`."""
    return gr.Gallery(
        label=label(label_key),
        columns=3,
        height=height,
        object_fit="contain",
        min_width=240,
        elem_classes=["detail-images"],
        **options,
    )
