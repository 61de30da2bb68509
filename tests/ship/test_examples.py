"""The examples a visitor can click: their pictures open, fit both models and every example runs.

Each example is checked against the model table (client.models) and the client's validation, and
then run for real against the simulator, the way the page would run it.
"""

import re

import pytest
from PIL import Image

from client import ImageEditClient
from client.models import MODELS
from client.validation import validate_request
from examples import EXAMPLES, HERE

PICTURE_MAX_BYTES = 60 * 1024
PICTURES = sorted({image for example in EXAMPLES for image in example.images})


def named(example) -> str:
    return example.prompt[:24]


@pytest.mark.parametrize("picture", PICTURES, ids=str)
def test_every_picture_is_small_and_fits_both_models(picture):
    path = HERE / picture
    assert path.is_file() and path.stat().st_size <= PICTURE_MAX_BYTES
    with Image.open(path) as image:
        image.load()
        width, height = image.size
        for spec in MODELS.values():
            assert image.format in spec.input_formats, spec.name
            assert spec.min_side <= min(width, height) and max(width, height) <= spec.max_side
            assert path.stat().st_size <= spec.max_image_bytes
            if spec.max_aspect is not None:
                assert max(width, height) / min(width, height) <= spec.max_aspect


@pytest.mark.parametrize("example", EXAMPLES, ids=named)
def test_every_example_is_a_valid_request(example):
    validate_request(example.request())


def test_the_examples_cover_edits_fusion_and_a_chinese_prompt():
    single = [e for e in EXAMPLES if len(e.images) == 1 and e.model == "qwen-image-2.0-pro"]
    fusions = [e for e in EXAMPLES if e.model == "wan2.7-image-pro" and 2 <= len(e.images) <= 3]
    assert len(single) >= 2 and fusions
    assert any(re.search(r"[\u4e00-\u9fff]", example.prompt) for example in EXAMPLES)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if len(e.images) > 1], ids=named)
def test_a_fusion_prompt_names_each_of_its_images(example):
    for position in range(1, len(example.images) + 1):
        assert f"image {position}" in example.prompt


@pytest.mark.parametrize("example", EXAMPLES, ids=named)
def test_every_example_runs_on_the_simulator(sim, example):
    with ImageEditClient(api_key="sk-examples-test", base_url=sim.base_url) as api:
        result = api.edit(**example.request().as_dict(), images=list(example.files))
    assert len(result.images) == example.n
