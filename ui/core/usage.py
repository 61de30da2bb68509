"""Usage in words: what a run will make, and what a run, the session and the history made.

Pure functions of counts (history.Usage), the configured prices (ui/core/prices.py) and a language,
so any part of the page (the editor's Run, a comparison of several runs) can say "Will make 8
images (≈ $0.68)" the same way. Without prices only images are counted; a model without a
price is named, never priced at zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from history import Usage
from ui.core.prices import Prices
from ui.core.session_usage import session_of
from ui.core.texts import language_of
from ui.core.texts import text_in as words

if TYPE_CHECKING:
    from ui.core.context import PageContext
    from ui.core.runs import RunOutcome


def requested_images(n: float | None) -> int:
    """The images one run asks for: the page's n (a slider's float, or empty: 1), at least 1."""
    return max(int(n or 1), 1)


def images_text(count: int, language: str) -> str:
    """ "1 image", "4 images"."""
    if count == 1:
        return words(language, "one_image")
    return words(language, "image_count", count=count)


def runs_text(count: int, language: str) -> str:
    return words(language, "one_run") if count == 1 else words(language, "run_count", count=count)


def cost_text(
    images_by_model: Mapping[str, int], prices: Prices, language: str, note: str = ""
) -> str:
    """ " (≈ $0.30)", or what keeps it from being exact; "" when no prices are configured.
    `note` follows the amount (" at the configured prices")."""
    if not prices.configured:
        return ""
    estimate = prices.estimate(images_by_model)
    amount = prices.money(estimate.amount) + note
    if not estimate.unpriced:
        return words(language, "cost_about", amount=amount)
    models = ", ".join(estimate.unpriced)
    if estimate.amount:
        return words(language, "cost_at_least", amount=amount, models=models)
    return words(language, "cost_unknown", models=models)


def counted(usage: Usage, prices: Prices, language: str) -> str:
    """ "6 images (≈ $0.45)"."""
    return images_text(usage.images, language) + cost_text(usage.images_by_model, prices, language)


def plan_text(counts_by_model: Mapping[str, int], prices: Prices, language: str) -> str:
    """Before running: "Will make 4 images (≈ $0.30)" for `counts_by_model` images to ask for."""
    images = images_text(sum(counts_by_model.values()), language)
    return words(language, "plan", images=images, cost=cost_text(counts_by_model, prices, language))


def whose(shared: bool, language: str) -> str:
    """ "your history", or "everyone's history" in the shared scope."""
    return words(language, "everyones_history" if shared else "your_history")


def status_usage_text(
    run: Usage,
    session: Usage,
    history: Usage,
    prices: Prices,
    language: str,
    shared: bool,
    this: str = "this_run",
) -> str:
    """After a run, under its outcome: this run (`this`: or "this_comparison"), this page
    session and the history."""
    return words(
        language,
        "usage_status",
        this=words(language, this),
        run=counted(run, prices, language),
        session=counted(session, prices, language),
        whose=whose(shared, language),
        history=counted(history, prices, language),
    )


def history_usage_text(history: Usage, prices: Prices, language: str, shared: bool) -> str:
    """History's line: "Your history: 40 images in 25 runs (≈ $3.40 at the configured prices)
    · qwen-image-2.0-pro 30, wan2.7-image-pro 10"."""
    title = whose(shared, language)
    by_model = ", ".join(
        f"{model} {count}" for model, count in sorted(history.images_by_model.items()) if count
    )
    return words(
        language,
        "history_usage",
        whose=title[:1].upper() + title[1:],
        images=images_text(history.images, language),
        runs=runs_text(history.runs, language),
        cost=cost_text(history.images_by_model, prices, language, words(language, "at_prices")),
        models=f" · {by_model}" if by_model else "",
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
