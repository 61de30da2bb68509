"""Adding a model with its own limits is one entry in the model table (client/models.py).

A fake third model, with limits unlike both real ones, is put in MODELS for one test; the client's
validation and preparation, a simulator started in this process and the page's limits note all
find its numbers there. Texts naming limits are rendered from the table, never written out.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from client import EditRequest, ImageEditClient, InvalidImageError, ValidationError
from client.limit_texts import (
    image_counts_text,
    model_names_text,
    models_taking_text,
    models_text,
    n_ranges_text,
    size_range_text,
)
from client.models import MB, MODELS, OPTIONAL_FIELDS, ModelSpec
from client.validation import validate_request
from tests.simulator.helpers import (
    KEY,
    RED,
    body,
    data_uri,
    error_of,
    png,
    post,
    received,
    results,
)
from ui.core.controls import model_limits_text

FAKE = ModelSpec(
    name="fake-image-1",
    label="Fake Image 1",
    max_n=2,
    max_images=2,
    min_side=300,
    max_side=1000,
    max_image_bytes=1 * MB,
    max_aspect=2.0,
    input_formats=("PNG", "JPEG"),
    optional_fields=frozenset(OPTIONAL_FIELDS) - {"negative_prompt"},
)
"""n up to 2 (qwen 6, wan 4), 2 images (3, 9), 300..1000 px a side, 1 MB, aspect up to 2:1."""


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> ModelSpec:
    monkeypatch.setitem(MODELS, FAKE.name, FAKE)
    return FAKE


def noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: about 3 bytes a pixel."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def request(**overrides) -> EditRequest:
    fields = {"model": FAKE.name, "prompt": "p", "images": [png(RED)], "size": "512*512"}
    return EditRequest(**{**fields, **overrides})


# -- the texts ----------------------------------------------------------------------------------


def test_the_texts_about_every_model_name_the_added_one_with_its_numbers(fake_model):
    assert image_counts_text() == (
        "1-3 for qwen-image-2.0-pro, 1-9 for wan2.7-image-pro, 1-2 for fake-image-1"
    )
    assert n_ranges_text() == (
        "1-6 for qwen-image-2.0-pro, 1-4 for wan2.7-image-pro, 1-2 for fake-image-1"
    )
    assert model_names_text() == '"qwen-image-2.0-pro", "wan2.7-image-pro" or "fake-image-1"'
    assert models_text() == "qwen-image-2.0-pro, wan2.7-image-pro and fake-image-1"
    assert models_taking_text("bbox_list") == "wan2.7-image-pro or fake-image-1"


def test_the_size_range_is_one_text_from_the_table():
    assert size_range_text() == "W*H between 512*512 and 2048*2048 pixels in total"
    assert size_range_text("×") == "W×H between 512×512 and 2048×2048 pixels in total"


LITERAL_LIMITS = re.compile(
    r"512\s*[*×x]\s*512\s+(and|to)\s+2048"  # the size range
    r"|\b\d+-\d+ for (qwen|wan)"  # a model's counts as prose
    r"|\b(qwen|wan) \d+-\d+"
)


RENDERERS = {"client/models.py", "client/limit_texts.py"}
"""The table, and the module rendering it (its docstrings show what it writes)."""


def test_no_module_writes_the_size_range_or_a_models_counts_as_literal_text():
    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for package in ("client", "simulator", "ui")
        for path in sorted((root / package).rglob("*.py"))
        if path.relative_to(root).as_posix() not in RENDERERS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if LITERAL_LIMITS.search(line)
    ]
    assert found == []


# -- (a) the client's validation and preparation ------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"images": [png(RED)] * 3}, "fake-image-1 takes 1 to 2 input images; got 3."),
        ({"n": 3}, "n must be an integer from 1 to 2 for fake-image-1; got 3."),
        ({"negative_prompt": "blur"}, "negative_prompt is not taken by fake-image-1;"),
    ],
)
def test_the_client_refuses_past_the_added_models_limits_naming_them(
    fake_model, overrides, message
):
    with pytest.raises(ValidationError) as refused:
        validate_request(request(**overrides))

    assert message in str(refused.value)


def test_the_client_takes_what_is_within_the_added_models_limits(fake_model):
    validate_request(request(images=[png(RED)] * 2, n=2, bbox_list=[[[0, 0, 9, 9]], []]))


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((250, 400), "it is 250x400 pixels; fake-image-1 needs at least 300 pixels on each side."),
        ((900, 400), "beyond fake-image-1's limit of 1:2; crop it first."),
    ],
)
def test_the_client_refuses_an_input_outside_the_added_models_shape(fake_model, sim, size, message):
    refusal = pytest.raises(InvalidImageError, match=re.escape(message))
    with ImageEditClient(api_key=KEY, base_url=sim.base_url) as api, refusal:
        api.send(request(images=[png(RED, size)]))


# -- (b) a simulator in this process, reading the same table ------------------------------------


def test_the_simulator_serves_a_model_once_it_is_in_the_table(sim, monkeypatch):
    refused = post(sim, body(model=FAKE.name))
    assert error_of(refused)["code"] == "model_not_found"

    monkeypatch.setitem(MODELS, FAKE.name, FAKE)

    assert len(results(post(sim, body(model=FAKE.name)))) == 1


@pytest.mark.parametrize(
    ("overrides", "param", "message"),
    [
        ({"image": [data_uri(png(RED))] * 3}, "images", "fake-image-1 takes 1 to 2 input images"),
        ({"n": 3}, "n", "n must be an integer from 1 to 2 for fake-image-1"),
        ({"negative_prompt": "blur"}, "negative_prompt", "is not taken by fake-image-1"),
        (
            {"image": data_uri(png(RED, (1100, 600)))},
            "image",
            "Image 1 is 1100x600; fake-image-1 takes at most 1000 px a side.",
        ),
        (
            {"image": data_uri(png(RED, (600, 250)))},
            "image",
            "Image 1 is 600x250; fake-image-1 needs at least 300 px a side.",
        ),
        (
            {"image": data_uri(png(RED, (900, 400)))},
            "image",
            "Image 1 is 900x400; fake-image-1 takes aspect ratios up to 2:1.",
        ),
        (
            {"image": data_uri(png(RED, (600, 400), fmt="WEBP"), "image/webp")},
            "image",
            "fake-image-1 reads PNG, JPEG.",
        ),
        (
            {"image": data_uri(noise_png(800, 800))},
            "image",
            "fake-image-1 takes at most 1 MB an image.",
        ),
    ],
)
def test_the_simulator_refuses_past_the_added_models_limits(
    fake_model, sim, overrides, param, message
):
    response = post(sim, body(model=FAKE.name, **overrides))

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["param"]) == ("InvalidParameter", param)
    assert message in error["message"]


def test_the_simulator_takes_what_is_within_the_added_models_limits(fake_model, sim):
    within = [data_uri(png(RED, (1000, 500))), data_uri(png(RED, (300, 600)))]

    response = post(sim, body(model=FAKE.name, image=within, n=2))

    assert len(results(response)) == 2


def test_the_client_prepares_a_photo_to_the_added_models_limits_and_the_simulator_takes_it(
    fake_model, sim
):
    big = noise_png(1500, 1000)  # over the side and the byte cap: scaled and re-encoded to fit
    assert len(big) > FAKE.max_image_bytes

    with ImageEditClient(api_key=KEY, base_url=sim.base_url) as api:
        result = api.send(request(images=[big, png(RED)], n=2))

    assert len(result.images) == 2
    (record,) = received(sim)
    assert (record["model"], record["image_count"], record["n"]) == (FAKE.name, 2, 2)


# -- (c) the page's note on the model's limits --------------------------------------------------


def test_the_pages_limits_note_reads_the_added_model(fake_model):
    english = model_limits_text(FAKE.name)
    chinese = model_limits_text(FAKE.name, "zh")

    assert english.startswith("fake-image-1: 1–2 input images, n up to 2.")
    assert "photos over 1000 px a side or 1 MB are scaled down" in english
    assert chinese.startswith("fake-image-1：1–2 张输入图片，n 最多 2。")
    assert "边长超过 1000 像素或大于 1 MB" in chinese
