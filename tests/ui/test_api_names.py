"""What gradio_client sees of the API: every output of every public endpoint named in plain
English (not `value_38`, not a translation key), and the run ids `/edit` and `/compare` return,
which a script hands on to `/history_share` and the other run endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    with app_on_simulator(simulator, tmp_path_factory.mktemp("api-names")) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "photo.png"
    Image.new("RGB", (640, 480), (200, 120, 30)).save(path)
    return path


def returns(client: Client) -> dict[str, list]:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    return {name: [item["label"] for item in info["returns"]] for name, info in endpoints.items()}


def test_every_output_of_every_endpoint_is_named_in_plain_words(client):
    labels = returns(client)
    assert labels["/edit"] == ["images", "summary", "metadata", "run_id"]
    assert labels["/compare"] == ["images", "summary", "run_ids"]
    assert labels["/history_open"] == ["Run details", "Inputs", "Results of this run", "Parameters"]
    for endpoint, names in labels.items():
        for name in names:
            assert isinstance(name, str) and name.strip(), (endpoint, name)
            assert not name.startswith("value_"), (endpoint, name)


def test_the_run_id_of_an_edit_shares_it_and_a_stranger_opens_the_link(client, app, picture):
    images, summary, _metadata, run_id = client.predict(
        images=[handle_file(str(picture))], prompt="a lighthouse", api_name="/edit"
    )
    assert len(images) == 1 and "**1 image** in" in summary and run_id

    link = client.predict(run_id=run_id, api_name="/history_share")
    token = link.rsplit("=", 1)[1]
    stranger = Client(app.url, verbose=False)
    words, _inputs, results, _params = stranger.predict(token=token, api_name="/shared_run")
    assert "a lighthouse" in words and len(results) == 1


def test_the_run_ids_of_a_comparison_are_each_a_run_of_the_caller(client, picture):
    gallery, _summary, run_ids = client.predict(
        images=[handle_file(str(picture))],
        prompt="two seeds",
        models="qwen-image-2.0-pro",
        seeds="1, 2",
        api_name="/compare",
    )
    assert len(gallery) == 2 and len(run_ids) == 2
    for run_id in run_ids:
        assert client.predict(run_id=run_id, api_name="/history_share").startswith("http")
