"""The `/edit` endpoint through gradio_client, against the app on a live simulator.

One app per module, started as `python app.py` (tests/app_process.py) and pointed at the session
simulator (control routes on) with a dummy key, so a test can script an upstream failure and read
what was sent. Its history is read back from the app's HISTORY_DIR.
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

from client import PARAM_NAMES
from client.params import PARAM_FIELDS, default_of
from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("edit-api")
    with app_on_simulator(simulator, root) as running:
        yield running


@pytest.fixture
def control(sim: RunningServer) -> str:
    return sim.origin + "/_simulator"


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("pictures")
    paths = []
    for index, (size, colour) in enumerate(
        [((640, 480), "red"), ((480, 640), "blue"), ((512, 512), "green"), ((600, 400), "gray")]
    ):
        path = root / f"{index}.png"
        Image.new("RGB", size, colour).save(path)
        paths.append(path)
    return paths


PARAMS = {spec.name: spec for spec in PARAM_FIELDS}


def edit(client: Client, images: list[Path], prompt: str = "make it snow", **params):
    return client.predict(
        images=[handle_file(str(path)) for path in images],
        prompt=prompt,
        api_name="/edit",
        **params,
    )


def sent(control: str) -> list[dict]:
    """The edit requests the simulator received since the test began."""
    return httpx2.get(control + "/requests").json()["requests"]


def result_paths(gallery: list[dict]) -> list[Path]:
    return [Path(item["image"]) if isinstance(item["image"], str) else Path(item["image"]["path"])
            for item in gallery]  # fmt: skip


def test_the_edit_endpoint_is_listed_with_the_api_field_names(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/edit"]
    names = [parameter["parameter_name"] for parameter in endpoint["parameters"]]
    assert names == ["images", *PARAM_NAMES, "parent"]  # every parameter, and the run continued
    required = [
        p["parameter_name"] for p in endpoint["parameters"] if not p["parameter_has_default"]
    ]
    assert required == ["images", "prompt"]


def test_a_single_edit_returns_the_exact_png_bytes_and_a_summary(client, pictures, control):
    gallery, summary, metadata, run_id = edit(client, pictures[:1], seed=1234)
    [result] = result_paths(gallery)
    with Image.open(result) as image:
        assert image.format == "PNG" and image.size == (1024, 1024)
    assert "**1 image** in" in summary and "`1234`" in summary
    assert "offline simulator" not in summary
    assert isinstance(metadata, dict)
    assert run_id
    [request] = sent(control)
    assert (request["model"], request["n"], request["image_count"]) == ("qwen-image-2.0-pro", 1, 1)
    assert "Authorization" not in str(request)


def test_fusing_several_images_sends_them_all_in_order(client, pictures, control):
    gallery, summary, _, _ = edit(
        client, pictures, "put them side by side", model="wan2.7-image-pro", n=2, size="1280*720"
    )
    assert len(result_paths(gallery)) == 2
    assert "**2 images** in" in summary
    [request] = sent(control)
    assert (request["model"], request["image_count"], request["size"]) == (
        "wan2.7-image-pro",
        4,
        "1280*720",
    )


@pytest.mark.parametrize("wire_format", ["flat", "messages"])
def test_each_request_shape_runs_through_the_edit_api_with_named_sizes_and_boxes(
    client, pictures, control, wire_format
):
    gallery, _summary, _metadata, _run_id = edit(
        client, pictures[:2], "outline the boats", model="wan2.7-image-pro", size="1K",
        wire_format=wire_format, bbox_list="[[[10, 10, 200, 200]], [[0, 0, 100, 50]]]",
    )  # fmt: skip
    [result] = result_paths(gallery)
    with Image.open(result) as image:
        assert abs(image.width * image.height - 1024 * 1024) < 0.05 * 1024 * 1024
        assert image.width < image.height  # "1K" follows the last input's aspect (480x640)
    [request] = sent(control)
    assert request["wire_format"] == wire_format and request["requested_size"] == "1K"
    assert request["bbox_list"] == [[[10, 10, 200, 200]], [[0, 0, 100, 50]]]


@pytest.mark.parametrize(
    ("count", "params", "message"),
    [
        (1, {"prompt": ""}, "The prompt is empty."),
        (1, {"prompt": "x" * 801}, "The prompt has 801 characters; the limit is 800."),
        (1, {"negative_prompt": "y" * 501}, "The negative_prompt has 501 characters"),
        (4, {}, "qwen-image-2.0-pro takes 1 to 3 input images; got 4."),
        (1, {"n": 7}, "n must be an integer from 1 to 6 for qwen-image-2.0-pro"),
        (1, {"n": 5, "model": "wan2.7-image-pro"}, "from 1 to 4 for wan2.7-image-pro"),
        (1, {"n": 0}, "n must be an integer from 1 to 6"),
        (1, {"size": "4096*4096"}, "between 512*512 and 2048*2048 pixels in total"),
        (1, {"size": "big"}, "size"),
        (1, {"seed": 2_147_483_648}, "seed must be an integer from 0 to 2147483647"),
        (1, {"seed": -1}, "seed must be an integer from 0 to 2147483647"),
        (1, {"response_format": "png"}, "response_format must be one of b64_json, url"),
        (1, {"n": 2.5}, "n must be an integer from 1 to 6 for qwen-image-2.0-pro; got 2.5"),
        (1, {"n": True}, "n must be an integer from 1 to 6"),
        (1, {"seed": "abc"}, "seed must be an integer from 0 to 2147483647"),
        (1, {"model": "m" * 101}, "model"),
        (1, {"extra": '{"parameters": {"api_key": "x"}}'}, "found extra.parameters.api_key"),
        (1, {"extra": '{"input": {"Refresh-Token": "x"}}'}, "must not carry keys or secrets"),
        (1, {"extra": '{"parameters": {"pad": "' + "p" * 70_000 + '"}}'}, "the limit is 64 KB"),
        (1, {"size": "2K"}, 'size "2K" is not taken by qwen-image-2.0-pro, which takes "W*H"'),
        (1, {"bbox_list": "[[[1, 2, 3, 4]]]"}, "bbox_list is not taken by qwen-image-2.0-pro"),
        (1, {"bbox_list": "[[[1, 2"}, "bbox_list is not valid JSON"),
        (1, {"encoding": "multipart", "wire_format": "messages"}, "JSON only"),
    ],
)
def test_invalid_values_are_refused_before_any_request(client, pictures, control, count, params,
                                                        message):  # fmt: skip
    arguments = {"prompt": "make it snow", **params}
    with pytest.raises(AppError) as caught:
        edit(client, pictures[:count], **arguments)
    assert message in str(caught.value)
    assert sent(control) == []


@pytest.mark.parametrize(
    ("field", "literal", "message"),
    [
        ("seed", "NaN", "seed must be an integer from 0 to 2147483647; got NaN."),
        ("seed", "Infinity", "seed must be an integer from 0 to 2147483647; got Infinity."),
        ("n", "-Infinity", "n must be an integer from 1 to 6 for qwen-image-2.0-pro"),
        ("n", "null", None),  # null means the default (1): the edit runs
    ],
)
def test_numbers_json_clients_can_send_get_a_clear_answer(
    app, pictures, control, field, literal, message
):
    """NaN and Infinity are not JSON, but JavaScript's and Python's encoders write them; they
    arrive as the literal tokens, through Gradio's plain HTTP API."""
    answer = raw_edit(app.url, pictures[0], {field: literal})
    if message is None:
        assert "event: complete" in answer and len(sent(control)) == 1
    else:
        assert "event: error" in answer and message in answer
        assert sent(control) == []


