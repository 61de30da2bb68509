"""Every limit of the model table at and past its edge, refused before anything is sent."""

import pytest

from client import ValidationError
from client.models import SEED_MAX
from tests.client.fakes import FakeService, edit_args, make_client, png

ACCEPTED = [
    {"prompt": "x"},
    {"prompt": "x" * 800},
    {"n": 6},
    {"model": "wan2.7-image-pro", "n": 4},
    {"model": "my-custom-model", "n": 6},
    {"size": "512*512"},
    {"size": "2048*2048"},
    {"size": "1280x720"},
    {"seed": 0},
    {"seed": SEED_MAX},
    {"images": [png()] * 3},
    {"model": "wan2.7-image-pro", "images": [png()] * 9},
    {"extra": {"input": {}, "parameters": {"steps": 30}}},
    {"negative_prompt": "x" * 500},
]

REFUSED = [
    ({"prompt": ""}, "prompt", "empty"),
    ({"prompt": "   "}, "prompt", "empty"),
    ({"prompt": "x" * 801}, "prompt", "801 characters; the limit is 800"),
    ({"negative_prompt": "x" * 501}, "negative_prompt", "limit is 500"),
    ({"n": 0}, "n", "from 1 to 6"),
    ({"n": 7}, "n", "from 1 to 6"),
    ({"model": "wan2.7-image-pro", "n": 5}, "n", "from 1 to 4 for wan2.7-image-pro"),
    ({"model": "my-custom-model", "n": 7}, "n", "from 1 to 6"),
    ({"n": True}, "n", "integer"),
    ({"size": "511*512"}, "size", "between 512*512 and 2048*2048"),
    ({"size": "2048*2049"}, "size", "between 512*512 and 2048*2048"),
    ({"size": "big"}, "size", "W*H"),
    ({"seed": -1}, "seed", f"0 to {SEED_MAX}"),
    ({"seed": SEED_MAX + 1}, "seed", f"0 to {SEED_MAX}"),
    ({"images": []}, "images", "1 to 3 input images"),
    ({"images": [png()] * 4}, "images", "1 to 3 input images; got 4"),
    ({"model": "wan2.7-image-pro", "images": [png()] * 10}, "images", "1 to 9"),
    ({"extra": {"steps": 3}}, "extra", "only the keys input and parameters"),
    ({"extra": {"parameters": 3}}, "extra.parameters", "an object"),
    ({"extra": [1]}, "extra", "an object"),
    ({"response_format": "png"}, "response_format", "b64_json, url"),
    ({"encoding": "xml"}, "encoding", "json, multipart"),
    ({"watermark": "yes"}, "watermark", "true or false"),
]


@pytest.mark.parametrize("overrides", ACCEPTED, ids=lambda o: ",".join(f"{k}" for k in o))
def test_values_at_the_edge_are_sent(overrides):
    service = FakeService()
    make_client(service).edit(**edit_args(**overrides))
    assert len(service.posts) == 1


@pytest.mark.parametrize(("overrides", "field", "says"), REFUSED)
def test_values_past_the_edge_are_refused_naming_field_and_limit(overrides, field, says):
    service = FakeService()
    with pytest.raises(ValidationError) as caught:
        make_client(service).edit(**edit_args(**overrides))
    assert caught.value.field == field
    assert says in str(caught.value)
    assert service.requests == []


def test_a_validation_error_carries_field_limit_and_value():
    with pytest.raises(ValidationError) as caught:
        make_client(FakeService()).edit(**edit_args(seed=-1))
    error = caught.value
    assert (error.field, error.limit, error.value) == (
        "seed",
        f"an integer from 0 to {SEED_MAX}",
        -1,
    )
    assert str(error) == f"seed must be an integer from 0 to {SEED_MAX}; got -1."


def test_sizes_are_normalised_to_the_api_form():
    service = FakeService()
    make_client(service).edit(**edit_args(size=" 1280 x 720 "))
    assert service.json_body()["size"] == "1280*720"
