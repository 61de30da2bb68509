"""The two JSON shapes of a request, flat and `input.messages`, make the same edit.

Each request is sent both ways over real HTTP: the answers' images are the same bytes and the
request log differs only in which shape arrived. A malformed messages body gets a 400 that says
what is wrong with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulator.helpers import (
    BLUE,
    GREEN,
    RED,
    WAN,
    as_messages,
    body,
    data_uri,
    error_of,
    png,
    post,
    received,
    results,
)

RED_URI, BLUE_URI, GREEN_URI = (data_uri(png(color)) for color in (RED, BLUE, GREEN))
SAME_REQUESTS = {
    "one input": body(),
    "fusion of three": body(model=WAN, image=[RED_URI, BLUE_URI, GREEN_URI], n=2, seed=11),
    "every optional field": body(
        model=WAN, negative_prompt="blurry", watermark=True, prompt_extend=False, seed=0
    ),
    "named size": body(model=WAN, size="1K"),
    "boxes": body(model=WAN, image=[RED_URI, BLUE_URI], bbox_list=[[[10, 10, 200, 200]], []]),
    "chinese prompt": body(prompt="把天空变成晚霞，保留人物"),
    "extra": body(extra={"input": {"mask_strength": 0.3}, "parameters": {"steps": 30}}),
}
LOGGED_PER_REQUEST = {"request_id", "wire_format", "arrived"}


@pytest.mark.parametrize("flat", SAME_REQUESTS.values(), ids=SAME_REQUESTS)
def test_both_shapes_make_the_same_images_and_the_same_request(sim, flat):
    from_flat = results(post(sim, flat))
    from_messages = results(post(sim, as_messages(flat)))

    assert from_messages == from_flat
    flat_record, messages_record = received(sim)
    assert (flat_record["wire_format"], messages_record["wire_format"]) == ("flat", "messages")

    def request_of(record):
        return {name: value for name, value in record.items() if name not in LOGGED_PER_REQUEST}

    assert request_of(messages_record) == request_of(flat_record)


def test_unknown_keys_of_the_messages_shape_arrive_as_extra(sim):
    request = as_messages(body())
    request["input"]["mask_strength"] = 0.3
    request["steps"] = 30

    assert post(sim, request).status_code == 200
    (record,) = received(sim)
    assert record["extra"] == {"input": {"mask_strength": 0.3}, "parameters": {"steps": 30}}


def test_a_key_among_the_messages_shapes_top_level_keys_is_refused_like_one_in_extra(sim):
    request = {**as_messages(body()), "api_key": "sk-leaked"}

    response = post(sim, request)

    assert response.status_code == 400
    assert error_of(response)["param"] == "extra"


def messages(*, content: Any = None, message_list: Any = None, **top_level: Any) -> dict:
    """A valid messages-shape request (one red input) with its content, its message list or
    top-level fields replaced."""
    request = as_messages(body())
    if content is not None:
        request["input"]["messages"][0]["content"] = content
    if message_list is not None:
        request["input"]["messages"] = message_list
    return {**request, **top_level}


IMAGE = {"image": RED_URI}
TEXT = {"text": "make it snow"}
USER = {"role": "user", "content": [IMAGE, TEXT]}
MESSAGES_PARAM = "input.messages"
REFUSALS = {
    "top-level parameters": (messages(parameters={"n": 2}), "parameters", "top-level parameters"),
    "top-level prompt": (messages(prompt="make it snow"), "prompt", "last content item"),
    "top-level image": (messages(image=RED_URI), "image", "each image is a content item"),
    "top-level extra": (messages(extra={"parameters": {}}), "extra", "has no extra"),
    "messages not a list": (messages(message_list={"role": "user"}), MESSAGES_PARAM, "no message"),
    "no messages": (messages(message_list=[]), MESSAGES_PARAM, 'no message with role "user"'),
    "no user message": (
        messages(message_list=[{**USER, "role": "assistant"}]),
        MESSAGES_PARAM,
        'no message with role "user"',
    ),
    "two messages": (messages(message_list=[USER, USER]), MESSAGES_PARAM, "one message"),
    "content not a list": (messages(content="make it snow"), MESSAGES_PARAM, "must be a list"),
    "no text item": (messages(content=[IMAGE, IMAGE]), MESSAGES_PARAM, "no text item"),
    "text before the image": (
        messages(content=[TEXT, IMAGE]),
        MESSAGES_PARAM,
        "content[1] is an image after the text",
    ),
    "two text items": (messages(content=[IMAGE, TEXT, TEXT]), MESSAGES_PARAM, "2 text items"),
    "an item with both": (
        messages(content=[{**IMAGE, **TEXT}]),
        MESSAGES_PARAM,
        "content[0] must have exactly one of",
    ),
    "an item with neither": (
        messages(content=[{"type": "image"}, TEXT]),
        MESSAGES_PARAM,
        "content[0] must have exactly one of",
    ),
    "an item that is no object": (
        messages(content=[RED_URI, TEXT]),
        MESSAGES_PARAM,
        "content[0] must have exactly one of",
    ),
    "no image": (messages(content=[TEXT]), "images", "got 0"),
}


@pytest.mark.parametrize(("request_body", "param", "says"), REFUSALS.values(), ids=REFUSALS)
def test_a_malformed_messages_body_gets_a_400_saying_what_is_wrong(sim, request_body, param, says):
    response = post(sim, request_body)

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["param"]) == ("InvalidParameter", param)
    assert says in error["message"]
