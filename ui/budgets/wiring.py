"""The admins' list joins the page under History's list: filled when the page loads and
whenever History is listed again (after every run); also the `/budget_use` endpoint."""

from __future__ import annotations

import gradio as gr

from ui.budgets.handlers import UseHandlers
from ui.budgets.parts import build_use_table
from ui.core.context import PageContext
from ui.core.events import AT_ONCE, QUIET
from ui.core.page import HistoryHooks


def add_budgets(ctx: PageContext, demo: gr.Blocks, history: HistoryHooks) -> None:
    if not ctx.config.admins:
        return
    handlers = UseHandlers(ctx)
    with history.below_list:
        parts = build_use_table()
    listing = {"fn": handlers.use_table, "inputs": None, "outputs": parts.table}
    demo.load(**listing, api_name="budget_use", **AT_ONCE)
    history.gallery.change(**listing, **QUIET)
