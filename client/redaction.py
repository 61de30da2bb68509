"""Keys out of everything shown, logged or stored: text, or parsed JSON at any depth.

The client removes its own key from what the service sends back (an upstream may echo the
Authorization header in an error or even in a successful reply); the app also removes its
configured key and the visitor's pasted key from what a run records. One rule serves both.

An upstream rarely echoes a key verbatim only: it may upper-case it, url-encode it, or base64 it
(alone, or inside "Bearer <key>" or "user:<key>"). Each of these forms is masked too: the key
and its url-encoding in any letter case, and the run of base64 text (standard or url-safe, with
or without padding) that encodes the key at any byte offset, whole.
"""

from __future__ import annotations

import base64
import re
import string
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_CHARS = 8
"""Shorter strings are no real key; masking them would only garble ordinary words."""
BASE64_CHARS = frozenset(string.ascii_letters + string.digits + "+/_-")
"""Both base64 alphabets: a match is widened over these to the whole encoded token."""
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]*")
_PADDING = re.compile("=*")


def redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """`value` with every copy of each secret, in any of the forms above, replaced by ***; dict
    keys, lists and tuples are walked, anything else (numbers, bytes, None) is returned as is."""
    keys = tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}))
    return _redact(value, _patterns(keys)) if keys else value


def _redact(value: Any, patterns: tuple[re.Pattern, re.Pattern]) -> Any:
    if isinstance(value, str):
        return _mask_text(value, *patterns)
    if isinstance(value, dict):
        return {_redact(name, patterns): _redact(item, patterns) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact(item, patterns) for item in value)
    return value


@lru_cache(maxsize=64)
def _patterns(keys: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """(the keys as text and url-encoded, any case; the base64 cores of the keys)."""
    plain = {form for key in keys for form in (key, quote(key, safe=""), quote_plus(key))}
    spellings = {spelling for key in keys for spelling in (key, key.upper(), key.lower())}
    cores = {core for spelling in spellings for core in _base64_cores(spelling)}
    return _alternation(plain, re.IGNORECASE), _alternation(cores)


def _alternation(forms: Iterable[str], flags: int = 0) -> re.Pattern:
    ordered = sorted(forms, key=len, reverse=True)  # the longest form wins where two overlap
    return re.compile("|".join(re.escape(form) for form in ordered), flags)


def _base64_cores(text: str) -> set[str]:
    """The base64 characters that encode `text` whatever bytes come before and after it: for
    each of the three offsets, the characters made of the key's bits alone, in both
    alphabets."""
    data = text.encode("utf-8")
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + data).decode("ascii")
        first = -(-offset * 8 // 6)  # the first character with no bit of the bytes before
        last = (offset + len(data)) * 8 // 6  # past the last with no bit of the bytes after
        core = encoded[first:last]
        cores.update({core, core.translate(str.maketrans("+/", "-_"))})
    return cores


def _mask_text(text: str, plain: re.Pattern, base64_core: re.Pattern) -> str:
    return plain.sub(MASK, _mask_base64(text, base64_core))


def _mask_base64(text: str, core: re.Pattern) -> str:
    """Each base64 token holding a key's core, whole (with its padding), becomes ***."""
    pieces, done = [], 0
    for match in core.finditer(text):
        if match.start() < done:
            continue  # inside a token already masked
        start = match.start()
        while start > done and text[start - 1] in BASE64_CHARS:
            start -= 1
        end = _BASE64_RUN.match(text, match.end()).end()
        end = _PADDING.match(text, end).end()
        pieces += [text[done:start], MASK]
        done = end
    return "".join(pieces) + text[done:] if pieces else text
