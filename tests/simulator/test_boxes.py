"""bbox_list: boxes in each input's own pixels are outlined where that input lands in the result
(cropped, scaled, mirrored, or tiled into a fusion), and boxes that cannot be are refused.

Every request is sent in both JSON shapes, since bbox_list sits at the top level in both.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from simulator.render import BOX_COLOUR
from tests.simulator.helpers import (
    BLUE,
    QWEN,
    RED,
    WAN,
    as_messages,
    body,
    data_uri,
    error_of,
    image,
    png,
    post,
    results,
    share_of,
)

SHAPES = {"flat": lambda request: request, "messages": as_messages}


@pytest.fixture(params=SHAPES.values(), ids=SHAPES)
def shaped(request):
    """Writes a flat request in the shape under test."""
    return request.param


def edge_midpoints(box: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """A pixel just inside the middle of each of the box's four edges (x2, y2 are edges)."""
    x1, y1, x2, y2 = box
    middle_x, middle_y = (x1 + x2) // 2, (y1 + y2) // 2
    return [(x1 + 1, middle_y), (x2 - 2, middle_y), (middle_x, y1 + 1), (middle_x, y2 - 2)]


def assert_outlined(picture: Image.Image, box: tuple[int, int, int, int]) -> None:
    rgb = picture.convert("RGB")
    assert [rgb.getpixel(point) for point in edge_midpoints(box)] == [BOX_COLOUR] * 4
    x1, y1, x2, y2 = box
    assert rgb.getpixel(((x1 + x2) // 2, (y1 + y2) // 2)) != BOX_COLOUR


def has_box_colour(picture: Image.Image) -> bool:
    colours = picture.convert("RGB").getcolors(maxcolors=picture.width * picture.height)
    return any(colour == BOX_COLOUR for _, colour in colours)


@pytest.mark.parametrize(
    ("input_size", "box", "expected"),
    [
        ((512, 512), [100, 100, 300, 300], (100, 100, 300, 300)),  # as it is
        ((1024, 1024), [200, 200, 600, 600], (100, 100, 300, 300)),  # scaled by half
        ((1024, 512), [300, 100, 500, 300], (44, 100, 244, 300)),  # the sides cropped away
        ((2048, 1024), [712, 200, 1112, 600], (100, 100, 300, 300)),  # cropped and scaled
    ],
)
def test_a_box_is_outlined_where_its_region_lands_in_the_result(
    sim, shaped, input_size, box, expected
):
    request = body(model=WAN, image=data_uri(png(RED, input_size)), bbox_list=[[box]], n=2)

    first, second = results(post(sim, shaped(request)))

    assert_outlined(image(first), expected)
    x1, y1, x2, y2 = expected
    assert_outlined(image(second), (512 - x2, y1, 512 - x1, y2))  # every second one is mirrored


def test_without_boxes_nothing_has_the_box_colour(sim):
    (data,) = results(post(sim, body(model=WAN)))

    assert not has_box_colour(image(data))


def test_a_box_the_crop_leaves_out_draws_nothing(sim):
    request = body(model=WAN, image=data_uri(png(RED, (1024, 512))), bbox_list=[[[0, 0, 200, 200]]])

    (data,) = results(post(sim, request))

    assert not has_box_colour(image(data))


def test_in_a_fusion_a_box_is_outlined_in_its_own_inputs_tile(sim, shaped):
    request = body(
        model=WAN,
        image=[data_uri(png(RED)), data_uri(png(BLUE))],
        size="1024*512",
        n=4,
        seed=1,
        bbox_list=[[], [[100, 100, 300, 300]]],
    )

    pictures = [image(data) for data in results(post(sim, shaped(request)))]

    blue_offsets = set()
    for picture in pictures:
        left, right = picture.crop((0, 0, 512, 400)), picture.crop((512, 0, 1024, 400))
        blue_offset = 0 if share_of(left, BLUE) > share_of(right, BLUE) else 512
        assert_outlined(picture, (blue_offset + 100, 100, blue_offset + 300, 300))
        assert not has_box_colour(right if blue_offset == 0 else left)
        blue_offsets.add(blue_offset)
    assert blue_offsets == {0, 512}, "the results should tile the inputs in both orders"


def jpeg(size: tuple[int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, RED).save(buffer, "JPEG")
    return data_uri(buffer.getvalue(), "image/jpeg")


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"bbox_list": [[[0, 0, 513, 100]]]}, "outside image 1, which is 512x512"),
        ({"bbox_list": [[[10, 10, 20, 20], [0, 400, 100, 600]]]}, "bbox_list[0][1]"),
        (
            {"image": [data_uri(png(RED)), jpeg((300, 300))], "bbox_list": [[], [[0, 0, 400, 40]]]},
            "outside image 2, which is 300x300",
        ),
        ({"bbox_list": [[[10, 10, 20, 20]], []]}, "one list"),
        ({"bbox_list": [[[20, 10, 10, 20]]]}, "x1 < x2"),
        ({"bbox_list": [[[0, 0, 10.5, 20]]]}, "whole numbers"),
        ({"bbox_list": [[[-1, 0, 10, 20]]]}, "0 <= x1"),
        ({"bbox_list": "[[[0, 0, 10, 10]]]"}, "one list"),
        ({"model": QWEN, "bbox_list": [[[0, 0, 10, 10]]]}, "not taken by qwen-image-2.0-pro"),
    ],
)
def test_a_box_that_cannot_be_drawn_gets_a_400(sim, shaped, overrides, says):
    response = post(sim, shaped(body(**{"model": WAN, **overrides})))

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["param"]) == ("InvalidParameter", "bbox_list")
    assert says in error["message"]
