"""Prices per image per model (PRICE_PER_IMAGE), which turn images counted into an estimated cost.

Whoever runs the app configures them (the gateway publishes no price list the app could read).
A model without a price still has its images counted, and an estimate names it rather than
pretend it was free. Amounts are Decimals, so 3 × 0.075 is 0.225 exactly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from client.models import MODELS

logger = logging.getLogger(__name__)

PRICE_PER_IMAGE_ENV = "PRICE_PER_IMAGE"
DEFAULT_CURRENCY = "$"
EXAMPLE = "qwen-image-2.0-pro=0.075,wan2.7-image-pro=0.094"
PRICE = re.compile(r"(?P<currency>[^\d.\s+-]*)\s*(?P<amount>\d+(?:\.\d+)?|\.\d+)")
"""A price: a plain amount (shown with $), or one with its currency sign first (¥0.5, €0.07)."""


class PriceError(ValueError):
    """PRICE_PER_IMAGE cannot be read; the message says what is wrong (config.py names it)."""


@dataclass(frozen=True)
class Estimate:
    """The cost of some images: `amount` for the priced ones, `unpriced` the models (with
    images) that have no price, so the amount is then only a lower bound."""

    amount: Decimal
    unpriced: tuple[str, ...]


@dataclass(frozen=True)
class Prices:
    per_image: tuple[tuple[str, Decimal], ...] = ()
    currency: str = DEFAULT_CURRENCY

    @property
    def configured(self) -> bool:
        return bool(self.per_image)

    def estimate(self, images_by_model: Mapping[str, int]) -> Estimate:
        prices = dict(self.per_image)
        amount = sum(
            (prices[model] * count for model, count in images_by_model.items() if model in prices),
            Decimal(0),
        )
        unpriced = sorted(
            model for model, count in images_by_model.items() if count and model not in prices
        )
        return Estimate(amount, tuple(unpriced))

    def money(self, amount: Decimal) -> str:
        """`$0.30`, `$0.075`, `$12.35`: cents, or tenths of a cent below ten."""
        places = Decimal("0.01") if amount >= 10 else Decimal("0.001")
        text = str(amount.quantize(places, ROUND_HALF_UP))
        if text.endswith("0") and len(text.partition(".")[2]) > 2:
            text = text[:-1]
        return f"{self.currency}{text}"


def parse_prices(value: str) -> Prices:
    """`model=price,model=price` (spaces allowed); empty: no prices. Raises PriceError."""
    value = value.strip()
    if not value:
        return Prices()
    pairs: dict[str, Decimal] = {}
    currencies = set()
    for entry in (part.strip() for part in value.split(",")):
        model, sep, price = (side.strip() for side in entry.partition("="))
        if not sep or not model:
            raise PriceError(f"must be model=price pairs, like {EXAMPLE}; got {entry!r}.")
        match = PRICE.fullmatch(price)
        if match is None:
            raise PriceError(f"the price of {model} must be a number like 0.075; got {price!r}.")
        if model in pairs:
            raise PriceError(f"names {model} twice.")
        pairs[model] = Decimal(match["amount"])
        currencies.add(match["currency"] or DEFAULT_CURRENCY)
    if len(currencies) > 1:
        raise PriceError(f"mixes currencies ({', '.join(sorted(currencies))}); use one.")
    for model in pairs.keys() - set(MODELS):
        logger.warning("PRICE_PER_IMAGE prices %s, which is not a listed model", model)
    return Prices(tuple(pairs.items()), currencies.pop())
