"""Both encodings reach the same checks, and a body over 32 MB is refused with a 413.

Multipart carries one file part per input under `image` or `image[]` (never both); the body cap
holds whether the size is declared up front or only discovered while streaming.
"""

from __future__ import annotations

import json
import socket

import httpx2
import pytest

from client.models import REQUEST_BODY_MAX_BYTES
from tests.simulator.helpers import (
    AUTH,
    BLUE,
    RED,
    error_of,
    image,
    png,
    received,
    results,
    share_of,
)

FIELDS = {"model": "qwen-image-2.0-pro", "prompt": "fuse them", "size": "512*512", "seed": "3"}


def post_form(server, files, data=FIELDS):
    return httpx2.post(
        server.base_url + "/images/edits", data=data, files=files, headers=AUTH, timeout=30
    )


@pytest.mark.parametrize("name", ["image", "image[]"])
def test_multipart_reads_every_repeated_image_part(sim, name):
    files = [(name, ("a.png", png(RED), "image/png")), (name, ("b.png", png(BLUE), "image/png"))]

    response = post_form(sim, files, {**FIELDS, "response_format": "b64_json"})

    (result,) = results(response)
    assert share_of(image(result), RED) > 0.2
    assert share_of(image(result), BLUE) > 0.2
    (record,) = received(sim)
    assert (record["encoding"], record["wire_format"]) == ("multipart", "flat")
    assert record["image_count"] == 2
    assert record["seed"] == 3


def test_multipart_form_strings_become_typed_fields(sim):
    data = {**FIELDS, "n": "2", "watermark": "true", "prompt_extend": "false", "extra": "{}"}

    response = post_form(sim, [("image", ("a.png", png(), "image/png"))], data)

    assert response.status_code == 200
    (record,) = received(sim)
    assert (record["n"], record["watermark"], record["prompt_extend"]) == (2, True, False)


def test_multipart_mixing_image_and_image_brackets_is_refused(sim):
    files = [
        ("image", ("a.png", png(RED), "image/png")),
        ("image[]", ("b.png", png(BLUE), "image/png")),
    ]

    response = post_form(sim, files)

    assert response.status_code == 400
    assert "image[]" in error_of(response)["message"]


def test_multipart_bbox_list_is_json_text(sim):
    data = {**FIELDS, "model": "wan2.7-image-pro", "bbox_list": "[[[100, 100, 300, 300]]]"}

    response = post_form(sim, [("image", ("a.png", png(), "image/png"))], data)

    assert response.status_code == 200
    (record,) = received(sim)
    assert record["bbox_list"] == [[[100, 100, 300, 300]]]


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({**FIELDS, "n": "two"}, "n"),
        ({**FIELDS, "extra": "{broken"}, "extra"),
        ({**FIELDS, "model": "wan2.7-image-pro", "bbox_list": "[[[0, 0"}, "bbox_list"),
    ],
)
def test_multipart_fields_that_do_not_parse_get_400(sim, data, param):
    response = post_form(sim, [("image", ("a.png", png(), "image/png"))], data)

    assert response.status_code == 400
    assert error_of(response)["param"] == param


def test_multipart_image_given_as_a_text_field_must_be_a_data_uri(sim):
    files = [("other", ("x.txt", b"x", "text/plain"))]

    response = post_form(sim, files, {**FIELDS, "image": "hello"})

    assert response.status_code == 400
    assert "data:image" in error_of(response)["message"]


def test_multipart_file_that_is_not_an_image_gets_400(sim):
    response = post_form(sim, [("image", ("a.png", b"GIF89a-not-really", "image/png"))])

    assert response.status_code == 400
    assert "could not be decoded" in error_of(response)["message"]


def raw_request(server, head: bytes) -> tuple[int, dict]:
    """Sends only the request head and reads the answer: the server must judge the header."""
    with socket.create_connection((server.origin.split("//")[1].split(":")[0], server.port)) as s:
        s.sendall(head)
        s.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head_text, _, payload = data.partition(b"\r\n\r\n")
    return int(head_text.split()[1]), json.loads(payload)


def test_a_declared_body_over_32_mb_is_refused_before_it_is_read(sim):
    head = (
        b"POST /v1/images/edits HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer k\r\n"
        b"Content-Type: application/json\r\n"
        + f"Content-Length: {REQUEST_BODY_MAX_BYTES + 1}\r\n\r\n".encode()
    )

    status, payload = raw_request(sim, head)

    assert status == 413
    assert payload["error"]["code"] == "request_too_large"


def test_a_streamed_body_over_32_mb_is_refused(sim):
    chunk = b" " * (1024 * 1024)

    def stream():
        for _ in range(REQUEST_BODY_MAX_BYTES // len(chunk)):
            yield chunk
        yield b" "

    response = httpx2.post(
        sim.base_url + "/images/edits",
        content=stream(),
        headers={**AUTH, "content-type": "application/json"},
        timeout=60,
    )

    assert response.status_code == 413
    assert "32 MB" in error_of(response)["message"]