def raw_edit(url: str, picture: Path, literals: dict[str, str]) -> str:
    """/edit over Gradio's HTTP call API with some arguments written as raw JSON tokens; returns
    the event stream's text."""
    with httpx2.Client(base_url=url, timeout=60) as http:
        with picture.open("rb") as handle:
            [uploaded] = http.post("/gradio_api/upload", files={"files": handle}).json()
        image = json.dumps([{"path": uploaded, "meta": {"_type": "gradio.FileData"}}])
        values = {name: json.dumps(default_of(spec)) for name, spec in PARAMS.items()}
        values.update(prompt='"make it snow"', parent='""', **literals)
        body = '{"data": [' + ", ".join([image, *values.values()]) + "]}"
        started = http.post(
            "/gradio_api/call/edit", content=body, headers={"content-type": "application/json"}
        )
        event_id = started.json()["event_id"]
        return http.get(f"/gradio_api/call/edit/{event_id}").text


def test_a_broken_image_is_refused_with_its_position(client, pictures, control, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n but then nothing")
    with pytest.raises(AppError, match="Image 2: "):
        edit(client, [pictures[0], broken])
    assert sent(control) == []


def test_an_upstream_failure_shows_the_clients_message_and_is_kept_in_history(
    history, client, pictures, control
):
    fault = {
        "status": 400,
        "code": "DataInspectionFailed",
        "message": "Input data may contain inappropriate content.",
    }
    httpx2.post(control + "/faults", json=[fault]).raise_for_status()
    with pytest.raises(AppError) as caught:
        edit(client, pictures[:1], "a prompt the moderation refuses")
    message = str(caught.value)
    assert "dummy-key" not in message
    assert "moderation" in message.lower() or "content" in message.lower()
    [failed] = [run for run in history.list_runs(None) if run.prompt.startswith("a prompt the")]
    assert failed.status == "failed"

    gallery, _, _, _ = edit(client, pictures[:1], "after the failure")
    assert len(result_paths(gallery)) == 1


def test_every_finished_run_is_recorded_without_the_key(history, client, pictures, control):
    edit(client, pictures[:2], "recorded run", seed=99)
    [summary] = [run for run in history.list_runs(None) if run.prompt == "recorded run"]
    detail = history.get_run(None, summary.id)
    assert detail.status == "ok" and detail.seed == 99 and detail.backend == "api"
    assert len(detail.input_paths) == 2 and len(detail.output_paths) == 1
    assert "dummy-key" not in repr(detail)


def test_edits_from_several_callers_run_at_the_same_time(client, pictures, control):
    callers = 4
    slow = [{"delay_s": 1.0}] * callers
    httpx2.post(control + "/faults", json=slow).raise_for_status()
    jobs = [
        client.submit(
            images=[handle_file(str(pictures[0]))], prompt=f"caller {index}", api_name="/edit"
        )
        for index in range(callers)
    ]
    assert all(len(job.result()[0]) == 1 for job in jobs)
    assert httpx2.get(control + "/requests").json()["max_in_flight"] == callers
