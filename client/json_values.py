"""The structured parameters (`extra`, `bbox_list`) bounded before anything reads them deeply.

A value nested thousands of levels deep makes Python's JSON reader, its writer and repr fail with
a RecursionError, which reached the visitor as a generic error; a text of megabytes is parsed into
hundreds of megabytes and kept as a run's row. Every door (the client, the CLI, the page, the API,
the simulator) parses such text here and validates such values here, so both are refused before
sending, with a message naming the field. The checks iterate (a stack, a scan); none recurses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .errors import ValidationError
from .limit_texts import json_depth_text, params_size_text
from .models import JSON_MAX_DEPTH, PARAMS_MAX_BYTES

NESTING = (Mapping, list, tuple)
"""What nests: objects (dicts) and lists (tuples from Python callers)."""
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
"""A JSON string (skipped whole, brackets inside it are text) or one bracket."""


def value_depth(value: Any, stop_after: int = JSON_MAX_DEPTH) -> int:
    """How deeply `value`'s objects and lists nest (a scalar is 0, `[]` is 1); the walk stops
    once deeper than `stop_after`, so a value that contains itself is just "too deep"."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > stop_after:
            return deepest
        pending.extend((child, depth + 1) for child in children if isinstance(child, NESTING))
    return deepest


def text_depth(text: str) -> int:
    """How deeply the JSON `text` nests, read from its brackets outside strings (broken JSON
    gets a number too; the parser then says what is wrong with it)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        bracket = match.group()[0]
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def check_depth(name: str, value: Any) -> None:
    """Raises ValidationError when `value` nests deeper than JSON_MAX_DEPTH."""
    if value_depth(value) > JSON_MAX_DEPTH:
        raise too_deep(name, " (or contains itself)")


def too_deep(name: str, aside: str = "") -> ValidationError:
    return ValidationError(
        name,
        json_depth_text(),
        "(too deeply nested to show)",
        f"{name} is nested more than {JSON_MAX_DEPTH} levels deep{aside}; {json_depth_text()}. "
        "Remove the extra brackets.",
    )


def parse_json_param(name: str, text: str) -> Any:
    """The value of the JSON text of parameter `name`; ValidationError when the text is over
    PARAMS_MAX_BYTES, nested too deeply, or not JSON. Size and depth are checked first, on the
    text, so an oversized or deep text is never parsed."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > PARAMS_MAX_BYTES:
        raise ValidationError(
            name,
            params_size_text(),
            f"{size} bytes",
            f"{name} is {size / 1024:.0f} KB of text; {params_size_text()}.",
        )
    if text_depth(text) > JSON_MAX_DEPTH:
        raise too_deep(name)
    try:
        return json.loads(text)
    except ValueError as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise ValidationError(
            name, "valid JSON", text, f"{name} is not valid JSON: {message}{where}."
        ) from None
    except RecursionError:  # the scan above keeps this from happening; the message stays kind
        raise too_deep(name) from None


def stored_size(values: Mapping[str, Any]) -> int | None:
    """Bytes of `values` as compact JSON (how a run's parameters are kept); None when they are
    not plain JSON (a number of thousands of digits, say)."""
    try:
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None
    return len(text.encode("utf-8", "surrogatepass"))
