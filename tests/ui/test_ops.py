"""The server's operation in one process (ui/ops/): the drain's door, readiness, metric labels.

A real Runner over the session simulator, a real history store; the drain is begun by hand
(tests/integration/test_drain.py sends the real SIGTERM to a real process).
"""

from __future__ import annotations

import asyncio
import shutil

import pytest
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from client import EditParams, ImageEditClient
from client.preparation import PreparationCache
from history import HistoryStore
from tests.simulator.helpers import received
from ui.core.backend import Backend
from ui.core.owner import Owner
from ui.core.runs import Runner
from ui.ops import health
from ui.ops.drain import Drain, ServerDraining
from ui.ops.health import Readiness
from ui.ops.metrics import Metrics, model_label
from ui.ops.wiring import Operation

KEY = "ops-test-key-0123456789"
OWNER = Owner("visitor-0123456789abcdef", None)


@pytest.fixture
def store(tmp_path):
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture
def operation():
    return Operation(Drain(seconds=30))


@pytest.fixture
def runner(sim, store, operation):
    client = ImageEditClient(api_key=KEY, base_url=sim.base_url, observer=operation.metrics)
    backend = Backend("api", client, sim.base_url, key=KEY)
    runner = Runner(backend, store, PreparationCache(), 4, hooks=operation.run_hooks)
    yield runner
    runner.journal.close()
    client.close()


@pytest.fixture
def photo(tmp_path) -> str:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path)
    return str(path)


def samples(metrics: Metrics) -> dict[tuple[str, frozenset], float]:
    text = metrics.exposition().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_run_after_the_drain_began_is_refused_before_anything_is_sent(
    sim, runner, store, operation, photo
):
    params = EditParams(prompt="make it snow", model="qwen-image-2.0-pro")
    runner.run(params, [photo], OWNER, None)
    operation.drain.draining.set()

    with pytest.raises(ServerDraining) as refused:
        runner.run(params, [photo], OWNER, None)

    assert "This server is restarting" in str(refused.value)
    assert refused.value.text_key == "server_restarting"
    assert len(received(sim)) == 1 and store.count_runs() == 1
    assert operation.drain.in_flight() == 0 and operation.drain.wait_for_runs(0)


def test_the_runner_counts_its_runs_and_the_client_its_attempts(sim, runner, operation, photo):
    runner.run(EditParams(prompt="p", model="wan2.7-image-pro", n=2), [photo], OWNER, None)

    counted = samples(operation.metrics)
    assert (
        counted[
            (
                "playground_runs_total",
                frozenset({"model": "wan2.7-image-pro", "outcome": "ok"}.items()),
            )
        ]
        == 1
    )
    assert (
        counted[("playground_images_made_total", frozenset({"model": "wan2.7-image-pro"}.items()))]
        == 2
    )
    assert (
        counted[("playground_gateway_request_seconds_count", frozenset({"status": "200"}.items()))]
        == 1
    )
    assert not [key for key in counted if KEY in str(key) or OWNER.id in str(key)]  # fmt: skip


@pytest.mark.parametrize(
    ("model", "label"),
    [
        ("qwen-image-2.0-pro", "qwen-image-2.0-pro"),
        ("wan2.7-image-pro", "wan2.7-image-pro"),
        ("my-own-model sk-secret", "custom"),
        ("", "custom"),
    ],
)
def test_a_model_is_named_in_a_label_only_when_the_app_knows_it(model, label):
    assert model_label(model) == label


def test_readiness_says_starting_ready_draining_or_which_store_is_down(tmp_path):
    store = HistoryStore(tmp_path / "history")
    drain = Drain(seconds=30)
    readiness = Readiness(store, drain)
    try:
        assert asyncio.run(readiness.problem()) == health.STARTING
        drain.armed.set()
        assert asyncio.run(readiness.problem()) is None
        drain.draining.set()
        assert asyncio.run(readiness.problem()) == health.DRAINING
        drain.draining.clear()
        shutil.rmtree(store.blob_folder)  # the images' disk is gone
        assert asyncio.run(readiness.problem()) == health.NO_BLOBS
    finally:
        store.close()


def test_the_drain_stops_once_the_runs_ended_and_the_requests_went_quiet():
    drain = Drain(seconds=30)
    stopped: list[int] = []
    with drain.door():
        assert drain.in_flight() == 1
        assert not drain.wait_for_runs(0)
    drain.drain(answering=lambda: False, stop=lambda: stopped.append(drain.in_flight()))
    assert stopped == [0] and drain.draining.is_set()
    with pytest.raises(ServerDraining), drain.door():
        pass
