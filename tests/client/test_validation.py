"""Every limit of the model table at and past its edge, refused before anything is sent; any
value of any field is either accepted or refused with a sentence, never a crash."""

import math

import pytest

from client import ValidationError
from client.models import EXTRA_MAX_BYTES, SEED_MAX
from client.params import PARAM_FIELDS
from client.validation import is_key_like_name, key_like_path
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
    {"extra": {"parameters": {"keyframes": [1, 2], "monkey": 1, "token_count": 3}}},
    {"extra": {"parameters": {"text": "x" * (EXTRA_MAX_BYTES - 40)}}},
    {"negative_prompt": "x" * 500},
    {"model": "m" * 100},
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
    ({"model": "m" * 101}, "model", "101 characters; the limit is 100"),
    ({"extra": {"parameters": {"text": "x" * EXTRA_MAX_BYTES}}}, "extra", "the limit is 64 KB"),
    ({"extra": {"parameters": {"ratio": math.nan}}}, "extra", "plain JSON"),
    ({"extra": {"parameters": {"tags": {"a", "b"}}}}, "extra", "plain JSON"),
    ({"extra": {"parameters": {"bad": "\ud800"}}}, "extra", "plain JSON"),
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


SECRET = "sk-live-do-not-send"


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"parameters": {"api_key": SECRET}}, "extra.parameters.api_key"),
        ({"input": {"Authorization": f"Bearer {SECRET}"}}, "extra.input.Authorization"),
        ({"parameters": {"X-API-Key": SECRET}}, "extra.parameters.X-API-Key"),
        ({"parameters": {"apiKey": SECRET}}, "extra.parameters.apiKey"),
        ({"input": {"upstream": {"refresh_token": SECRET}}}, "extra.input.upstream.refresh_token"),
        ({"input": {"hooks": [{"url": "u"}, {"Client-Secret": SECRET}]}},
         "extra.input.hooks[1].Client-Secret"),
        ({"parameters": {"PASSWORD": SECRET}}, "extra.parameters.PASSWORD"),
        ({"parameters": {"cookie": SECRET}}, "extra.parameters.cookie"),
        ({"parameters": {"key": SECRET}}, "extra.parameters.key"),
        ({"api_key": SECRET}, "extra.api_key"),
    ],
)  # fmt: skip
def test_keys_and_secrets_in_extra_are_refused_before_anything_is_sent(extra, path):
    service = FakeService()
    with pytest.raises(ValidationError) as caught:
        make_client(service).edit(**edit_args(extra=extra))
    assert caught.value.field == "extra"
    assert str(caught.value) == (
        f"extra must not carry keys or secrets (found {path}); the API key is set separately."
    )
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value.value)
    assert service.requests == []


def test_an_extra_that_contains_itself_is_refused_not_walked_forever():
    extra: dict = {"parameters": {}}
    extra["parameters"]["again"] = extra
    with pytest.raises(ValidationError, match=r"nested more than .* contains itself"):
        make_client(FakeService()).edit(**edit_args(extra=extra))


def test_the_key_rule_is_one_public_function_for_names_and_for_nested_values():
    assert all(map(is_key_like_name, ["token", "access-token", "AccessToken", "session_key"]))
    assert not any(map(is_key_like_name, ["steps", "keys", "tokenizer", "monkey", 3]))
    assert key_like_path({"a": [{"b": {"c": 1}}]}, "params") is None
    assert key_like_path({"a": [{"b": {"bearer": 1}}]}, "params") == "params.a[0].b.bearer"


N_MUST_BE = "n must be an integer from 1 to 6 for qwen-image-2.0-pro;"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seed", math.nan, f"seed must be an integer from 0 to {SEED_MAX}; got NaN."),
        ("seed", math.inf, f"seed must be an integer from 0 to {SEED_MAX}; got Infinity."),
        ("seed", "abc", f"seed must be an integer from 0 to {SEED_MAX}; got 'abc'."),
        ("seed", 2.0, f"seed must be an integer from 0 to {SEED_MAX}; got 2.0."),
        ("seed", True, f"seed must be an integer from 0 to {SEED_MAX}; got True."),
        ("n", None, f"{N_MUST_BE} got None."),
        ("n", 2.5, f"{N_MUST_BE} got 2.5."),
        ("n", -math.inf, f"{N_MUST_BE} got -Infinity."),
        ("n", [1] * 500, f"{N_MUST_BE} got a list of 500 items."),
        ("model", None, "model must be a model name; got None."),
    ],
)  # fmt: skip
def test_numbers_that_are_not_whole_numbers_in_range_are_refused_with_a_clear_message(
    field, value, message
):
    service = FakeService()
    with pytest.raises(ValidationError) as caught:
        make_client(service).edit(**edit_args(**{field: value}))
    assert (caught.value.field, str(caught.value)) == (field, message)
    assert service.requests == []


WEIRD_VALUES = [None, math.nan, math.inf, -math.inf, "abc", 2.5, True, 0, -1, 10**5000, [], {},
                [1, "a"], {"a": 1}, "x" * 100_000, "\ud800", object()]  # fmt: skip


@pytest.mark.parametrize("field", [spec.name for spec in PARAM_FIELDS])
@pytest.mark.parametrize("value", WEIRD_VALUES, ids=lambda value: type(value).__name__)
def test_any_value_of_any_field_is_sent_or_refused_with_a_sentence_never_a_crash(field, value):
    service = FakeService()
    try:
        make_client(service).edit(**edit_args(**{field: value}))
    except ValidationError as error:
        message = str(error)
        assert error.field.split(".")[0] in (field, "images")
        assert message.startswith((field, f"The {field}", "The request")) and message.endswith(".")
        assert len(message) < 300 and "object at 0x" not in message
        assert service.requests == []
    else:
        assert len(service.posts) == 1
