"""What an edit returns: exact bytes, ids, revised prompts, and notes for anything missing."""

import base64
import io

import httpx2
import pytest
from PIL import Image

from client import APIStatusError, OversizedResultError
from client.constants import LARGE_PHOTO_PIXELS
from client.results import header_size
from tests.client.fakes import FakeService, edit_args, make_client, png, png_claiming


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


HUGE_REFUSED = (
    "The service returned a 20000×20000 image, far larger than the 1024×1024 requested; "
    "it was not kept."
)


@pytest.fixture
def large_photos_allowed(monkeypatch):
    """Pillow's limit as the app raises it (allow_large_photos), under which a 400-megapixel PNG
    used to pass the checks, be stored, and take 572 MB to make a thumbnail of."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", LARGE_PHOTO_PIXELS)


def test_a_result_far_larger_than_requested_is_not_kept_and_the_good_ones_are(
    large_photos_allowed,
):
    service = FakeService(reply([item(png_claiming(20000, 20000)), item(png())]))
    result = make_client(service).edit(**edit_args(n=2, size="1024*1024"))
    assert [image.data for image in result.images] == [png()]
    assert result.notes == [
        f"Result 1 was refused: {HUGE_REFUSED}",
        "1 of 2 requested images came back; the service skipped the rest.",
    ]


def test_only_results_far_larger_than_requested_is_an_error_that_says_so(large_photos_allowed):
    service = FakeService(reply([item(png_claiming(20000, 20000))]))
    with pytest.raises(OversizedResultError) as caught:
        make_client(service).edit(**edit_args(size="1024*1024"))
    assert str(caught.value) == HUGE_REFUSED
    assert caught.value.may_have_been_billed


@pytest.mark.parametrize(
    ("size", "result_size", "kept"),
    [
        ("1024*1024", (2048, 2048), True),  # four times the pixels: a model may round up
        ("1024*1024", (2048, 2049), False),
        ("512*512", (2048, 2048), True),  # the API's largest output is always kept
        ("512*512", (2048, 2049), False),
        ("2048*2048", (4096, 4096), True),
        ("2048*2048", (4096, 4097), False),  # past the absolute cap
    ],
)
def test_the_largest_result_kept_is_four_times_the_request_or_the_api_maximum(
    size, result_size, kept
):
    service = FakeService(reply([item(png_claiming(*result_size)), item(png())]))
    result = make_client(service).edit(**edit_args(n=2, size=size))
    assert (len(result.images) == 2) is kept


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF", "BMP"])
def test_the_size_of_every_result_format_is_read_from_its_header(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (9, 9, 9)).save(buffer, fmt)
    assert header_size(buffer.getvalue()) == (640, 480)
    assert header_size(b"<html>not an image</html>") is None
