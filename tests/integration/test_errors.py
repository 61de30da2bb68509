"""Each validation error, as the user of the client meets it against a live simulator.

Limits the client knows are refused before anything is sent (the server records nothing);
what only the server knows (the key, the model whitelist) comes back as a status error.
"""

from __future__ import annotations

import pytest

from client import (
    APIStatusError,
    AuthenticationError,
    ImageEditClient,
    InvalidImageError,
    ValidationError,
)
from tests.simulator.helpers import KEY, RED, png, received

GOOD = {"model": "qwen-image-2.0-pro", "prompt": "p", "size": "512*512"}


@pytest.fixture
def api(sim):
    with ImageEditClient(api_key=KEY, base_url=sim.base_url, sleep=lambda seconds: None) as client:
        yield client


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"prompt": "x" * 801}, "prompt"),
        ({"prompt": "  "}, "prompt"),
        ({"negative_prompt": "x" * 501}, "negative_prompt"),
        ({"n": 0}, "n"),
        ({"n": 7}, "n"),
        ({"model": "wan2.7-image-pro", "n": 5}, "n"),
        ({"size": "256*256"}, "size"),
        ({"size": "4096*4096"}, "size"),
        ({"size": "big"}, "size"),
        ({"seed": -1}, "seed"),
        ({"seed": 2_147_483_648}, "seed"),
        ({"images": []}, "images"),
        ({"images": [png()] * 4}, "images"),
        ({"model": "wan2.7-image-pro", "images": [png()] * 10}, "images"),
        ({"response_format": "png"}, "response_format"),
        ({"encoding": "xml"}, "encoding"),
        ({"extra": {"headers": {}}}, "extra"),
    ],
)
def test_a_parameter_outside_its_limits_is_refused_before_sending(sim, api, overrides, field):
    arguments = {**GOOD, "images": [png(RED)], **overrides}

    with pytest.raises(ValidationError) as caught:
        api.edit(**arguments)

    assert caught.value.field == field
    assert received(sim) == []


@pytest.mark.parametrize(
    "image",
    [b"not an image", png(RED)[:100], png(RED, (100, 100)), "data:image/png;base64,!!"],
)
def test_an_unusable_image_is_refused_before_sending(sim, api, image):
    with pytest.raises(InvalidImageError) as caught:
        api.edit(**GOOD, images=[image])

    assert str(caught.value).startswith("Image 1:")
    assert received(sim) == []


def test_a_model_the_gateway_does_not_know_comes_back_as_a_400(sim, api):
    with pytest.raises(APIStatusError) as caught:
        api.edit(**{**GOOD, "model": "my-custom-model"}, images=[png()])

    error = caught.value
    assert (error.status_code, error.code) == (400, "model_not_found")
    assert "my-custom-model" in str(error)
    assert error.request_id
    assert len(received(sim)) == 1


def test_a_wrong_key_is_an_authentication_error_that_does_not_show_the_key(make_simulator):
    server = make_simulator(api_key="sk-the-right-one", enable_control=True)

    with (
        ImageEditClient(api_key="sk-wrong-one", base_url=server.base_url) as api,
        pytest.raises(AuthenticationError) as caught,
    ):
        api.edit(**GOOD, images=[png()])

    assert caught.value.status_code == 401
    assert "sk-wrong-one" not in str(caught.value)
    assert "sk-wrong-one" not in repr(caught.value.body)
    assert len(received(server)) == 1
