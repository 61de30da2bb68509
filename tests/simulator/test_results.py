"""What the simulator answers: real PNGs of the requested size, made from the inputs.

Properties are checked on pixels: a red input gives a reddish result, a fusion of red and blue
contains both, the same request gives the same bytes, and seed, index and prompt change them.
"""

from __future__ import annotations

import base64
import io

import httpx2
import pytest
from PIL import Image

from tests.simulator.helpers import (
    BLUE,
    GREEN,
    RED,
    body,
    data_uri,
    error_of,
    image,
    png,
    post,
    results,
    share_of,
)

WHITE = (255, 255, 255)


@pytest.mark.parametrize("size", ["512*512", "1280*720", "720*1280", "1024x768"])
def test_every_result_is_a_png_of_exactly_the_requested_size(sim, size):
    (data,) = results(post(sim, body(size=size)))

    assert data.startswith(b"\x89PNG")
    width, height = size.replace("x", "*").split("*")
    assert image(data).size == (int(width), int(height))


def test_the_same_request_gives_the_same_bytes(sim):
    first = results(post(sim, body(n=2)))
    second = results(post(sim, body(n=2)))

    assert first == second


@pytest.mark.parametrize(("color", "other"), [(RED, BLUE), (BLUE, RED), (GREEN, RED)])
def test_a_single_input_keeps_its_colour(sim, color, other):
    (data,) = results(post(sim, body(image=data_uri(png(color)))))

    assert share_of(image(data), color) > 0.6
    assert share_of(image(data), other) == 0


@pytest.mark.parametrize("count", [2, 3, 9])
def test_a_fusion_shows_every_input(sim, count):
    colors = [RED, BLUE, GREEN] * 3
    inputs = [data_uri(png(color)) for color in colors[:count]]

    (data,) = results(post(sim, body(model="wan2.7-image-pro", image=inputs)))

    for color in colors[:count]:
        assert share_of(image(data), color) > 0.08


def test_a_single_input_stays_recognisable(sim):
    picture = Image.new("RGB", (512, 512), BLUE)
    picture.paste(RED, (0, 0, 256, 512))  # red left half, blue right half
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")

    (data,) = results(post(sim, body(image=data_uri(buffer.getvalue()))))

    result = image(data).convert("RGB")
    assert share_of(result.crop((0, 0, 200, 300)), RED) == 1
    assert share_of(result.crop((312, 0, 512, 300)), BLUE) == 1


def test_seed_and_index_each_change_the_result(sim):
    first, second = results(post(sim, body(n=2, seed=1)))
    (other_seed,) = results(post(sim, body(n=1, seed=2)))

    assert len({first, second, other_seed}) == 3


def test_the_prompt_is_drawn_on_the_result(sim):
    (short,) = results(post(sim, body(prompt="a")))
    (long,) = results(post(sim, body(prompt="paint the whole scene in a winter evening light")))

    banner = (0, 440, 512, 512)
    assert share_of(image(long).crop(banner), WHITE, 60) > share_of(
        image(short).crop(banner), WHITE, 60
    )


@pytest.mark.parametrize(
    "prompt", ["把天空变成晚霞，保留人物", "x" * 800, "word " * 160, "line\nbreaks\tand tabs"]
)
def test_long_and_cjk_prompts_render(sim, prompt):
    (data,) = results(post(sim, body(prompt=prompt)))

    assert image(data).size == (512, 512)


def caption_ink(data: bytes) -> bytes:
    """The caption banner's text as a black-and-white mask (the banner is black, text white)."""
    picture = image(data).convert("L")
    width, height = picture.size
    banner = picture.crop((0, height - int(height * 0.16), width, height))
    return banner.point(lambda level: 255 if level > 128 else 0).tobytes()


