"""The client's sentences in the page's language: its refusals and its notes on inputs.

The client (client/) writes English only and never imports the page. Each sentence it may say to
a page visitor has a text in ui/core/texts.py whose English half is the client's own sentence, with
{names} where its values go; the page reads the client's English back into those values and says
it in the visitor's language. A sentence without a text stays as the client wrote it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ui.core.texts import TEXTS, language_of, text_in

CLIENT_SENTENCES = (
    "client_image",
    "client_unreadable",
    "client_truncated",
    "client_too_small",
    "client_aspect",
    "client_bomb",
    "client_cannot_shrink",
    "client_no_file",
    "upload_gone",
    "upload_too_large",
    "client_prompt_empty",
    "client_prompt_long",
    "client_negative_long",
    "client_image_count",
    "client_custom_name",
    "client_prepared",
)
"""The texts whose English half is a sentence the client writes (client/images.py,
client/validation.py, ui/core/controls.py): the page reads the client's English back into its
values and says it in the page's language. A sentence not listed stays as the client wrote it."""
NESTED = ("reason", "changes")
"""Values that are themselves client words (an image's reason, what was done to fit)."""
CHANGES = ("client_downscaled", "client_first_frame", "client_reencoded")
"""What preparing an input may do to it, the parts of a prepared note's {changes}."""


@cache
def _pattern(key: str) -> re.Pattern[str]:
    """The English text of `key` as a pattern whose groups are its {names}."""
    parts = re.split(r"\{(\w+)\}", TEXTS[key][0])
    return re.compile(
        "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
    )


def _read_back(message: str, keys: tuple[str, ...]) -> tuple[str, dict[str, str]] | None:
    for key in keys:
        match = _pattern(key).fullmatch(message)
        if match:
            return key, match.groupdict()
    return None


def translated(message: str, language: str) -> str:
    """A client's sentence (a refusal, a note on an input) in `language`; as it is when it is
    English, or not one of CLIENT_SENTENCES."""
    found = _read_back(message, CLIENT_SENTENCES) if language != "en" else None
    if found is None:
        return message
    key, values = found
    for name in NESTED:
        if name in values:
            values[name] = (
                _changes(values[name], language)
                if name == "changes"
                else (translated(values[name], language))
            )
    return text_in(language, key, **values)


def _changes(text: str, language: str) -> str:
    """ "downscaled from ... and re-encoded as JPEG" in `language`, part by part."""
    head, _, last = text.rpartition(" and ")
    parts = [*(head.split(", ") if head else []), last]
    said = []
    for part in parts:
        found = _read_back(part, CHANGES)
        if found is None:
            return text
        said.append(text_in(language, found[0], **found[1]))
    if len(said) == 1:
        return said[0]
    return text_in(language, "client_and", first="，".join(said[:-1]), last=said[-1])


def error_text(error: Exception, request: Any) -> str:
    """An error's message in the request's language (the client's English when it has none)."""
    return translated(str(error), language_of(request))
