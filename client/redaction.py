"""Keys out of everything shown, logged or stored: text, or parsed JSON at any depth.

The client removes its own key from what the service sends back (an upstream may echo the
Authorization header in an error or even in a successful reply); the app also removes its
configured key and the visitor's pasted key from what a run records. One rule serves both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MASK = "***"
MIN_SECRET_CHARS = 8
"""Shorter strings are no real key; masking them would only garble ordinary words."""


def redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """`value` with every copy of each secret replaced by ***; dict keys, lists and tuples are
    walked, anything else (numbers, bytes, None) is returned as it is."""
    keys = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)
    return _redact(value, keys) if keys else value


def _redact(value: Any, keys: list[str]) -> Any:
    if isinstance(value, str):
        for key in keys:
            value = value.replace(key, MASK)
        return value
    if isinstance(value, dict):
        return {_redact(name, keys): _redact(item, keys) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact(item, keys) for item in value)
    return value