def test_chinese_prompts_are_drawn_in_real_glyphs_not_boxes(sim):
    """With no CJK font every character draws as the same box, so two different Chinese words of
    the same length would leave the same ink. This fails while no CJK font is installed: the
    project installs Debian's fonts-wqy-microhei (simulator.render.CJK_FONTS lists the others)."""
    (sky,) = results(post(sim, body(prompt="天空")))
    (dusk,) = results(post(sim, body(prompt="晚霞")))

    assert caption_ink(sky) != caption_ink(dusk)


def test_watermark_marks_the_result(sim):
    (plain,) = results(post(sim, body(watermark=False)))
    (marked,) = results(post(sim, body(watermark=True)))

    corner = (312, 0, 512, 40)
    assert share_of(image(marked).crop(corner), WHITE, 60) > share_of(
        image(plain).crop(corner), WHITE, 60
    )


@pytest.mark.parametrize(("mode", "fmt"), [("RGBA", "PNG"), ("P", "GIF"), ("L", "WEBP")])
def test_inputs_of_other_modes_and_formats_are_used(sim, mode, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (512, 512), RED).convert(mode).save(buffer, fmt)

    (data,) = results(post(sim, body(image=data_uri(buffer.getvalue(), f"image/{fmt.lower()}"))))

    assert image(data).mode == "RGB"


def test_the_answer_carries_metadata_and_a_request_id(sim):
    response = post(sim, body(n=2, size="768*512"))

    payload = response.json()
    assert payload["metadata"]["request_id"] == response.headers["x-request-id"]
    assert payload["metadata"]["usage"] == {"image_count": 2, "width": 768, "height": 512}
    assert payload["metadata"]["seed"] == 7
    assert isinstance(payload["created"], int)
    assert all(set(item) == {"url", "b64_json", "revised_prompt"} for item in payload["data"])


def test_without_a_seed_the_answer_says_which_seed_it_used(sim):
    payload = post(sim, body(seed=None)).json()

    assert 0 <= payload["metadata"]["seed"] <= 2_147_483_647


def test_prompt_extend_fills_revised_prompt(sim):
    extended = post(sim, body(prompt="make it snow", prompt_extend=True)).json()
    literal = post(sim, body(prompt="make it snow", prompt_extend=False)).json()

    revised = extended["data"][0]["revised_prompt"]
    assert revised.startswith("make it snow") and len(revised) > len("make it snow")
    assert literal["data"][0]["revised_prompt"] == ""


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_url_results_are_served_from_the_simulator_until_they_expire(make_simulator):
    clock = Clock()
    server = make_simulator(url_lifetime_s=60, clock=clock)
    (b64,) = results(post(server, body()))

    payload = post(server, body(response_format="url")).json()
    url = payload["data"][0]["url"]

    assert payload["data"][0]["b64_json"] == ""
    assert payload["created"] == int(clock.now)
    assert url.startswith(server.base_url + "/files/")
    assert httpx2.get(url).content == b64
    clock.now += 59
    assert httpx2.get(url).status_code == 200
    clock.now += 1
    expired = httpx2.get(url)
    assert expired.status_code == 410
    assert error_of(expired)["code"] == "url_expired"


def test_a_url_that_never_existed_is_404(sim):
    response = httpx2.get(sim.base_url + "/files/not-a-token.png")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_simulators_own_result_url_can_be_an_input(make_simulator):
    clock = Clock()
    server = make_simulator(url_lifetime_s=60, clock=clock)
    url = post(server, body(image=data_uri(png(BLUE)), response_format="url")).json()["data"][0][
        "url"
    ]

    (data,) = results(post(server, body(image=url)))
    clock.now += 60
    expired = post(server, body(image=url))

    assert share_of(image(data), BLUE) > 0.6
    assert expired.status_code == 400
    assert "unexpired result URLs" in error_of(expired)["message"]


def test_b64_results_decode_to_the_same_bytes_as_the_url_ones(sim):
    b64 = post(sim, body()).json()["data"][0]["b64_json"]
    url = post(sim, body(response_format="url")).json()["data"][0]["url"]

    assert base64.b64decode(b64) == httpx2.get(url).content
