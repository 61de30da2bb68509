"""The second documented request shape, `input.messages`, read into the flat shape's fields.

    {"model": "wan2.7-image-pro",
     "input": {"messages": [{"role": "user",
                             "content": [{"image": "<url or data URI>"}, ..., {"text": "..."}]}]},
     "n": 2, "size": "2K", "seed": 7, "bbox_list": [...], ...}

JSON only. The one user message's content holds the images first, then exactly one text item: the
prompt. Every other parameter sits at the top level, and a top-level `parameters` field is refused
("the request body does not accept a top-level parameters field"). What a client merges in from
`extra` is given back as `extra`: keys of `input` beside `messages` as extra.input, top-level keys
the flat shape does not name as extra.parameters. So both shapes make the same EditRequest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client.params import WIRE_NAMES

from .errors import APIError, invalid

MESSAGES = "messages"
PARAM = "input.messages"
FLAT_ONLY = {
    "parameters": "The request body does not accept a top-level parameters field: in the "
    "messages shape n, size, seed and the rest sit at the top level themselves.",
    "prompt": "In the messages shape the prompt is the last content item of input.messages, "
    '{"text": ...}, not a top-level field.',
    "image": "In the messages shape each image is a content item of input.messages, "
    '{"image": ...}, not a top-level field.',
    "extra": "The messages shape has no extra: its input keys go into input, its parameters "
    "keys at the top level.",
}
"""Top-level fields the messages shape refuses, and why."""
TOP_LEVEL_NAMES = frozenset(WIRE_NAMES) - FLAT_ONLY.keys()
"""Request fields that sit at the top level in both shapes."""


def is_messages_shape(body: Mapping[str, Any]) -> bool:
    """Whether `body` is the messages shape: it carries `input.messages`."""
    given = body.get("input")
    return isinstance(given, Mapping) and MESSAGES in given


def flatten(body: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """The flat shape's fields of a messages body (prompt and extra included) and its image
    sources, in order; raises APIError for a malformed body."""
    _refuse_flat_fields(body)
    sources, prompt = _split_content(_user_content(body["input"][MESSAGES]))
    fields = {name: value for name, value in body.items() if name in TOP_LEVEL_NAMES}
    fields["prompt"] = prompt
    extra = _extra(body)
    if extra:
        fields["extra"] = extra
    return fields, sources


def _refuse_flat_fields(body: Mapping[str, Any]) -> None:
    for name, reason in FLAT_ONLY.items():
        if name in body:
            raise invalid(reason, param=name)


def _user_content(messages: Any) -> list[Any]:
    """The content of the body's one message, which must have the role "user"."""
    if not isinstance(messages, list) or not any(_is_user(message) for message in messages):
        raise invalid(
            'input.messages has no message with role "user": send '
            '[{"role": "user", "content": [{"image": ...}, ..., {"text": ...}]}].',
            param=PARAM,
        )
    if len(messages) != 1:
        raise invalid(
            f'input.messages must hold one message, role "user"; got {len(messages)}.',
            param=PARAM,
        )
    content = messages[0].get("content")
    if not isinstance(content, list) or not content:
        raise invalid(
            "input.messages[0].content must be a list: the image items, then one text item.",
            param=PARAM,
        )
    return content


def _is_user(message: Any) -> bool:
    return isinstance(message, Mapping) and message.get("role") == "user"


def _split_content(content: list[Any]) -> tuple[list[Any], Any]:
    """The image sources and the prompt of a content list: images first, then one text."""
    sources: list[Any] = []
    texts: list[Any] = []
    for position, item in enumerate(content):
        if _kind(item, position) == "text":
            texts.append(item["text"])
        elif texts:
            raise _content_error(
                position, "is an image after the text; the images come first, then the text"
            )
        else:
            sources.append(item["image"])
    if not texts:
        raise invalid(
            'input.messages[0].content has no text item: end it with {"text": "<prompt>"}.',
            param=PARAM,
        )
    if len(texts) > 1:
        raise invalid(
            f"input.messages[0].content has {len(texts)} text items; send exactly one, last.",
            param=PARAM,
        )
    return sources, texts[0]


def _kind(item: Any, position: int) -> str:
    """ "image" or "text": which one of the two keys the content item has."""
    kinds = [key for key in ("image", "text") if isinstance(item, Mapping) and key in item]
    if len(kinds) != 1:
        raise _content_error(
            position,
            'must have exactly one of "image" and "text"'
            + (f"; it has {' and '.join(kinds)}" if kinds else ""),
        )
    return kinds[0]


def _content_error(position: int, problem: str) -> APIError:
    return invalid(f"input.messages[0].content[{position}] {problem}.", param=PARAM)


def _extra(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the client merged in from `extra`, as `extra` again (empty when nothing was)."""
    extra_input = {name: value for name, value in body["input"].items() if name != MESSAGES}
    extra_parameters = {
        name: value
        for name, value in body.items()
        if name not in TOP_LEVEL_NAMES and name != "input"
    }
    parts = {"input": extra_input, "parameters": extra_parameters}
    return {name: part for name, part in parts.items() if part}
