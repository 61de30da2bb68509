"""Issue 12 in the client: both request shapes on the wire, named sizes, and region boxes checked
against the photo the user gave and scaled with it when the client downsizes it."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from client import EditRequest, ImageEditClient, ValidationError
from client.params import EditParams

BASE_URL = "http://127.0.0.1:9/v1"  # never contacted: these tests only prepare requests


def body_of(tmp_path, *, sizes=((640, 480),), **params) -> dict:
    images = []
    for position, size in enumerate(sizes, start=1):
        path = tmp_path / f"in-{position}.png"
        Image.new("RGB", size, (40 * position, 90, 160)).save(path)
        images.append(path)
    request = EditRequest.of(EditParams(prompt="mark the boats", **params), images)
    with ImageEditClient(api_key="test-key-0123456789", base_url=BASE_URL) as api:
        kwargs = api._core.prepare(request).body.kwargs
    return json.loads(kwargs["content"]) if "content" in kwargs else kwargs["data"]


@pytest.mark.parametrize("count", [1, 3])
def test_the_flat_shape_puts_image_and_prompt_at_the_top_level(tmp_path, count):
    sent = body_of(tmp_path, sizes=[(640, 480)] * count, model="wan2.7-image-pro")
    assert sent["prompt"] == "mark the boats" and "input" not in sent
    assert isinstance(sent["image"], str if count == 1 else list)


@pytest.mark.parametrize("count", [1, 3])
def test_the_messages_shape_lists_the_images_then_one_text(tmp_path, count):
    sent = body_of(
        tmp_path, sizes=[(640, 480)] * count, model="wan2.7-image-pro", wire_format="messages",
        n=2, size="2K", seed=7, extra={"input": {"mode": "edit"}, "parameters": {"n": 9, "k": 1}},
    )  # fmt: skip
    [message] = sent["input"]["messages"]
    assert message["role"] == "user"
    assert [list(item) for item in message["content"]] == [["image"]] * count + [["text"]]
    assert message["content"][-1]["text"] == "mark the boats"
    assert message["content"][0]["image"].startswith("data:image/")
    assert sent["input"]["mode"] == "edit"  # extra.input joins input
    assert (sent["n"], sent["size"], sent["seed"], sent["k"]) == (2, "2K", 7, 1)  # never over n
    assert not {"prompt", "image", "parameters", "extra"} & set(sent)


def test_the_environment_chooses_the_shape_when_the_request_does_not(tmp_path, monkeypatch):
    monkeypatch.setenv("POWERTOKENS_WIRE_FORMAT", "messages")
    assert "messages" in body_of(tmp_path)["input"]
    assert "prompt" in body_of(tmp_path, wire_format="flat")


def test_multipart_has_no_messages_shape(tmp_path):
    with pytest.raises(ValidationError, match="JSON only"):
        body_of(tmp_path, encoding="multipart", wire_format="messages")


@pytest.mark.parametrize(
    ("model", "size", "problem"),
    [
        ("qwen-image-2.0-pro", "2K", 'size "2K" is not taken by qwen-image-2.0-pro, which'),
        ("wan2.7-image-pro", "3K", 'must be "1K", "2K" or "W*H"'),
        ("qwen-image-2.0-pro", "1024x768", None),
        ("wan2.7-image-pro", "1K", None),
    ],
)  # fmt: skip
def test_named_sizes_only_for_the_models_that_take_them(tmp_path, model, size, problem):
    if problem is None:
        assert body_of(tmp_path, model=model, size=size)["size"] in ("1024*768", "1K")
        return
    with pytest.raises(ValidationError) as caught:
        body_of(tmp_path, model=model, size=size)
    assert problem in str(caught.value)


def test_boxes_scale_with_a_photo_the_client_downsizes(tmp_path):
    # a custom model has the general limits (3072 px a side): a 4000x3000 photo is scaled by 0.768
    sent = body_of(
        tmp_path, sizes=[(4000, 3000), (640, 480)], model="my-model",
        bbox_list=[[[1000, 1000, 2000, 1500], [0, 0, 4000, 3000]], [[10, 20, 30, 40]]],
    )  # fmt: skip
    assert sent["bbox_list"] == [
        [[768, 768, 1536, 1152], [0, 0, 3072, 2304]],
        [[10, 20, 30, 40]],  # not downsized, not moved
    ]


@pytest.mark.parametrize(
    ("bbox_list", "problem"),
    [
        ([[[0, 0, 641, 10]]], "reaches outside that image (640×480 pixels)"),
        ([[[5, 5, 5, 9]]], "0 <= x1 < x2"),
        ([[[1, 2, 3]]], "four whole numbers"),
        ([[[1.5, 2, 3, 4]]], "four whole numbers"),
        ([[[1, 2, 3, 4]], []], "one list of [x1, y1, x2, y2] boxes per input image"),
        ({"image": 1}, "one list of [x1, y1, x2, y2] boxes per input image"),
    ],
)
def test_bad_boxes_are_refused_before_sending(tmp_path, bbox_list, problem):
    with pytest.raises(ValidationError) as caught:
        body_of(tmp_path, model="wan2.7-image-pro", bbox_list=bbox_list)
    assert caught.value.field == "bbox_list" and problem in str(caught.value)


def test_qwen_takes_no_boxes(tmp_path):
    with pytest.raises(ValidationError, match="bbox_list is not taken by qwen"):
        body_of(tmp_path, bbox_list=[[[1, 2, 3, 4]]])
