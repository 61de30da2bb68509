"""Issue 25.3's words and sums, without a server: what is left beside Run, when the day resets,
and a comparison's images summed against the model's cap and the day's together."""

from __future__ import annotations

import pytest

from history.budgets import Budget, Left, Use
from ui.budgets.handlers import use_markdown
from ui.core.budgets import OverBudgetRefused, check_fits, left_text, reset_values
from ui.core.prices import parse_prices

WAN, QWEN = "wan2.7-image-pro", "qwen-image-2.0-pro"
MIDNIGHT = 1_764_806_400.0  # 2025-12-04 00:00 UTC


def left(model: str, used: int, model_used: int, budget: Budget) -> Left:
    return Left(budget, model, used, model_used, MIDNIGHT)


def test_the_reset_is_counted_in_whole_minutes_up_to_midnight_utc():
    assert reset_values(MIDNIGHT, MIDNIGHT - 3 * 3600 - 61) == {"hours": 3, "minutes": 2}
    assert reset_values(MIDNIGHT, MIDNIGHT - 1) == {"hours": 0, "minutes": 1}


def test_what_is_left_names_the_tighter_cap():
    budget = Budget(20, ((WAN, 5),))
    assert left_text(left(QWEN, 8, 8, budget), "en").startswith("12 of 20 images left today")
    assert left_text(left(WAN, 8, 3, budget), "en").startswith(f"2 of 5 {WAN} images left today")
    assert left_text(left(QWEN, 8, 8, Budget()), "en") == ""
    assert left_text(left(QWEN, 8, 8, budget), "zh").startswith("今日还剩 12/20 张图片（协调世界时")


def test_a_comparison_is_summed_across_models_against_the_days_cap():
    budget = Budget(6, ((WAN, 4),))
    lefts = {QWEN: left(QWEN, 0, 0, budget), WAN: left(WAN, 0, 0, budget)}
    check_fits(lefts, {QWEN: 3, WAN: 3})
    with pytest.raises(OverBudgetRefused) as refused:
        check_fits(lefts, {QWEN: 4, WAN: 4})
    assert refused.value.text_key == "over_budget" and refused.value.asked == 8
    assert "only 6 of your 6 images" in str(refused.value)
    with pytest.raises(OverBudgetRefused) as refused:
        check_fits(lefts, {WAN: 5})
    assert refused.value.text_key == "over_budget_model" and f"4 {WAN} images" in str(refused.value)


def test_the_admins_table_prices_what_has_a_price():
    uses = [Use("user:ada", "ada", QWEN, 4, 2), Use("anon:0123456789ab", None, WAN, 1, 1)]
    table = use_markdown(uses, parse_prices(f"{QWEN}=0.075"), "en")
    assert f"| ada | `{QWEN}` | 4 | 2 | $0.30 |" in table
    assert f"| visitor 01234567 | `{WAN}` | 1 | 1 | — |" in table
    assert "Cost" not in use_markdown(uses, parse_prices(""), "en")
    assert use_markdown([], parse_prices(""), "zh") == "今天还没有生成图片。"
