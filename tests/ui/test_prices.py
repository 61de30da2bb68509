"""PRICE_PER_IMAGE: read once at start, refused with one line naming it, and the estimates it
makes (a model without a price is named, never priced at zero)."""

import subprocess
import sys
from decimal import Decimal

import pytest

from tests.app_process import ROOT
from ui.core.config import AppConfig, ConfigError
from ui.core.prices import Prices, parse_prices

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"


@pytest.mark.parametrize(
    ("value", "per_image", "currency"),
    [
        ("", (), "$"),
        (f"{QWEN}=0.075,{WAN}=0.094", ((QWEN, "0.075"), (WAN, "0.094")), "$"),
        (f" {QWEN} = 0.075 , {WAN}=.5 ", ((QWEN, "0.075"), (WAN, ".5")), "$"),
        (f"{QWEN}=$0.075", ((QWEN, "0.075"),), "$"),
        (f"{QWEN}=¥0.5,{WAN}=¥0.5", ((QWEN, "0.5"), (WAN, "0.5")), "¥"),
        (f"{QWEN}=0", ((QWEN, "0"),), "$"),
        ("my-custom-model=1.25", (("my-custom-model", "1.25"),), "$"),
    ],
)
def test_good_prices_are_read(value, per_image, currency):
    prices = AppConfig.from_env([], {"PRICE_PER_IMAGE": value}).prices
    assert prices.per_image == tuple((model, Decimal(amount)) for model, amount in per_image)
    assert prices.currency == currency
    assert prices.configured == bool(per_image)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (QWEN, "must be model=price pairs"),
        ("=0.075", "must be model=price pairs"),
        (f"{QWEN}=0.075,", "must be model=price pairs"),
        (f"{QWEN}=cheap", f"the price of {QWEN} must be a number like 0.075; got 'cheap'"),
        (f"{QWEN}=-0.075", "must be a number"),
        (f"{QWEN}=", "must be a number"),
        (f"{QWEN}=1e3", "must be a number"),
        (f"{QWEN}=0.075,{QWEN}=0.08", f"names {QWEN} twice"),
        (f"{QWEN}=$0.075,{WAN}=¥0.5", r"mixes currencies \(\$, ¥\)"),
    ],
)
def test_a_bad_price_is_refused_naming_the_variable_and_the_problem(value, message):
    with pytest.raises(ConfigError, match=f"^PRICE_PER_IMAGE .*{message}"):
        AppConfig.from_env([], {"PRICE_PER_IMAGE": value})


def test_app_py_exits_with_one_line_naming_a_bad_price(tmp_path):
    env = {"PATH": "", "HISTORY_DIR": str(tmp_path), "PRICE_PER_IMAGE": f"{QWEN}=free"}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: PRICE_PER_IMAGE the price of {QWEN} must be a number like 0.075;"
        " got 'free'."
    ]


PRICES = parse_prices(f"{QWEN}=0.075,{WAN}=0.094")


@pytest.mark.parametrize(
    ("images", "amount", "unpriced"),
    [
        ({}, "0", ()),
        ({QWEN: 4}, "0.300", ()),
        ({QWEN: 3, WAN: 2}, "0.413", ()),
        ({QWEN: 2, "custom-x": 3}, "0.150", ("custom-x",)),
        ({"custom-x": 0}, "0", ()),
    ],
)
def test_an_estimate_prices_what_it_can_and_names_the_rest(images, amount, unpriced):
    estimate = PRICES.estimate(images)
    assert estimate.amount == Decimal(amount) and estimate.unpriced == unpriced


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0", "$0.00"),
        ("0.075", "$0.075"),
        ("0.3", "$0.30"),
        ("0.225", "$0.225"),
        ("3.4", "$3.40"),
        ("9.9995", "$10.00"),
        ("12.345", "$12.35"),
    ],
)
def test_money_shows_cents_and_tenths_of_a_cent_below_ten(amount, shown):
    assert Prices().money(Decimal(amount)) == shown


def test_money_uses_the_configured_currency_sign():
    assert parse_prices(f"{QWEN}=¥0.5").money(Decimal("1.5")) == "¥1.50"


def test_help_and_readme_both_document_price_per_image():
    result = subprocess.run(
        [sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "PRICE_PER_IMAGE" in result.stdout and "(default: unset)" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `PRICE_PER_IMAGE` | unset |" in readme and "### Usage and cost" in readme
