"""The exact requests on the wire: JSON and multipart, one image and several."""

import base64
import json

import pytest

from client.models import DEFAULT_MODEL
from tests.client.fakes import KEY, FakeService, edit_args, make_client, png


def multipart_parts(request) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, content) of each part of a multipart body."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    parts = []
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        disposition = head.decode().split("\r\n")[0]
        name = disposition.split('name="')[1].split('"')[0]
        filename = (
            disposition.split('filename="')[1].split('"')[0] if "filename=" in disposition else None
        )
        parts.append((name, filename, body))
    return parts


def test_json_with_one_image_sends_a_data_uri_string_and_every_field():
    service = FakeService()
    image = png()
    make_client(service).edit(**edit_args(images=[image], seed=0, negative_prompt="blur"))
    request = service.posts[0]
    assert request.url == "https://api.powertokens.ai/v1/images/edits"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    body = service.json_body()
    assert body["image"] == "data:image/png;base64," + base64.b64encode(image).decode()
    assert body == {
        "model": DEFAULT_MODEL,
        "prompt": "make it snow",
        "n": 1,
        "size": "1024*1024",
        "response_format": "b64_json",
        "watermark": False,
        "prompt_extend": True,
        "seed": 0,
        "negative_prompt": "blur",
        "image": body["image"],
    }


def test_json_with_several_images_sends_an_array_in_order():
    service = FakeService()
    images = [png((255, 0, 0)), png((0, 255, 0)), png((0, 0, 255))]
    make_client(service).edit(**edit_args(images=images))
    sent = service.json_body()["image"]
    assert [base64.b64decode(uri.split(",")[1]) for uri in sent] == images


def test_https_url_inputs_pass_through_untouched():
    service = FakeService()
    url = "https://cdn.example.com/cat.png?sig=abc"
    make_client(service).edit(**edit_args(images=[url, png()]))
    assert service.json_body()["image"][0] == url


@pytest.mark.parametrize("count", [1, 3])
def test_multipart_repeats_image_parts_and_sends_fields_as_strings(count):
    service = FakeService()
    images = [png((10 * i, 0, 0)) for i in range(count)]
    extra = {"parameters": {"steps": 30}}
    make_client(service).edit(**edit_args(images=images, encoding="multipart", extra=extra, seed=7))
    parts = multipart_parts(service.posts[0])
    files = [(name, body) for name, filename, body in parts if filename]
    fields = {name: body.decode() for name, filename, body in parts if not filename}
    assert [name for name, _ in files] == ["image"] * count
    assert [body for _, body in files] == images
    assert fields == {
        "model": DEFAULT_MODEL,
        "prompt": "make it snow",
        "n": "1",
        "size": "1024*1024",
        "response_format": "b64_json",
        "watermark": "false",
        "prompt_extend": "true",
        "seed": "7",
        "extra": json.dumps(extra, separators=(",", ":")),
    }


def test_a_body_over_32_mb_is_refused_before_sending():
    from client import ValidationError

    service = FakeService()
    huge = "https://x.example/" + "a" * (33 * 1024 * 1024)
    with pytest.raises(ValidationError, match="32 MB"):
        make_client(service).edit(**edit_args(images=[huge]))
    assert service.requests == []
