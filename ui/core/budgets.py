"""Budgets in words (history/budgets.py counts them): what is left today beside Run, and why a
run, a comparison or a batch was refused. Plain Python, no gradio: the Runner raises
OverBudgetRefused, every door says it in its caller's language (ui/core/run_words.py)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace

from client import ImageEditError
from history.budgets import Budget, Left, OverBudget
from ui.core.texts import text_in


class OverBudgetRefused(ImageEditError):
    """A run (or a whole comparison) would pass its owner's budget of the day: nothing was
    sent. `text_key` and `text_values` are its words (ui/core/texts.py)."""

    def __init__(self, left: Left, asked: int, now: float | None = None) -> None:
        self.left, self.asked = left, asked
        self.text_key = "over_budget_model" if left.by_model else "over_budget"
        self.text_values = refusal_values(left, asked, now)
        super().__init__(text_in("en", self.text_key, **self.text_values))

    @classmethod
    def of(cls, over: OverBudget) -> OverBudgetRefused:
        return cls(over.left, over.asked)


def refusal_values(left: Left, asked: int, now: float | None = None) -> dict[str, object]:
    """The numbers the refusal's words name, the same in every language."""
    return {
        "asked": asked,
        "left": left.images_left,
        "limit": left.limit,
        "model": left.model,
        **reset_values(left.reset_at, now),
    }


def reset_values(reset_at: float, now: float | None = None) -> dict[str, int]:
    """Hours and minutes until the day resets (00:00 UTC), rounded up to the minute."""
    minutes = max(int(-(-(reset_at - (time.time() if now is None else now)) // 60)), 1)
    return {"hours": minutes // 60, "minutes": minutes % 60}


def check_fits(lefts: Mapping[str, Left], asked: Mapping[str, int]) -> None:
    """Raises OverBudgetRefused when `asked` images per model (a comparison's cells, a batch's
    items) would not all fit what is left today: the model's cap and the day's, summed."""
    total = sum(asked.values())
    for model, count in asked.items():
        left = lefts[model]
        if not left.allows(count):
            raise OverBudgetRefused(left, count)
        if left.total_left is not None and total > left.total_left:
            raise OverBudgetRefused(replace(left, budget=Budget(left.budget.per_day)), total)


def left_text(left: Left, language: str) -> str:
    """Beside Run: "12 of 20 images left today (resets at 00:00 UTC)", or "" without a cap."""
    if left.images_left is None:
        return ""
    key = "budget_left_model" if left.by_model else "budget_left"
    values = {"left": left.images_left, "limit": left.limit, "model": left.model}
    return text_in(language, key, **values, **reset_values(left.reset_at))
