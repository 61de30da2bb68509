"""/metrics through a real app process on the simulator, read with Prometheus' own parser.

The app (`python app.py`) sends its runs to the session simulator with a dummy key; each test
scrapes before and after real runs through `/edit` and checks that the counts went up by what
was sent (runs by model and outcome, images, the gateway's latency by status, a 429 from the
simulator's fault queue and the retry it caused), and that no label carries the key or the
visitor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from simulator import Fault, RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.history_api import issued_cookie, visitor
from tests.simulator.helpers import queue, received

KEY = "dummy-key"  # the key app_on_simulator gives the app
QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"
LABEL_NAMES = {"model", "outcome", "status", "reason", "le"}
"""Every label the metrics may have: none names a visitor, a prompt or a key."""

Samples = dict[tuple[str, frozenset], float]


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    with app_on_simulator(simulator, tmp_path_factory.mktemp("metrics")) as running:
        yield running


@pytest.fixture(scope="module")
def token(app: AppProcess) -> str:
    return issued_cookie(app.url)


@pytest.fixture(scope="module")
def client(app: AppProcess, token: str) -> Client:
    return visitor(app.url, token)


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("picture") / "red.png"
    Image.new("RGB", (512, 512), "red").save(path)
    return path


def exposition(app: AppProcess) -> str:
    answer = httpx2.get(app.url + "/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return answer.text


def scrape(app: AppProcess) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition(app))
        for sample in family.samples
    }


def grown(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def edit(client: Client, picture: Path, **params):
    return client.predict(
        images=[handle_file(str(picture))], prompt="make it snow", api_name="/edit", **params
    )


def test_runs_images_and_gateway_latency_go_up_by_what_was_sent(app, sim, client, picture):
    before = scrape(app)

    edit(client, picture, model=QWEN, n=1)
    edit(client, picture, model=WAN, n=2)

    after = scrape(app)
    assert [request["model"] for request in received(sim)] == [QWEN, WAN]
    assert grown(before, after, "playground_runs_total", model=QWEN, outcome="ok") == 1
    assert grown(before, after, "playground_runs_total", model=WAN, outcome="ok") == 1
    assert grown(before, after, "playground_images_made_total", model=QWEN) == 1
    assert grown(before, after, "playground_images_made_total", model=WAN) == 2
    latency = "playground_gateway_request_seconds"
    assert grown(before, after, latency + "_count", status="200") == 2
    assert grown(before, after, latency + "_bucket", status="200", le="+Inf") == 2
    assert grown(before, after, latency + "_sum", status="200") > 0
    assert after[("playground_runs_in_flight", frozenset())] == 0
    assert after[("playground_runs_waiting", frozenset())] == 0
    assert after[("playground_journal_sending", frozenset())] == 0
    assert after[("playground_draining", frozenset())] == 0


def test_a_429_from_the_gateway_counts_as_rate_limited_and_as_a_retry(app, sim, client, picture):
    queue(sim, Fault(status=429, code="Throttling.RateQuota"))
    before = scrape(app)

    gallery, *_ = edit(client, picture, model=QWEN)

    after = scrape(app)
    assert len(gallery) == 1
    assert [request["status"] for request in received(sim)] == [429, 200]
    assert grown(before, after, "playground_gateway_rate_limited_total") == 1
    assert grown(before, after, "playground_gateway_retries_total", reason="429") == 1
    latency = "playground_gateway_request_seconds_count"
    assert grown(before, after, latency, status="429") == 1
    assert grown(before, after, latency, status="200") == 1
    assert grown(before, after, "playground_runs_total", model=QWEN, outcome="ok") == 1


def test_a_run_the_service_fails_counts_as_failed_and_makes_no_image(app, sim, client, picture):
    queue(sim, Fault(status=500))
    before = scrape(app)

    with pytest.raises(AppError):
        edit(client, picture, model=QWEN)

    after = scrape(app)
    assert len(received(sim)) == 1  # a 500 may have been billed: never sent again
    assert grown(before, after, "playground_runs_total", model=QWEN, outcome="failed") == 1
    assert grown(before, after, "playground_runs_total", model=QWEN, outcome="ok") == 0
    assert grown(before, after, "playground_images_made_total", model=QWEN) == 0
    assert grown(before, after, "playground_gateway_request_seconds_count", status="500") == 1
    assert grown(before, after, "playground_gateway_retries_total", reason="500") == 0


def test_no_label_names_the_key_or_the_visitor(app, sim, client, token, picture):
    edit(client, picture, model=QWEN)
    text = exposition(app)

    labels = {
        (name, value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        for name, value in sample.labels.items()
    }
    assert {name for name, _ in labels} <= LABEL_NAMES
    secrets = [KEY, token, *token.split(".")]
    assert not [value for _, value in labels for secret in secrets if secret in value]
    assert not [secret for secret in secrets if secret in text]
    assert {value for name, value in labels if name == "model"} <= {QWEN, WAN, "custom"}
