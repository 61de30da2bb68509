"""The simulator refuses bad requests like the gateway: the right status, code and envelope.

Each row is one broken request sent over real HTTP; none may produce a 500.
"""

from __future__ import annotations

import io
import struct
import zlib

import httpx2
import pytest
from PIL import Image

from tests.simulator.helpers import AUTH, BLUE, RED, body, data_uri, error_of, png, post

RED_URI = data_uri(png(RED))


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be `width` x `height`: a decompression bomb's opening."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 100)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiff() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (512, 512), RED).save(buffer, "TIFF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("overrides", "code", "param"),
    [
        ({"model": "gpt-image-1"}, "model_not_found", "model"),
        ({"model": None}, "model_not_found", "model"),
        ({"prompt": None}, "InvalidParameter", "prompt"),
        ({"prompt": ""}, "InvalidParameter", "prompt"),
        ({"prompt": "x" * 801}, "InvalidParameter", "prompt"),
        ({"prompt": 42}, "InvalidParameter", "prompt"),
        ({"negative_prompt": "x" * 501}, "InvalidParameter", "negative_prompt"),
        ({"n": 0}, "InvalidParameter", "n"),
        ({"n": 7}, "InvalidParameter", "n"),
        ({"n": "2"}, "InvalidParameter", "n"),
        ({"model": "wan2.7-image-pro", "n": 5}, "InvalidParameter", "n"),
        ({"size": "511*512"}, "InvalidParameter", "size"),
        ({"size": "2049*2048"}, "InvalidParameter", "size"),
        ({"size": "large"}, "InvalidParameter", "size"),
        ({"seed": -1}, "InvalidParameter", "seed"),
        ({"seed": 2_147_483_648}, "InvalidParameter", "seed"),
        ({"response_format": "png"}, "InvalidParameter", "response_format"),
        ({"watermark": "yes"}, "InvalidParameter", "watermark"),
        ({"extra": {"headers": {}}}, "InvalidParameter", "extra"),
        ({"image": None}, "InvalidParameter", "images"),
        ({"image": [RED_URI] * 4}, "InvalidParameter", "images"),
        ({"model": "wan2.7-image-pro", "image": [RED_URI] * 10}, "InvalidParameter", "images"),
        ({"image": "data:image/png;base64,!!not base64!!"}, "InvalidParameter", "image"),
        ({"image": "data:text/plain;base64,aGVsbG8="}, "InvalidParameter", "image"),
        ({"image": "iVBORw0KGgo="}, "InvalidParameter", "image"),
        ({"image": data_uri(b"not an image at all")}, "InvalidParameter", "image"),
        ({"image": data_uri(png(RED)[:200])}, "InvalidParameter", "image"),
        ({"image": "https://example.com/cat.png"}, "InvalidParameter", "image"),
        ({"image": [RED_URI, 3]}, "InvalidParameter", "image"),
        ({"image": data_uri(png(RED, (300, 300)))}, "InvalidParameter", "image"),
        ({"image": data_uri(png_header(3000, 3000))}, "InvalidParameter", "image"),
        ({"image": data_uri(png_header(16000, 16000))}, "InvalidParameter", "image"),
        ({"image": data_uri(png_header(40000, 40000))}, "InvalidParameter", "image"),
        ({"image": data_uri(png(RED, (3100, 400)))}, "InvalidParameter", "image"),
        (
            {"model": "wan2.7-image-pro", "image": data_uri(png(RED, (2000, 240)))},
            "InvalidParameter",
            "image",
        ),
        (
            {"model": "wan2.7-image-pro", "image": data_uri(tiff(), "image/tiff")},
            "InvalidParameter",
            "image",
        ),
    ],
)
def test_a_bad_request_gets_a_400_in_the_gateway_envelope(sim, overrides, code, param):
    response = post(sim, body(**overrides))

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == code
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"


def test_an_unknown_model_is_named_with_the_models_that_exist(sim):
    error = error_of(post(sim, body(model="gpt-image-1")))

    assert "gpt-image-1" in error["message"]
    assert "qwen-image-2.0-pro" in error["message"]
    assert "wan2.7-image-pro" in error["message"]


@pytest.mark.parametrize(
    "model",
    [
        "qwen-image-2.0-pro",
        "wan2.7-image-pro",
        "qwen-image-2.0",
        "qwen-image-edit-max",
        "qwen-image-edit-plus",
        "qwen-image-edit",
    ],
)
def test_the_whitelisted_and_seed_models_are_accepted(sim, model):
    assert post(sim, body(model=model)).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"prompt": "x" * 800},
        {"prompt": "把天空变成晚霞"},
        {"seed": 0},
        {"seed": 2_147_483_647},
        {"size": "2048*2048"},
        {"size": "1024x768"},
        {"n": 6},
        {"image": [RED_URI, data_uri(png(BLUE)), data_uri(png(RED, (384, 384)))]},
        {"model": "wan2.7-image-pro", "image": data_uri(png(RED, (1920, 240)))},
        {"image": data_uri(png(RED, fmt="JPEG"), "image/jpeg")},
        {"extra": {"input": {}, "parameters": {"strength": 0.5}}},
        {"negative_prompt": "blurry"},
    ],
)
def test_requests_at_the_limits_are_served(sim, overrides):
    assert post(sim, body(**overrides)).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer"},
        {"authorization": "Basic c2stdGVzdA=="},
        {"authorization": "sk-test-key"},
    ],
)
def test_a_missing_or_empty_bearer_token_gets_401(sim, headers):
    response = post(sim, body(), headers=headers)

    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_api_key"


def test_a_configured_key_is_the_only_one_accepted(make_simulator):
    server = make_simulator(api_key="sk-right")

    wrong = post(server, body(), headers={"authorization": "Bearer sk-wrong"})
    right = post(server, body(), headers={"authorization": "Bearer sk-right"})

    assert wrong.status_code == 401
    assert error_of(wrong)["code"] == "invalid_api_key"
    assert "sk-wrong" not in wrong.text
    assert right.status_code == 200


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"model=x", "text/plain"),
        (b"--nope\r\n", "multipart/form-data; boundary=other"),
    ],
)
def test_a_body_that_is_not_a_request_gets_400(sim, content, content_type):
    response = httpx2.post(
        sim.base_url + "/images/edits",
        content=content,
        headers={**AUTH, "content-type": content_type},
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "InvalidParameter"
