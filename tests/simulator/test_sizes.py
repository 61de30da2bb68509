"""Named sizes: "1K" and "2K" mean about that many pixels in the aspect of the last input, for
the models that take them; the others refuse them and say how their size is written."""

from __future__ import annotations

import pytest

from client.models import NAMED_SIZES
from tests.simulator.helpers import (
    BLUE,
    QWEN,
    RED,
    WAN,
    body,
    data_uri,
    error_of,
    image,
    png,
    post,
    received,
    results,
)

SIDE_STEP = 16
PIXEL_TOLERANCE = 0.05
ASPECT_TOLERANCE = 0.03


@pytest.mark.parametrize("size", ["1K", "2K"])
@pytest.mark.parametrize("last", [(512, 512), (768, 512), (480, 960), (1920, 240)])
def test_a_named_size_has_about_its_pixels_in_the_last_inputs_aspect(sim, size, last):
    inputs = [data_uri(png(BLUE, (900, 300))), data_uri(png(RED, last))]

    response = post(sim, body(model=WAN, image=inputs, size=size))

    (data,) = results(response)
    width, height = image(data).size
    assert width * height == pytest.approx(NAMED_SIZES[size], rel=PIXEL_TOLERANCE)
    assert width * height <= NAMED_SIZES[size]
    assert width / height == pytest.approx(last[0] / last[1], rel=ASPECT_TOLERANCE)
    assert width % SIDE_STEP == 0 and height % SIDE_STEP == 0
    assert response.json()["metadata"]["usage"]["width"] == width
    (record,) = received(sim)
    assert (record["requested_size"], record["size"]) == (size, f"{width}*{height}")


def test_a_square_input_at_2k_gives_2048_by_2048(sim):
    (data,) = results(post(sim, body(model=WAN, size="2K")))

    assert image(data).size == (2048, 2048)


@pytest.mark.parametrize("size", ["1280*720", "1024x768"])
def test_a_w_by_h_size_stays_exact_for_a_model_with_named_sizes(sim, size):
    (data,) = results(post(sim, body(model=WAN, image=data_uri(png(RED, (512, 900))), size=size)))

    width, height = size.replace("x", "*").split("*")
    assert image(data).size == (int(width), int(height))


@pytest.mark.parametrize("size", ["1K", "2K"])
def test_a_model_without_named_sizes_refuses_them_and_says_how_to_write_its_size(sim, size):
    response = post(sim, body(model=QWEN, size=size))

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["param"]) == ("InvalidParameter", "size")
    assert '"W*H"' in error["message"]
    assert size in error["message"]


def test_an_unknown_named_size_is_refused_with_the_sizes_the_model_takes(sim):
    response = post(sim, body(model=WAN, size="4K"))

    assert response.status_code == 400
    error = error_of(response)
    assert error["param"] == "size"
    assert all(f'"{name}"' in error["message"] for name in ("1K", "2K", "W*H"))
