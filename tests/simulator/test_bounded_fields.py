"""Issue 21.4 in the simulator: it refuses what the client refuses (too many boxes, nesting too
deep, JSON text too large) with a 400 that says why, in JSON and in multipart bodies, as the
gateway would be asked to."""

from __future__ import annotations

import json

import pytest

from client.models import BOXES_MAX_PER_IMAGE, JSON_MAX_DEPTH, PARAMS_MAX_BYTES
from tests.simulator.helpers import AUTH, WAN, body, error_of, png, post

DEEP = 20_000


def boxes(count: int) -> list[list[int]]:
    return [[index, index, index + 10, index + 10] for index in range(count)]


def test_one_box_over_the_cap_is_refused_naming_the_image_and_the_cap(simulator):
    response = post(simulator, json=body(model=WAN, bbox_list=[boxes(BOXES_MAX_PER_IMAGE + 1)]))
    assert response.status_code == 400
    assert error_of(response)["message"] == (
        f"bbox_list: image 1 has {BOXES_MAX_PER_IMAGE + 1} boxes; at most {BOXES_MAX_PER_IMAGE} "
        "boxes per input image are taken. Keep the regions that matter most."
    )


def test_the_cap_itself_is_taken(simulator):
    response = post(simulator, json=body(model=WAN, bbox_list=[boxes(BOXES_MAX_PER_IMAGE)]))
    assert response.status_code == 200, response.text


def test_a_json_body_nested_past_the_reader_is_a_400_not_a_crash(simulator):
    text = json.dumps(body(model=WAN))[:-1] + ', "extra": ' + "[" * DEEP + "]" * DEEP + "}"
    headers = {**AUTH, "content-type": "application/json"}
    response = post(simulator, content=text, headers=headers)
    assert response.status_code == 400
    assert error_of(response)["message"] == "The body nests too deeply."


def test_a_json_body_nested_past_the_limit_is_refused_by_the_validation(simulator):
    extra = {"parameters": {}}
    inner = extra["parameters"]
    for _ in range(JSON_MAX_DEPTH + 5):
        inner["more"] = {}
        inner = inner["more"]
    response = post(simulator, json=body(model=WAN, extra=extra))
    assert response.status_code == 400
    assert (
        f"extra is nested more than {JSON_MAX_DEPTH} levels deep" in error_of(response)["message"]
    )


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("bbox_list", "[" * DEEP, f"bbox_list is nested more than {JSON_MAX_DEPTH} levels deep"),
        ("extra", '{"a":' * DEEP + "1" + "}" * DEEP, f"extra is nested more than {JSON_MAX_DEPTH}"),
        ("extra", '{"p": "' + "x" * PARAMS_MAX_BYTES + '"}', "KB of text; the limit is"),
    ],
    ids=["deep-boxes", "deep-extra", "large-extra"],
)
def test_multipart_json_fields_are_bounded_before_parsing(simulator, field, text, message):
    fields = {"model": WAN, "prompt": "make it snow", "size": "1024*1024", field: text}
    response = post(simulator, data=fields, files={"image": ("in.png", png(), "image/png")})
    assert response.status_code == 400
    assert message in error_of(response)["message"]
