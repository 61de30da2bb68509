"""Issue 21.4 through the app: too many boxes, deep nesting and oversized JSON text in `bbox_list`
or `extra` get a readable refusal from `/edit`, and the simulator receives nothing.

One app per module (`python app.py`), on the session simulator with control routes, as in
test_edit_api.py; and the region panel's reading of the boxes, which reads the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from client.models import BOXES_MAX_PER_IMAGE, JSON_MAX_DEPTH, PARAMS_MAX_BYTES
from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from ui.regions.geometry import parse_boxes

DEEP_TEXT = 20_000
"""Far past Python's recursion limit, yet under the size limit: the depth check answers."""
DEEP = 100_000
WAN = "wan2.7-image-pro"
TOO_DEEP = f"is nested more than {JSON_MAX_DEPTH} levels deep"
TOO_LARGE = f"the limit is {PARAMS_MAX_BYTES // 1024} KB"


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    with app_on_simulator(simulator, tmp_path_factory.mktemp("bounded-params")) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("picture") / "in.png"
    Image.new("RGB", (640, 480), "teal").save(path)
    return path


def boxes_text(count: int) -> str:
    return json.dumps([[[index % 600, 0, index % 600 + 10, 10] for index in range(count)]])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox_list": "[" * DEEP_TEXT + "]" * DEEP_TEXT}, f"bbox_list {TOO_DEEP}"),
        ({"bbox_list": "[[[" + "[" * DEEP_TEXT}, f"bbox_list {TOO_DEEP}"),
        ({"bbox_list": "[" * DEEP + "]" * DEEP}, TOO_LARGE),
        ({"extra": '{"a":' * DEEP_TEXT + "1" + "}" * DEEP_TEXT}, f"extra {TOO_DEEP}"),
        (
            {"extra": '{"parameters": ' + "[" * DEEP_TEXT + "]" * DEEP_TEXT + "}"},
            f"extra {TOO_DEEP}",
        ),
        ({"extra": '{"a":' * DEEP + "1" + "}" * DEEP}, TOO_LARGE),
        (
            {"bbox_list": boxes_text(BOXES_MAX_PER_IMAGE + 1)},
            f"image 1 has {BOXES_MAX_PER_IMAGE + 1} boxes; at most {BOXES_MAX_PER_IMAGE} boxes",
        ),
        ({"bbox_list": boxes_text(100_000)}, f"KB of text; {TOO_LARGE}"),
    ],
    ids=[
        "deep-boxes",
        "deep-unclosed-boxes",
        "100000-deep-boxes",
        "deep-extra",
        "deep-lists-in-extra",
        "100000-deep-extra",
        "one-box-too-many",
        "100000-boxes",
    ],
)
def test_unbounded_values_are_refused_readably_before_any_request(
    client: Client, sim: RunningServer, picture, params, message
):
    with pytest.raises(AppError) as caught:
        client.predict(
            images=[handle_file(str(picture))],
            prompt="mark the boats",
            model=WAN,
            api_name="/edit",
            **params,
        )
    assert message in str(caught.value)
    assert "raised an exception" not in str(caught.value)
    assert httpx2.get(sim.origin + "/_simulator/requests").json()["requests"] == []


def test_the_box_cap_itself_is_sent(client: Client, sim: RunningServer, picture):
    client.predict(
        images=[handle_file(str(picture))],
        prompt="mark the boats",
        model=WAN,
        bbox_list=boxes_text(BOXES_MAX_PER_IMAGE),
        api_name="/edit",
    )
    [request] = httpx2.get(sim.origin + "/_simulator/requests").json()["requests"]
    assert len(request["bbox_list"][0]) == BOXES_MAX_PER_IMAGE


@pytest.mark.parametrize(
    "text", ["[" * DEEP_TEXT, "[" * DEEP + "]" * DEEP], ids=["deep", "100000-deep"]
)
def test_the_region_panel_cannot_draw_deep_text_and_does_not_fail(text):
    assert parse_boxes(text, 1) is None
