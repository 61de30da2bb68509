"""Issue 21.4: `bbox_list` and `extra` are bounded before anything is sent or stored.

At most BOXES_MAX_PER_IMAGE boxes per image, JSON_MAX_DEPTH levels of nesting, and
PARAMS_MAX_BYTES of JSON text and of stored parameters; each refusal names the field and the limit
and comes before a request is made. Deep values are walked without recursion, so a 100,000-deep
value gets the readable refusal, not a RecursionError.
"""

from __future__ import annotations

import json

import pytest
from PIL import Image

from client import ValidationError
from client.cli import main
from client.json_values import parse_json_param, text_depth, value_depth
from client.models import BOXES_MAX_PER_IMAGE, JSON_MAX_DEPTH, PARAMS_MAX_BYTES
from tests.client.fakes import FakeService, edit_args, make_client, png

WAN = "wan2.7-image-pro"
DEEP = 100_000


def nested_lists(depth: int) -> list:
    value: list = [0, 0, 1, 1]
    for _ in range(depth - 1):
        value = [value]
    return value


def nested_dicts(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"more": value}
    return value


def boxes(count: int) -> list[list[int]]:
    return [[index, index, index + 10, index + 10] for index in range(count)]


def test_the_box_cap_is_taken_and_one_more_is_refused_naming_the_image_and_the_cap():
    service = FakeService()
    client = make_client(service)
    client.edit(**edit_args(model=WAN, images=[png()], bbox_list=[boxes(BOXES_MAX_PER_IMAGE)]))
    assert len(service.json_body()["bbox_list"][0]) == BOXES_MAX_PER_IMAGE
    service.requests.clear()
    over = [boxes(1), boxes(BOXES_MAX_PER_IMAGE + 1)]
    with pytest.raises(ValidationError) as caught:
        client.edit(**edit_args(model=WAN, images=[png(), png()], bbox_list=over))
    assert str(caught.value) == (
        f"bbox_list: image 2 has {BOXES_MAX_PER_IMAGE + 1} boxes; at most {BOXES_MAX_PER_IMAGE} "
        "boxes per input image are taken. Keep the regions that matter most."
    )
    assert service.requests == []


def test_a_million_boxes_are_refused_before_sending():
    service = FakeService()
    with pytest.raises(ValidationError, match="image 1 has 1000000 boxes"):
        make_client(service).edit(**edit_args(model=WAN, bbox_list=[[[0, 0, 1, 1]] * 1_000_000]))
    assert service.requests == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bbox_list", [nested_lists(DEEP)]),
        ("bbox_list", [[nested_lists(DEEP)]]),
        ("extra", {"parameters": nested_dicts(DEEP)}),
        ("extra", {"input": {"items": nested_lists(DEEP)}}),
    ],
    ids=["bbox-list", "bbox-box", "extra-dicts", "extra-lists"],
)
def test_deep_python_values_are_refused_readably_before_sending(field, value):
    service = FakeService()
    with pytest.raises(ValidationError) as caught:
        make_client(service).edit(**edit_args(model=WAN, **{field: value}))
    assert str(caught.value).startswith(f"{field} is nested more than {JSON_MAX_DEPTH} levels deep")
    assert caught.value.field == field
    assert service.requests == []


def test_nesting_up_to_the_limit_is_a_parameter():
    service = FakeService()
    extra = {"parameters": nested_dicts(JSON_MAX_DEPTH - 1)}
    make_client(service).edit(**edit_args(extra=extra))
    assert len(service.posts) == 1


DEEP_TEXT = 20_000
"""Deep enough to break Python's JSON reader, short enough to pass the size limit."""


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("bbox_list", "[" * DEEP_TEXT + "]" * DEEP_TEXT),
        ("bbox_list", "[[" + "[" * DEEP_TEXT),  # broken as well as deep: still no RecursionError
        ("extra", '{"a":' * DEEP_TEXT + "1" + "}" * DEEP_TEXT),
        ("extra", '{"parameters": ' + "[" * DEEP_TEXT + "]" * DEEP_TEXT + "}"),
    ],
    ids=["lists", "unclosed", "objects", "lists-in-object"],
)
def test_deep_json_text_is_refused_readably_without_being_parsed(field, text):
    assert len(text) < PARAMS_MAX_BYTES
    with pytest.raises(ValidationError) as caught:
        parse_json_param(field, text)
    message = str(caught.value)
    assert message.startswith(f"{field} is nested more than {JSON_MAX_DEPTH} levels deep")
    assert "Remove the extra brackets." in message


def test_a_100000_deep_text_is_refused_readably_too():
    with pytest.raises(ValidationError, match="the limit is"):
        parse_json_param("extra", '{"a":' * DEEP + "1" + "}" * DEEP)


def test_brackets_inside_strings_are_text_not_nesting():
    text = json.dumps({"parameters": {"note": "[" * 1000 + '\\"{' * 500}})
    assert text_depth(text) == 2
    assert parse_json_param("extra", text)["parameters"]["note"].startswith("[[[")


def test_a_json_text_over_the_limit_is_refused_before_parsing():
    text = json.dumps([[[0, 0, 1, 1]] * 1_000_000])
    with pytest.raises(ValidationError) as caught:
        parse_json_param("bbox_list", text)
    kb = PARAMS_MAX_BYTES // 1024
    assert (
        str(caught.value)
        == f"bbox_list is {len(text) / 1024:.0f} KB of text; the limit is {kb} KB."
    )


def test_stored_parameters_are_bounded_even_when_each_box_is_valid():
    """Boxes sent with a picture's URL are not checked against the picture, so only the size
    of the parameters stops coordinates of thousands of digits."""
    huge = 10**4000
    service = FakeService()
    bbox_list = [[[0, 0, huge, huge]] * BOXES_MAX_PER_IMAGE]
    with pytest.raises(ValidationError) as caught:
        make_client(service).edit(
            **edit_args(model=WAN, images=["https://example.com/a.png"], bbox_list=bbox_list)
        )
    kb = PARAMS_MAX_BYTES // 1024
    assert caught.value.field == "parameters"
    assert f"the limit is {kb} KB" in str(caught.value)
    assert service.requests == []


def test_the_depth_walks_do_not_recurse():
    """Far deeper than Python's recursion limit, both give the depth itself."""
    assert value_depth(nested_lists(DEEP), stop_after=DEEP) == DEEP
    assert text_depth("[" * DEEP) == DEEP


def test_the_command_line_refuses_deep_json_in_one_line(capsys, monkeypatch):
    # main() raises Pillow's global limit for large photos; it is put back after the test
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)
    with pytest.raises(SystemExit) as exit_status:
        main(["edit", "-p", "x", "-i", "a.png", "--bbox", "[" * DEEP])
    assert exit_status.value.code == 2
    error = capsys.readouterr().err
    assert f"--bbox-list: bbox_list is nested more than {JSON_MAX_DEPTH} levels deep" in error
    assert "Traceback" not in error
