"""The usage lines as a visitor reads them: counts always, a cost only with prices, and a model
without a price named rather than priced at zero; the session tally a page keeps."""

from types import MappingProxyType

import pytest

from history import Usage
from ui.core.prices import Prices, parse_prices
from ui.core.session_usage import SessionUsage
from ui.core.usage import history_usage_text, plan_text, status_usage_text

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"
PRICES = parse_prices(f"{QWEN}=0.075,{WAN}=0.094")


def usage(runs: int, **images: int) -> Usage:
    names = {"qwen": QWEN, "wan": WAN}
    return Usage(runs, MappingProxyType({names.get(k, k): v for k, v in images.items()}))


@pytest.mark.parametrize(
    ("counts", "prices", "text"),
    [
        ({QWEN: 1}, Prices(), "Will make 1 image"),
        ({QWEN: 4}, Prices(), "Will make 4 images"),
        ({QWEN: 4}, PRICES, "Will make 4 images (≈ $0.30)"),
        ({QWEN: 4, WAN: 4}, PRICES, "Will make 8 images (≈ $0.676)"),
        ({"custom-x": 2}, PRICES, "Will make 2 images (cost unknown: no price set for custom-x)"),
        (
            {QWEN: 2, "custom-x": 2},
            PRICES,
            "Will make 4 images (≥ $0.15; no price set for custom-x)",
        ),
    ],
)
def test_the_plan_says_what_a_run_will_make(counts, prices, text):
    assert plan_text(counts, prices, "en") == text


def test_the_plan_in_chinese():
    assert plan_text({QWEN: 4}, PRICES, "zh") == "将生成 4 张图片（约 $0.30）"


def test_the_status_line_counts_the_run_the_session_and_the_history():
    text = status_usage_text(
        usage(1, qwen=2), usage(3, qwen=6), usage(25, qwen=30, wan=10), PRICES, "en", False
    )
    assert text == (
        "**Usage** · this run 2 images (≈ $0.15) · this session 6 images (≈ $0.45)"
        " · your history 40 images (≈ $3.19)"
    )


def test_without_prices_only_images_are_counted():
    text = status_usage_text(usage(1, qwen=0), usage(1, qwen=0), usage(1), Prices(), "en", True)
    assert (
        text
        == "**Usage** · this run 0 images · this session 0 images · everyone's history 0 images"
    )


def test_the_history_line_names_runs_models_and_the_configured_prices():
    text = history_usage_text(usage(25, qwen=30, wan=10), PRICES, "en", False)
    assert text == (
        "**Your history:** 40 images in 25 runs (≈ $3.19 at the configured prices)"
        " · qwen-image-2.0-pro 30, wan2.7-image-pro 10"
    )
    assert history_usage_text(usage(1, wan=1), Prices(), "en", True) == (
        "**Everyone's history:** 1 image in 1 run · wan2.7-image-pro 1"
    )


def test_a_session_tally_is_its_own_and_forgets_the_oldest_sessions():
    tally = SessionUsage(max_sessions=2)
    tally.record("a", QWEN, 2)
    tally.record("a", WAN, 0)  # a failed run: a run, no image
    tally.record("b", QWEN, 1)
    assert (tally.of("a").runs, dict(tally.of("a").images_by_model)) == (2, {QWEN: 2, WAN: 0})
    assert tally.of("b").images == 1 and tally.of("nobody").runs == 0
    tally.record("c", WAN, 1)
    assert tally.of("a").runs == 0, "the oldest session went first"
    assert tally.of("b").images == 1 and tally.of("c").images == 1
