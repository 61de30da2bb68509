"""Handlers of the usage lines: the plan under Run, the line a finished run adds to the status,
and History's total. Plain functions over PageContext; the words are ui/usage.py's.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from history import Usage
from ui.core.context import PageContext
from ui.core.controls import selected_model
from ui.core.runs import RunOutcome
from ui.core.session_usage import session_of
from ui.core.texts import language_of
from ui.core.usage import (
    history_usage_text,
    plan_text,
    requested_images,
    status_usage_text,
    words,
)


def usage_after_run(ctx: PageContext, outcome: RunOutcome, request: Any) -> str:
    """The status line's usage part (after a blank line): this run, this session, the history."""
    return usage_after(ctx, Usage().plus(outcome.params.model, len(outcome.output_paths)), request)


def usage_after(ctx: PageContext, made: Usage, request: Any, this: str = "this_run") -> str:
    """The usage part after what one click `made`: a run, or (`this`: "this_comparison") the
    cells of a comparison."""
    owner = ctx.owner(request)
    return "\n\n" + status_usage_text(
        run=made,
        session=ctx.session_usage.of(session_of(request, owner.id)),
        history=ctx.store.usage(ctx.visible_to(owner)),
        prices=ctx.config.prices,
        language=language_of(request),
        shared=ctx.shared_history,
        this=this,
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
