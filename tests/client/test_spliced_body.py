"""The JSON body is assembled around the images' data URIs, base64-encoded once when prepared
(issue 26): the bytes must be exactly what `json.dumps` makes of the whole body."""

import base64
import json
from pathlib import Path

import pytest

from client.encoding import encode_json, encode_messages
from client.images import PreparedImage
from client.models import model_spec
from client.preparation import PreparationCache
from tests.client.fakes import png

FIELDS = {
    "model": "qwen-image-2.0-pro",
    "prompt": 'un "ciel" d\'automne — 秋天的天空 \\ image-0-',
    "n": 2,
    "seed": 7,
    "watermark": False,
    "extra": {"input": {"note": "ü"}, "parameters": {"strength": 0.5}},
}


def prepared(data: bytes) -> PreparedImage:
    return PreparedImage(data=data, mime="image/png", width=8, height=8)


def uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def dumped(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


IMAGE_SETS = {
    "one image": [png((255, 0, 0))],
    "three images": [png((255, 0, 0)), png((0, 255, 0)), png((0, 0, 255))],
    "the same bytes twice": [png((9, 9, 9)), png((9, 9, 9))],
}


@pytest.mark.parametrize("datas", IMAGE_SETS.values(), ids=IMAGE_SETS.keys())
def test_the_flat_body_is_byte_identical_to_json_dumps(datas):
    images = [prepared(data) for data in datas]
    uris = [uri(data) for data in datas]
    expected = dumped({**FIELDS, "image": uris[0] if len(uris) == 1 else uris})
    assert encode_json(FIELDS, images).kwargs["content"] == expected


def test_https_urls_and_data_uris_mixed_are_byte_identical_to_json_dumps():
    link = 'https://example.com/a b/"quoted"/秋.png'
    images = [prepared(png((1, 2, 3))), PreparedImage(None, None, None, None, url=link)]
    expected = dumped({**FIELDS, "image": [uri(png((1, 2, 3))), link]})
    assert encode_json(FIELDS, images).kwargs["content"] == expected


@pytest.mark.parametrize("datas", IMAGE_SETS.values(), ids=IMAGE_SETS.keys())
def test_the_messages_body_is_byte_identical_to_json_dumps(datas):
    images = [prepared(data) for data in datas]
    content = [{"image": uri(data)} for data in datas] + [{"text": FIELDS["prompt"]}]
    expected = dumped(
        {
            "model": FIELDS["model"],
            "n": 2,
            "seed": 7,
            "watermark": False,
            "input": {"note": "ü", "messages": [{"role": "user", "content": content}]},
            "strength": 0.5,
        }
    )
    assert encode_messages(FIELDS, images).kwargs["content"] == expected


def test_an_image_prepared_once_is_base64_encoded_once_however_often_it_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "input.png"
    path.write_bytes(png((40, 80, 120)))
    encodings = []
    real = base64.b64encode
    monkeypatch.setattr(
        "client.images.base64.b64encode", lambda data: encodings.append(1) or real(data)
    )
    cache, spec = PreparationCache(), model_spec("qwen-image-2.0-pro")
    bodies = [
        encode_json(FIELDS, [cache.prepare(path, spec, index=1)]).kwargs["content"]
        for _ in range(3)
    ]
    assert len(encodings) == 1
    assert bodies[0] == bodies[2] == dumped({**FIELDS, "image": uri(path.read_bytes())})
