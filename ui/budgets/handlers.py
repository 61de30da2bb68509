"""The admins' list: who made how many images of which model today (UTC), from the budgets'
ledger (history/budgets.py), with their cost when PRICE_PER_IMAGE is set. Only the logins of
APP_ADMINS get it; anyone else gets nothing, not even that it exists."""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from history.budgets import Use, utc_day
from ui.core.context import PageContext
from ui.core.owner import USER
from ui.core.prices import Prices
from ui.core.texts import language_of, text_in

COLUMNS = ("budget_use_person", "budget_use_model", "budget_use_images", "budget_use_runs")


class UseHandlers:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx

    def is_admin(self, request: Any) -> bool:
        owner = self.ctx.owner(request).id
        return any(owner == f"{USER}{login}" for login in self.ctx.config.admins)

    def use_table(self, request: gr.Request = None) -> Any:
        """The table for an admin; hidden and empty for anyone else."""
        if not self.is_admin(request):
            return gr.update(value="", visible=False)
        language = language_of(request)
        now = time.time()
        table = use_markdown(self.ctx.store.use_today(now), self.ctx.config.prices, language)
        title = text_in(language, "budget_use_title", day=utc_day(now))
        return gr.update(value=f"**{title}**\n\n{table}", visible=True)


def use_markdown(uses: list[Use], prices: Prices, language: str) -> str:
    """A Markdown table, one row per person and model, most images first."""
    if not uses:
        return text_in(language, "budget_use_none")
    columns = COLUMNS + (("budget_use_cost",) if prices.configured else ())
    lines = [
        "| " + " | ".join(text_in(language, key) for key in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for use in uses:
        cells = [person(use, language), f"`{use.model}`", str(use.images), str(use.runs)]
        if prices.configured:
            cells.append(cost(use, prices))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def person(use: Use, language: str) -> str:
    """The login (or token owner's label), else a visitor's short id."""
    if use.owner_label:
        return use.owner_label.replace("|", "\\|")
    return text_in(language, "budget_use_visitor", id=use.owner.rpartition(":")[2][:8])


def cost(use: Use, prices: Prices) -> str:
    estimate = prices.estimate({use.model: use.images})
    return "—" if estimate.unpriced else prices.money(estimate.amount)
