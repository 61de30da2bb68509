"""What an edit returns: exact bytes, ids, revised prompts, and notes for anything missing."""

import base64
import io

import httpx2
import pytest
from PIL import Image

from client import APIStatusError
from tests.client.fakes import FakeService, edit_args, make_client, png


def reply(data, metadata=None, headers=None, created=1_700_000_000) -> httpx2.Response:
    body = {"created": created, "data": data, "metadata": metadata or {}}
    return httpx2.Response(200, json=body, headers=headers or {})


def item(image: bytes, revised: str = "") -> dict:
    return {"url": "", "b64_json": base64.b64encode(image).decode(), "revised_prompt": revised}


def test_a_result_carries_the_exact_bytes_and_everything_the_service_said():
    red, blue = png((255, 0, 0)), png((0, 0, 255))
    metadata = {"request_id": "req-1", "usage": {"image_count": 2}}
    service = FakeService(reply([item(red), item(blue, "a blue square")], metadata))
    result = make_client(service).edit(**edit_args(n=2, seed=42))
    assert [image.data for image in result.images] == [red, blue]
    assert [image.mime for image in result.images] == ["image/png", "image/png"]
    assert result.images[1].image.getpixel((0, 0)) == (0, 0, 255)
    assert (result.created, result.metadata, result.request_id) == (
        1_700_000_000,
        metadata,
        "req-1",
    )
    assert (result.requested_n, result.seed, result.revised_prompt) == (2, 42, "a blue square")
    assert result.elapsed_s >= 0 and result.notes == [] and not result.partial


@pytest.mark.parametrize(
    ("metadata", "headers", "expected"),
    [
        ({"request_id": "meta"}, {"x-request-id": "hdr"}, "meta"),
        ({"requestId": "camel"}, {}, "camel"),
        ({}, {"x-request-id": "hdr"}, "hdr"),
        ({}, {}, None),
    ],
)
def test_the_request_id_comes_from_metadata_else_the_header(metadata, headers, expected):
    service = FakeService(reply([item(png())], metadata, headers))
    assert make_client(service).edit(**edit_args()).request_id == expected


def test_fewer_images_than_requested_is_a_partial_result_with_notes():
    empty = {"url": "", "b64_json": "", "revised_prompt": ""}
    damaged = {"b64_json": "not base64!"}
    service = FakeService(reply([item(png()), empty, damaged]))
    result = make_client(service).edit(**edit_args(n=4))
    assert len(result.images) == 1 and result.requested_n == 4 and result.partial
    assert result.notes == [
        "Result 2 came back empty and was skipped.",
        "Result 3 arrived damaged (bad base64) and was skipped.",
        "1 of 4 requested images came back; the service skipped the rest.",
    ]


def test_base64_that_is_not_an_image_is_skipped_not_returned():
    service = FakeService(reply([item(png()), item(b"GIF89a-but-not-really")]))
    result = make_client(service).edit(**edit_args(n=2))
    assert len(result.images) == 1
    assert "Result 2 arrived damaged" in result.notes[0]


def test_downscaled_inputs_are_noted_in_the_result():
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 1000), (5, 5, 5)).save(buffer, "PNG")
    result = make_client(FakeService()).edit(**edit_args(images=[png(), buffer.getvalue()]))
    assert result.notes == [
        "Image 2 was downscaled from 4000x1000 to 3072x768 and re-encoded as JPEG to fit "
        "qwen-image-2.0-pro's limits."
    ]


def test_no_usable_image_at_all_is_an_error():
    service = FakeService(reply([{"url": "", "b64_json": "", "revised_prompt": ""}]))
    with pytest.raises(APIStatusError, match="sent no usable image"):
        make_client(service).edit(**edit_args())
