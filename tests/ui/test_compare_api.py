"""Issue 14.1 through the API: `/compare` against the app on a live simulator.

One app per module (`python app.py`, MAX_CONCURRENT_RUNS=2) on the session simulator with its
control routes, so a test reads exactly what reached the wire and scripts an upstream failure;
its history is read back from the app's HISTORY_DIR.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from client import PARAM_NAMES
from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator

BOTH = "qwen-image-2.0-pro,wan2.7-image-pro"


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("compare-api")
    with app_on_simulator(simulator, root, MAX_CONCURRENT_RUNS="2") as running:
        yield running


@pytest.fixture
def control(sim: RunningServer) -> str:
    return sim.origin + "/_simulator"


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "photo.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(path)
    return path


def compare(client: Client, picture: Path, prompt: str, **arguments):
    return client.predict(
        images=[handle_file(str(picture))], prompt=prompt, api_name="/compare", **arguments
    )


def sent(control: str) -> list[dict]:
    return httpx2.get(control + "/requests").json()["requests"]


def test_the_endpoint_takes_models_and_seeds_in_place_of_model_and_seed(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    names = [p["parameter_name"] for p in endpoint["/compare"]["parameters"]]
    others = [name for name in PARAM_NAMES if name not in ("prompt", "model", "seed")]
    assert names == ["images", "prompt", "models", "seeds", *others]


def test_a_2x2_comparison_sends_exactly_the_four_requests_and_names_each_image(
    client, picture, control, history
):
    gallery, summary, run_ids = compare(
        client, picture, "a 2x2 comparison", models=BOTH, seeds="7, 8"
    )

    requests = sent(control)
    assert sorted((r["model"], r["seed"]) for r in requests) == [
        ("qwen-image-2.0-pro", 7), ("qwen-image-2.0-pro", 8),
        ("wan2.7-image-pro", 7), ("wan2.7-image-pro", 8),
    ]  # fmt: skip
    assert all(r["prompt"] == "a 2x2 comparison" and r["n"] == 1 for r in requests)
    assert [item["caption"] for item in gallery] == [
        "qwen-image-2.0-pro · seed 7", "qwen-image-2.0-pro · seed 8",
        "wan2.7-image-pro · seed 7", "wan2.7-image-pro · seed 8",
    ]  # fmt: skip
    assert all(Path(item["image"]).is_file() for item in gallery)
    assert "4 of 4 cells" in summary

    runs = [run for run in history.list_runs(None) if run.prompt == "a 2x2 comparison"]
    details = [history.get_run(None, run.id) for run in runs]
    assert len(details) == 4 and len({run.comparison for run in details}) == 1
    assert sorted(run_ids) == sorted(run.id for run in runs)
    together = history.comparison_runs(None, details[0].comparison)
    assert sorted((run.model, run.seed) for run in together) == sorted(
        (r["model"], r["seed"]) for r in requests
    )


def test_cells_run_at_once_but_never_more_than_max_concurrent_runs(client, picture, control):
    slow = [{"delay_s": 0.5}] * 4
    httpx2.post(control + "/faults", json=slow).raise_for_status()
    gallery, _, _ = compare(client, picture, "two at a time", models=BOTH, seeds="1,2")
    assert len(gallery) == 4
    assert httpx2.get(control + "/requests").json()["max_in_flight"] == 2


def test_a_comparison_and_runs_beside_it_share_the_max_concurrent_runs_bound(
    client, picture, control
):
    """The comparison takes one place in the edit queue; its cells and the runs queued beside
    it still never have more than MAX_CONCURRENT_RUNS requests at the service at once."""
    httpx2.post(control + "/faults", json=[{"delay_s": 0.5}] * 6).raise_for_status()
    comparison = client.submit(
        images=[handle_file(str(picture))], prompt="beside runs", models=BOTH, seeds="1,2",
        api_name="/compare",
    )  # fmt: skip
    runs = [
        client.submit(images=[handle_file(str(picture))], prompt=f"run {i}", api_name="/edit")
        for i in range(2)
    ]
    gallery, _, _ = comparison.result(timeout=120)
    assert len(gallery) == 4 and all(len(run.result(timeout=120)[0]) == 1 for run in runs)
    log = httpx2.get(control + "/requests").json()
    assert len(log["requests"]) == 6 and log["max_in_flight"] == 2


@pytest.mark.parametrize(
    ("arguments", "refusal"),
    [
        ({"size": "2K"}, 'qwen-image-2.0-pro: size "2K" is not taken'),
        ({"bbox_list": "[[[10, 10, 200, 200]]]"}, "qwen-image-2.0-pro: bbox_list is not taken"),
        ({"n": 6}, "wan2.7-image-pro: n must be an integer from 1 to 4"),
    ],
)
def test_a_setting_one_model_refuses_refuses_the_whole_comparison_before_sending(
    client, picture, control, arguments, refusal
):
    with pytest.raises(AppError, match="Nothing was sent") as caught:
        compare(client, picture, "refused", models=BOTH, seeds="1,2", **arguments)
    assert refusal in str(caught.value)
    assert sent(control) == []


@pytest.mark.parametrize(
    ("models", "seeds", "problem"),
    [
        (BOTH, "", "Give the seeds to compare"),
        (BOTH, "1, 2, 3, 4, 5", "5 seeds given"),
        (BOTH, "1, 1", "Seed 1 is given twice"),
        (BOTH, "1, x", "x is not a seed"),
        (BOTH, "-3", "-3 is not a seed: seeds are whole numbers"),
        (BOTH, "1e3", "1e3 is not a seed"),
        ("qwen-image-2.0-pro, qwen-image-2.0-pro", "1", "qwen-image-2.0-pro is given twice"),
        (" , ", "1", "Pick the models to compare"),
    ],
)
def test_bad_models_or_seeds_are_refused_with_what_is_wrong(
    client, picture, control, models, seeds, problem
):
    with pytest.raises(AppError, match=problem):
        compare(client, picture, "bad list", models=models, seeds=seeds)
    assert sent(control) == []


def test_a_failed_cell_says_so_and_the_others_still_come_back(client, picture, control, history):
    refusal = {"status": 400, "code": "DataInspectionFailed", "message": "Inappropriate content."}
    httpx2.post(control + "/faults", json=[refusal]).raise_for_status()
    gallery, summary, run_ids = compare(client, picture, "one cell fails", models=BOTH, seeds="3,4")
    assert len(sent(control)) == 4  # nothing was retried
    assert len(gallery) == 3 and "3 of 4 cells" in summary
    assert len(run_ids) == 4, "a failed cell is a run in History too"
    assert summary.count("failed:") == 1 and "Inappropriate content" in summary
    assert "this comparison 3 images" in summary  # what came back, the failed cell made none
    statuses = sorted(run.status for run in history.list_runs(None, search="one cell fails"))
    assert statuses == ["failed", "ok", "ok", "ok"]
