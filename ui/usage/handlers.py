"""Handlers of the usage lines: the plan under Run, the line a finished run adds to the status,
and History's total. Plain functions over PageContext; the words are ui/core/usage.py's.
"""

from __future__ import annotations

import gradio as gr

from client import model_spec
from ui.core.budgets import left_text
from ui.core.context import PageContext
from ui.core.controls import selected_model, whole_number
from ui.core.texts import language_of
from ui.core.usage import (
    history_usage_text,
    plan_text,
    words,
)


class UsageHandlers:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def plan(self, model: str, custom_model: str, n: float, request: gr.Request = None) -> str:
        """Under Run: what the run will make, priced when prices are configured; an n the model
        does not take (empty, a fraction, out of its range) is named, never counted as another
        number (Run refuses it)."""
        language = language_of(request)
        spec = model_spec(selected_model(model, custom_model))
        count = whole_number(n)
        if count is None or not spec.min_n <= count <= spec.max_n:
            return words(language, "plan_bad_n", low=spec.min_n, high=spec.max_n)
        name = selected_model(model, custom_model) or words(language, "unnamed_model")
        return plan_text({name: count}, self.ctx.config.prices, language) + self.left(
            selected_model(model, custom_model), language, request
        )

    def left(self, model: str, language: str, request: gr.Request | None) -> str:
        """ " · 12 of 20 images left today (resets at 00:00 UTC, …)" with a budget, else ""."""
        if not self.ctx.store.budget.configured:
            return ""
        owner = self.ctx.owner(request)
        try:
            text = left_text(self.ctx.store.budget_left(owner.id, model), language)
        except Exception:  # the history is down: the plan stands without it
            return ""
        return f" · {text}" if text else ""

    def history_usage(self, request: gr.Request = None) -> str:
        """History's line: the images the visible history made, per model, and their cost."""
        visible = self.ctx.visible_to(self.ctx.owner(request))
        return history_usage_text(
            self.ctx.store.usage(visible),
            self.ctx.config.prices,
            language_of(request),
            self.ctx.shared_history,
        )
