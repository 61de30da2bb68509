"""The admins' list of the day's use, in the slot under History's list: one table, shown only to
the logins of APP_ADMINS (hidden, and empty, for everyone else). Wired in ui/budgets/wiring.py."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr


@dataclass
class UseTable:
    table: gr.Markdown
    """Everyone's images of the UTC day, per person and model (priced with PRICE_PER_IMAGE)."""


def build_use_table() -> UseTable:
    return UseTable(gr.Markdown(label="Use today", visible=False, elem_id="budget-use"))
