"""Handlers of the usage lines: the plan under Run, the line a finished run adds to the status,
and History's total. Plain functions over PageContext; the words are ui/core/usage.py's.
"""

from __future__ import annotations

import gradio as gr

from ui.core.context import PageContext
from ui.core.controls import selected_model
from ui.core.texts import language_of
from ui.core.usage import (
    history_usage_text,
    plan_text,
    requested_images,
    words,
)


class UsageHandlers:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def plan(self, model: str, custom_model: str, n: float, request: gr.Request = None) -> str:
        """Under Run: what the run will make, priced when prices are configured."""
        language = language_of(request)
        name = selected_model(model, custom_model) or words(language, "unnamed_model")
        return plan_text({name: requested_images(n)}, self.ctx.config.prices, language)

    def history_usage(self, request: gr.Request = None) -> str:
        """History's line: the images the visible history made, per model, and their cost."""
        visible = self.ctx.visible_to(self.ctx.owner(request))
        return history_usage_text(
            self.ctx.store.usage(visible),
            self.ctx.config.prices,
            language_of(request),
            self.ctx.shared_history,
        )
