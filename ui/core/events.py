"""A small page action that cannot be done says why in a toast and leaves the page as it was.

Raising gr.Error would also paint a red "Error" over every output of the event (and, for an
event outside Gradio's queue, show no reason at all). So such an action is queued (wiring's
SAYS_WHY), warns with the reason and skips its outputs.
"""

from __future__ import annotations

from typing import Any

import gradio as gr


def refused(reason: str, outputs: int) -> Any:
    """Shows `reason` and changes none of the action's `outputs` (their number)."""
    gr.Warning(reason)
    skips = tuple(gr.skip() for _ in range(outputs))
    return skips[0] if outputs == 1 else skips
