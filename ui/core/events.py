"""How the page's events are queued and shown, spelled once for every feature.

AT_ONCE events bypass Gradio's queue: its size bound counts every waiting event, so a queue full
of edits would otherwise refuse listing, opening, restoring and deleting runs. PRIVATE events are
the page's own, not API endpoints. A small action that cannot be done says why in a toast
(`refused`) and changes nothing: raising gr.Error would paint a red "Error" over every output of
the event (and, outside the queue, show no reason at all), so such actions are queued (SAYS_WHY).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

AT_ONCE = {"queue": False}
PRIVATE = {"api_visibility": "private"}
QUIET = {**AT_ONCE, **PRIVATE}
"""The page's own small events: answered at once, not part of the API."""
SAYS_WHY = {"show_progress": "hidden", **PRIVATE}
"""A small page action whose refusal the person must read: queued, its outputs not greyed."""


def refused(reason: str) -> Any:
    """Shows `reason` in a toast and leaves every output of the action as it was."""
    gr.Warning(reason)
    return gr.skip()
